"""Pure functions: request bodies, JSON-patch operations, tag changes, the diff decision, outputs.

Nothing here does I/O, so each rule is tested directly (tests/component/test_plan.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .api_models import Image, Job
from .rules import MARKER_TAG_KEY, is_unresolved
from .schema import ImageSpec, state_of

IN_PLACE_FIELDS = ("name", "description", "tags", "min_ram", "max_ram")
"""Inputs IMS can change on an existing image (PATCH /v2/cloudimages/{id} and the tag API)."""

REPLACE_FIELDS = ("backup_id", "source", "region", "project_id", "enterprise_project_id")
"""Inputs that identify where the image lives; changing one needs a new image."""

FAILED_STATUSES = ("killed", "deleted")
"""Image statuses after which the recorded image is unusable and must be replaced."""

# Input field -> IMS image attribute path for JSON patch (https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0604.html).
PATCH_PATHS = {"name": "/name", "description": "/__description", "min_ram": "/min_ram", "max_ram": "/max_ram"}
_ATTRIBUTE = {"name": "name", "description": "__description", "min_ram": "min_ram", "max_ram": "max_ram"}


def marker_for(project: str, stack: str, resource_name: str) -> str:
    """The 32-hex marker value tying an image to one component instance in one stack."""
    return hashlib.sha256(f"{project}/{stack}/{resource_name}".encode()).hexdigest()[:32]


def create_body(spec: ImageSpec) -> dict[str, Any]:
    """Body of POST /v1/cloudimages/wholeimages/action, whole_image_type sent explicitly."""
    tags = {**(spec.tags or {}), MARKER_TAG_KEY: spec.marker}
    body: dict[str, Any] = {
        "name": spec.name,
        "backup_id": spec.backup_id,
        # Always explicit: CSBS is only the documented default in the OTC copy of the API, and CBR
        # backups must say CBR (https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0607.html).
        "whole_image_type": spec.source.upper(),
        "image_tags": [{"key": k, "value": v} for k, v in sorted(tags.items())],
    }
    if spec.description:
        body["description"] = spec.description
    if spec.enterprise_project_id is not None:
        body["enterprise_project_id"] = spec.enterprise_project_id
    if spec.min_ram is not None:
        body["min_ram"] = spec.min_ram
    if spec.max_ram is not None:
        body["max_ram"] = spec.max_ram
    return body


def _current(image: Image, field: str) -> Any:
    return {
        "name": image.name,
        "description": image.description or "",
        "min_ram": image.min_ram,
        "max_ram": image.max_ram,
    }[field]


def _desired(spec: ImageSpec, field: str) -> Any:
    return {
        "name": spec.name,
        "description": spec.description or "",
        "min_ram": spec.min_ram or 0,
        "max_ram": spec.max_ram,
    }[field]


def patch_operations(image: Image, spec: ImageSpec) -> list[dict[str, Any]]:
    """One JSON-patch operation per field whose cloud value differs from the declared one.

    `add` when the attribute is absent on the image (IMS answers IMG.0035 to `replace` there),
    `replace` otherwise; a max_ram no longer declared is removed.
    """
    operations: list[dict[str, Any]] = []
    for field, path in PATCH_PATHS.items():
        current, desired = _current(image, field), _desired(spec, field)
        if current == desired:
            continue
        if desired is None:
            operations.append({"op": "remove", "path": path})
            continue
        op = "replace" if _ATTRIBUTE[field] in image.present else "add"
        operations.append({"op": op, "path": path, "value": desired})
    return operations


def as_add(operation: Mapping[str, Any]) -> dict[str, Any]:
    """The retry of a `replace` that IMS refused with IMG.0035 (attribute absent)."""
    return {**operation, "op": "add"}


def tag_changes(
    current: Mapping[str, str], desired: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """(tags to delete, tags to create) to go from current to desired; the marker is never touched."""
    to_delete = {k: v for k, v in current.items() if k != MARKER_TAG_KEY and k not in desired}
    to_create = {k: v for k, v in desired.items() if k != MARKER_TAG_KEY and current.get(k) != v}
    return to_delete, to_create


def user_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Image tags as the user declares them: without the marker."""
    return {k: v for k, v in sorted(tags.items()) if k != MARKER_TAG_KEY}


@dataclass(frozen=True)
class DiffDecision:
    changes: bool
    replaces: list[str]
    delete_before_replace: bool
    updates: tuple[str, ...] = ()
    """The fields changed in place (the engine shows each as a detailed diff)."""


def _norm(field: str, value: Any) -> Any:
    """Equivalent spellings of "not set" compare equal (None/"" description, None/{} tags, None/0 RAM)."""
    if field == "description":
        return value or ""
    if field == "tags":
        return dict(value or {})
    if field == "min_ram":
        return value or 0
    if field == "enterprise_project_id":
        return value or "0"
    if field == "source":
        return value or "csbs"
    return value


def diff_inputs(olds: Mapping[str, Any], news: Mapping[str, Any]) -> DiffDecision:
    """Compares the declared fields only (never `__provider`).

    region/project_id left unset in the new inputs mean "the provider's configured value", so they
    only force a replacement when set and different. A recorded status of killed/deleted forces one
    too: that image is unusable. The backup makes one image only, so a replacement from the same
    backup deletes the old image first.
    """
    replaces: list[str] = []
    for field in REPLACE_FIELDS:
        new = news.get(field)
        if field in ("region", "project_id") and new is None:
            continue
        if is_unresolved(new) or _norm(field, olds.get(field)) != _norm(field, new):
            replaces.append(field)
    if olds.get("status") in FAILED_STATUSES:
        replaces.append("status")
    changed = [
        f
        for f in IN_PLACE_FIELDS
        if is_unresolved(news.get(f)) or _norm(f, olds.get(f)) != _norm(f, news.get(f))
    ]
    if news.get("server_disks") and news.get("source_disks") and not olds.get("source_disks"):
        changed.append("source_disks")  # recorded before disks were: record them (no cloud change)
    same_backup = not is_unresolved(news.get("backup_id")) and news.get("backup_id") == olds.get("backup_id")
    return DiffDecision(
        changes=bool(replaces or changed),
        replaces=replaces,
        delete_before_replace=bool(replaces) and same_backup,
        updates=tuple(changed),
    )


def observed(declared: Mapping[str, Any], image: Image, tags: Mapping[str, str]) -> dict[str, Any]:
    """The in-place fields as the cloud has them, each spelled as declared when equivalent.

    "Not set" has several spellings (None/"" description, None/{} tags, None/0 min_ram); keeping
    the declared one when the cloud agrees means state never differs from the checked inputs by
    spelling alone, so the engine shows no false diff (e.g. `+min_ram`) after create or refresh.
    """
    cloud = {
        "name": image.name,
        "description": image.description or None,
        "tags": user_tags(tags) or None,
        "min_ram": image.min_ram,
        "max_ram": image.max_ram,
    }
    return {
        field: declared.get(field) if _norm(field, declared.get(field)) == _norm(field, value) else value
        for field, value in cloud.items()
    }


def outputs(
    spec: ImageSpec, image: Image, tags: Mapping[str, str], computed: Mapping[str, Any]
) -> dict[str, Any]:
    """Full outputs after create/update: the inputs with the in-place fields as the cloud has them
    (so the next diff sees any difference), the image's current values and the computed facts."""
    current = observed(spec.model_dump(), image, tags)
    return state_of(
        spec.model_copy(update=current),
        {
            **computed,
            "image_id": image.id,
            "status": image.status,
            "min_disk": image.min_disk,
            "os_version": image.os_version,
        },
    )


def refreshed(
    props: Mapping[str, Any], image: Image, tags: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(outputs, inputs) after a read: the cloud's current values replace the recorded ones."""
    current = observed(props, image, tags)
    inputs = {k: v for k, v in props.items() if k in ImageSpec.model_fields} | current
    outs = {k: v for k, v in props.items() if k != "__provider"} | current
    outs.update({"image_id": image.id, "status": image.status, "min_disk": image.min_disk})
    outs["os_version"] = image.os_version
    return outs, inputs


def progress(job: Job | None, image: Image | None) -> tuple[str, str]:
    """(phase, line) of a wait: the phase is the job and image status; the line adds the percent,
    which changes often and so must not restart the polling schedule."""
    parts, phase = [], []
    if job is not None:
        percent = f" {job.percent:.0f}%" if job.percent is not None else ""
        parts.append(f"job {job.status}{percent}")
        phase.append(f"job {job.status}")
    if image is not None:
        parts.append(f"image {image.status}")
        phase.append(f"image {image.status}")
    return ", ".join(phase), ", ".join(parts)


def wait_budget(
    create_started_at: float | None, timeout_minutes: int, run_started_at: float, now: float, minute: float
) -> float:
    """Seconds the program may wait for `active` (epoch times, one machine, one clock).

    On the `pulumi up` that created the image, create() and this wait share ONE
    create_timeout_minutes budget counted from the start of create(). On a later run (the image was
    still saving when an earlier run timed out) the wait gets a fresh, full timeout.
    """
    full = timeout_minutes * minute
    if create_started_at is None or create_started_at < run_started_at:
        return full
    return max(0.0, create_started_at + full - now)


def adoption_changes(image: Image, tags: Mapping[str, str], spec: ImageSpec) -> list[str]:
    """What adopting `image` will change on it, in words, for the preview (adoption converges the
    image to the declared name, description, RAM and tags)."""
    labels = {"/name": "name", "/__description": "description", "/min_ram": "min_ram", "/max_ram": "max_ram"}
    changes = []
    for operation in patch_operations(image, spec):
        field = labels[operation["path"]]
        before = _current(image, field)
        after = operation.get("value")
        changes.append(
            f"{field} {_shown(before)} -> {_shown(after)}"
            if operation["op"] != "remove"
            else f"remove {field}"
        )
    to_delete, to_create = tag_changes(tags, spec.tags or {})
    if to_delete:
        changes.append(f"remove tags {', '.join(f'{k}={v}' for k, v in sorted(to_delete.items()))}")
    if to_create:
        changes.append(f"set tags {', '.join(f'{k}={v}' for k, v in sorted(to_create.items()))}")
    if not changes:
        return [f"adopting image {image.id} changes nothing on it"]
    return [f"adopting image {image.id} will change: {'; '.join(changes)}"]


def _shown(value: Any) -> str:
    return "(none)" if value in (None, "") else repr(value)
