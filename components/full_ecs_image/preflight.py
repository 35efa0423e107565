"""The read-only checks of the console procedure, shared by check() (at preview) and create().

The rules (https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0217.html): only an
available CSBS backup can be used; it must be a backup of a whole ECS, system disk included; it
must have no shared disk; one backup makes at most one full-ECS image. The same rules are applied to
CBR backups (https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0218.html), the
service that replaces CSBS; that page does not repeat the shared-disk rule, which we keep (see
docs/design.md). Nothing here writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TypeVar

from . import plan
from .api_models import Backup, Image, Volume
from .client import HuaweiClient
from .errors import ApiError, PreflightError
from .polling import Goal, Seen, wait_for
from .rules import DELETING_PREFIX, MARKER_TAG_KEY
from .schema import ImageSpec

WHOLE_ECS_RESOURCE_TYPE = "OS::Nova::Server"
WAITING_STATUSES = ("protecting", "waiting_protect")

Say = Callable[[str], None]
A = TypeVar("A")
B = TypeVar("B")


@dataclass(frozen=True)
class Found:
    """Our image (it carries this resource's marker) and the tags read to recognise it."""

    image: Image
    tags: Mapping[str, str]


@dataclass(frozen=True)
class Scan:
    """The backup's full-ECS images: ours (marker tag), the ids of those being deleted by a
    component (marker value "deleting-..."), and the ids of the others."""

    ours: Found | None
    others: tuple[str, ...]
    going: tuple[str, ...] = ()
    ours_going: tuple[str, ...] = ()
    """Those of `going` that carry this resource's marker: the images its own delete started."""


@dataclass(frozen=True)
class Source:
    """The backup the image is made from, and its disks as EVS reports them (None: gone)."""

    backup: Backup
    volumes: Mapping[str, Volume | None]


@dataclass(frozen=True)
class Preflight:
    """What the checks found: the source (when adopting: None if its backup is gone), our image
    from an earlier run (to adopt), images of the backup still being deleted (to wait for), and
    lines worth showing (a backup still being made; what adoption will change)."""

    source: Source | None
    ours: Found | None
    notes: tuple[str, ...] = ()
    going: tuple[str, ...] = ()


async def preflight(api: HuaweiClient, spec: ImageSpec, *, wait_until: float | None, say: Say) -> Preflight:
    """Every rule at once, reads only. `wait_until`: create() waits for a backup still being made
    until then; check() (None) notes it instead, since create will wait."""
    if spec.adopt_image_id:
        image, tags = await adoption_target(api, spec)
        return Preflight(await read_source(api, spec), None, tuple(plan.adoption_changes(image, tags, spec)))
    backup = await read_backup(api, spec.backup_id, spec.source, wait_until=wait_until, say=say)
    notes: tuple[str, ...] = ()
    if backup.status in WAITING_STATUSES:
        notes = (
            f"warning: {backup.service} backup {backup.id} is {backup.status} (still being made); "
            "`pulumi up` waits for it to become available",
        )
    check_whole_ecs(backup)
    # Disks and images are read at once: check() runs for one resource at a time in the engine, so
    # each round trip saved here is saved once per image of a stack.
    volumes, found = await in_order(check_disks(api, backup), existing_image(api, spec, backup))
    if found.going:
        notes += (
            f"image {', '.join(found.going)} of this backup is being deleted; `pulumi up` waits for it",
        )
    return Preflight(Source(backup, volumes), found.ours, notes, found.going)


async def read_source(api: HuaweiClient, spec: ImageSpec) -> Source | None:
    """The backup and its disks as they are now, without any rule (None: the backup is gone)."""
    backup = await api.get_backup(spec.backup_id, spec.source)
    if backup is None:
        return None
    return Source(backup, await read_volumes(api, backup))


async def in_order(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """Both, run concurrently; when both fail, the first's error is the one raised (the same error
    as when they ran one after the other)."""
    a, b = await asyncio.gather(first, second, return_exceptions=True)
    if isinstance(a, BaseException):
        raise a
    if isinstance(b, BaseException):
        raise b
    return a, b


async def read_volumes(api: HuaweiClient, backup: Backup) -> dict[str, Volume | None]:
    """The backup's source volumes as EVS reports them now (None: deleted), read concurrently."""
    ids = [v.source_volume_id for v in backup.volume_backups]
    return dict(zip(ids, await asyncio.gather(*(api.get_volume(i) for i in ids)), strict=True))


async def read_backup(
    api: HuaweiClient, backup_id: str, source: str, *, wait_until: float | None, say: Say
) -> Backup:
    """The backup once available (or still being made, when not waiting); raises on any other state."""
    kind = source.upper()

    async def poll() -> Seen[Backup]:
        backup = await api.get_backup(backup_id, source)
        if backup is None:
            raise await _missing(api, backup_id, source)
        if backup.status in WAITING_STATUSES:
            done = backup if wait_until is None else None
            return Seen(done, f"{kind} backup {backup_id} is {backup.status} (still being made); waiting")
        if backup.status != "available":
            raise PreflightError(
                f"{kind} backup {backup_id} is {backup.status}; only an available {kind} backup "
                "can be used to create a full-ECS image",
                "wait until the backup is available, or choose another backup",
            )
        return Seen(backup, f"{kind} backup {backup_id} is available")

    return await wait_for(
        poll,
        Goal(
            f"{kind} backup {backup_id} to become available",
            "raise create_timeout_minutes or run `pulumi up` again once the backup is available",
        ),
        deadline=wait_until or 0.0,
        schedule=api.timing.poll,
        on_line=say if wait_until is not None else (lambda _line: None),
    )


async def _missing(api: HuaweiClient, backup_id: str, source: str) -> PreflightError:
    """The error for a backup the source service does not know: it may belong to the other one."""
    other = "cbr" if source == "csbs" else "csbs"
    if await api.get_backup(backup_id, other) is not None:
        return PreflightError(
            f"backup {backup_id} is a {other.upper()} backup, but source is {source!r}",
            f'set source = "{other}"',
        )
    where = "a CSBS backup (checkpoint item)" if source == "csbs" else "a CBR backup"
    return PreflightError(
        f"{source.upper()} backup {backup_id} does not exist",
        f"check backup_id: it is {where} id in this region and project",
    )


def check_whole_ecs(backup: Backup) -> None:
    """A backup of a whole ECS (resource type OS::Nova::Server) that includes its system disk."""
    rule = "only a backup of a whole ECS, system disk included, can be used to create a full-ECS image"
    if backup.resource_type != WHOLE_ECS_RESOURCE_TYPE:
        kind = (
            f"a backup of a {backup.resource_type} resource" if backup.resource_type else "of no known kind"
        )
        raise PreflightError(
            f"{backup.service} backup {backup.id} is {kind}, not of a whole ECS; {rule}",
            f"use a {backup.service} backup of the whole ECS",
        )
    if not any(v.bootable for v in backup.volume_backups):
        raise PreflightError(
            f"{backup.service} backup {backup.id} does not include the ECS's system disk; {rule}",
            f"use a {backup.service} backup of the whole ECS, including its system disk",
        )


async def check_disks(api: HuaweiClient, backup: Backup) -> dict[str, Volume | None]:
    volumes = await read_volumes(api, backup)
    for volume in volumes.values():
        if volume is not None and volume.multiattach:
            raise PreflightError(
                f"{backup.service} backup {backup.id} includes shared disk {volume.name or volume.id} "
                f"({volume.id}); a {backup.service} backup used to create a full-ECS image cannot have "
                "shared disks",
                "back up the ECS without its shared disks, or use a backup taken before they were added",
            )
    return volumes


async def scan(api: HuaweiClient, backup_id: str, marker: str, skip: Collection[str] = ()) -> Scan:
    """The backup's full-ECS images, split into ours (marker tag), those being deleted and others.

    One list request (one page per 500 images); tags are read only for candidates made from this
    backup, except those in `skip` (already known not to be ours)."""
    ours: Found | None = None
    others: list[str] = []
    going: list[str] = []
    ours_going: list[str] = []
    for image in await api.list_whole_images(backup_id):
        if image.id in skip:
            others.append(image.id)
            continue
        try:
            tags = await api.list_image_tags(image.id)
        except ApiError as error:
            if error.status == 404:  # deleted since the listing: not there any more
                continue
            raise
        if tags.get(MARKER_TAG_KEY) == marker:
            ours = Found(image, tags)
        elif tags.get(MARKER_TAG_KEY, "").startswith(DELETING_PREFIX):
            going.append(image.id)
            if tags[MARKER_TAG_KEY] == DELETING_PREFIX + marker:
                ours_going.append(image.id)
        else:
            others.append(image.id)
    return Scan(ours, tuple(others), tuple(going), tuple(ours_going))


async def existing_image(api: HuaweiClient, spec: ImageSpec, backup: Backup) -> Scan:
    """The backup's images: ours from an interrupted run (to adopt) and those being deleted (to wait
    for); another image of the backup breaks the one-image rule."""
    found = await scan(api, spec.backup_id, spec.marker)
    others = list(found.others)
    listed = set(others) | set(found.going) | ({found.ours.image.id} if found.ours else set())
    for image_id in backup.os_image_ids:  # the backup's own link to its image (extend_info.os_images_data)
        if image_id not in listed and await api.get_image(image_id) is not None:
            others.append(image_id)
    if others:
        raise PreflightError(
            f"{backup.service} backup {spec.backup_id} already produced full-ECS image "
            f"{', '.join(sorted(others))}, and a backup can be used to create only one full-ECS image",
            "to manage that image here, set adopt_image_id to its id; otherwise choose another backup",
        )
    return found


async def adoption_target(api: HuaweiClient, spec: ImageSpec) -> tuple[Image, dict[str, str]]:
    """The image adopt_image_id names, checked: it exists, is a full-ECS image of this backup and
    is not failed. Returns it with its tags."""
    image_id = str(spec.adopt_image_id)
    image = await api.get_image(image_id)
    if image is None:
        raise PreflightError(f"image {image_id} (adopt_image_id) does not exist", "check adopt_image_id")
    if not image.whole_image or image.backup_id != spec.backup_id:
        raise PreflightError(
            f"image {image_id} (adopt_image_id) is not a full-ECS image made from "
            f"{spec.source.upper()} backup {spec.backup_id}",
            "set adopt_image_id to the full-ECS image this backup produced, or remove it",
        )
    if image.status in plan.FAILED_STATUSES:
        raise PreflightError(
            f"image {image_id} (adopt_image_id) is {image.status}",
            "delete it and remove adopt_image_id so a new image is created",
        )
    return image, await api.list_image_tags(image_id)
