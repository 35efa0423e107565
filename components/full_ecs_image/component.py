"""FullEcsImage: a full-ECS image from a CSBS backup, plus optional NEW ECSs made from it."""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor

from . import plan
from .barrier import ImageGone
from .errors import InputValidationError
from .polling import Timing
from .resource import FullEcsImageResource
from .rules import Problem, format_problems
from .schema import USER_INPUT_FIELDS, validate_known_fields
from .servers import ServerSpec, image_share, new_server, parse_servers
from .settings import NAMESPACE, load_settings, setting
from .waiter import ActiveImage, wait_until_active

TYPE_TOKEN = "hwc:ims:FullEcsImage"  # noqa: S105 - a type token, not a password
_SECRET_KEYS = ("accessKey", "secretKey", "securityToken")
_PLAIN_KEYS = ("region", "projectId", "endpoints", "insecure", "cacertFile")
_TIMING = Timing()


@dataclass(frozen=True, kw_only=True)
class FullEcsImageArgs:
    """Inputs of FullEcsImage. Plain values are validated when the component is constructed;
    values that are Outputs are validated by the provider's check() before any API call.

    A keyword-only dataclass, like the `@pulumi.input_type` args classes of Pulumi's generated
    Python SDKs: a misspelled or missing keyword is a programming error that mypy/pyright report
    in the editor, and Python reports as a TypeError at the call site. The values themselves are
    checked against the IMS rules, all at once, in one clean error.
    """

    backup_id: pulumi.Input[str]
    """Id of the backup to make the image from: a CSBS backup (checkpoint item), or a CBR backup with
    source="cbr". It must be available, be a whole-ECS backup (system disk included) and have no
    shared disk. Changing it replaces the image."""

    source: pulumi.Input[str] | None = None
    """The service the backup belongs to: "csbs" (default) or "cbr" (which replaces CSBS). Changing
    it replaces the image."""

    name: pulumi.Input[str]
    """Image name: 1-128 letters, digits, spaces, '-', '.', '_'; no leading or trailing space."""

    description: pulumi.Input[str] | None = None
    """Image description: at most 1024 characters, no carriage return, '<' or '>'."""

    tags: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Image tags (at most 9: IMS allows 10 and the component's marker uses one); key 1-36
    characters, value at most 43."""

    enterprise_project_id: pulumi.Input[str] | None = None
    """Enterprise project of the image: "0" (default) or a UUID. Changing it replaces the image."""

    min_ram: pulumi.Input[int] | None = None
    """Minimum memory in MB for ECSs made from the image (0 = no minimum); 0 <= min_ram <= max_ram."""

    max_ram: pulumi.Input[int] | None = None
    """Maximum memory in MB for ECSs made from the image."""

    adopt_image_id: pulumi.Input[str] | None = None
    """Take over this existing full-ECS image made from `backup_id` instead of creating one (a
    backup makes only one image). Pulumi's own import does not work for dynamic providers."""

    create_timeout_minutes: pulumi.Input[int] | None = None
    """One budget (1-1440 minutes, default 30) for creating the image on the `pulumi up` that
    creates it: the wait for a `protecting` backup, the create request and the wait until the image
    is active, counted from the start of the create. A later `up` that finds the image still saving
    waits a fresh, full timeout. Pulumi does not pass custom_timeouts to dynamic providers, hence
    this input."""

    share_with_project_ids: pulumi.Input[Sequence[pulumi.Input[str]]] | None = None
    """Projects (ids) to share the active image with, at most 10. Only full-ECS images made from CBR
    backups can be shared: with source="csbs" this is refused (migrate the backup to CBR first)."""

    servers: Sequence[ServerSpec | Mapping[str, Any]] | None = None
    """NEW ECSs to create from the image once it is active (pulumi_huaweicloud.ecs.Instance children;
    needs the pulumi-huaweicloud plugin). Each is a ServerSpec or a mapping: `name`, optional
    `data_disks` overrides ({original disk id: {type, size}}: change a type, grow a size) and
    `system_disk_size` (at least the image's min_disk), plus any other InstanceArgs input, passed
    through. Each server gets the image's data disks with their original sizes and types. A
    full-ECS image is never applied to an existing ECS: changing an ECS's OS with it would write
    only the system disk and lose the data disks."""


def validate_args(args: FullEcsImageArgs, marker: str) -> tuple[list[ServerSpec], list[Problem]]:
    """Every problem with the plain values at once (Outputs are left to check())."""
    values: dict[str, Any] = {name: getattr(args, name) for name in USER_INPUT_FIELDS}
    values["marker"] = marker
    _, problems = validate_known_fields({k: v for k, v in values.items() if v is not None})
    servers, server_problems = parse_servers(args.servers)
    return servers, problems + server_problems


def _program_config(key: str) -> str | None:
    value = pulumi.Config(NAMESPACE).get(key)
    return None if value in (None, "") else str(value)


def _mocked() -> bool:
    """True under pulumi.runtime.set_mocks (unit tests): the resource's outputs are the mock's, and
    nothing may call the cloud."""
    return isinstance(pulumi.runtime.settings.get_monitor(), MockMonitor)


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")


def timeout_minutes(custom: str | None) -> int | None:
    """Whole minutes (rounded up) of a custom_timeouts duration such as "30m", "1h30m" or "90s"."""
    if not custom:
        return None
    parts = _DURATION.findall(custom.strip())
    if "".join(n + u for n, u in parts) != custom.strip():
        raise InputValidationError(
            f"custom_timeouts.create {custom!r} is not a duration such as 30m, 1h30m or 90s",
            "fix custom_timeouts.create, or set create_timeout_minutes",
            verb="validating",
            subject="FullEcsImage",
        )
    seconds = sum(float(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in parts)
    return max(1, -(-int(seconds) // 60))


def image_options(
    component: pulumi.Resource,
    opts: pulumi.ResourceOptions | None,
    depends_on: list[pulumi.Resource] | None = None,
) -> pulumi.ResourceOptions:
    """The image's (and its deletion barrier's) options: a child of the component, with the
    component's protect, retain_on_delete and deleted_with (golden images are often retained)."""
    given = opts or pulumi.ResourceOptions()
    return pulumi.ResourceOptions(
        parent=component,
        protect=given.protect,
        retain_on_delete=given.retain_on_delete,
        deleted_with=given.deleted_with,
        depends_on=depends_on,
    )


class FullEcsImage(pulumi.ComponentResource):
    """An IMS full-ECS image made from a CSBS backup, safely: every rule of the console procedure
    is checked before anything is created, and nothing is left behind when creation fails."""

    image_id: pulumi.Output[str]
    """Id of the image; resolves once the image is active (usable to create ECSs)."""

    status: pulumi.Output[str]
    """Image status once waited for: "active" (the console's Normal)."""

    min_disk: pulumi.Output[int]
    """Minimum system-disk size in GB for ECSs made from the image."""

    os_version: pulumi.Output[str]
    """Operating system of the image, as IMS reports it."""

    data_disks: pulumi.Output[list[dict[str, Any]]]
    """The original data disks the image restores: a list of {id, size (GB), type}."""

    backup_id: pulumi.Output[str]
    """The CSBS backup the image was made from (never deleted by this component)."""

    source_server_id: pulumi.Output[str | None]
    """The ECS the backup was taken from (never started, stopped or rebooted by this component)."""

    job_id: pulumi.Output[str | None]
    """The IMS job that created the image (None for an adopted image)."""

    server_ids: pulumi.Output[list[str]]
    """Ids of the ECSs created from the image, in the order of `servers`."""

    server_private_ips: pulumi.Output[list[str]]
    """The first private IPv4 address of each of those ECSs, in the same order."""

    def __init__(self, name: str, args: FullEcsImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        started_at = time.time()  # this run: an image whose create started later was made by it
        marker = plan.marker_for(pulumi.get_project(), pulumi.get_stack(), name)
        servers, problems = validate_args(args, marker)
        timeouts = opts.custom_timeouts if opts else None
        if args.create_timeout_minutes is None and timeouts is not None:
            args = dataclasses.replace(args, create_timeout_minutes=timeout_minutes(timeouts.create))
        if problems:
            raise InputValidationError(
                f"{len(problems)} invalid input(s): {format_problems(problems)}",
                "fix the inputs listed above",
                verb="validating",
                subject=f"FullEcsImage {name!r}",
            )
        # Region and project by the provider's own rules (config, then HW_*/OS_* variables).
        props: dict[str, Any] = {field: getattr(args, field) for field in USER_INPUT_FIELDS}
        props |= {
            "marker": marker,
            "region": setting(_program_config, os.environ, "region"),
            "project_id": setting(_program_config, os.environ, "projectId"),
        }
        # Deleted after the image: destroy returns only once IMS no longer lists it (barrier.py).
        self.image_gone = ImageGone(f"{name}-image-gone", props, image_options(self, opts))
        self.image = FullEcsImageResource(
            f"{name}-image", props, image_options(self, opts, depends_on=[self.image_gone])
        )

        waited = self._waited(self.image, started_at)
        # At preview the image's id, which stays known while the image is updated in place (its other
        # outputs do not): servers are not shown as replaced by a rename.
        self.image_id = self.image.id if pulumi.runtime.is_dry_run() else waited.apply(lambda w: w.image_id)
        self.status = waited.apply(lambda w: w.status)
        self.min_disk = waited.apply(lambda w: w.min_disk)
        self.os_version = waited.apply(lambda w: w.os_version)
        # Gate the recorded facts on the wait, so nothing downstream runs before the image is usable.
        self.data_disks = pulumi.Output.all(waited, self.image.data_disks).apply(
            lambda pair: list(pair[1] or [])
        )
        self.backup_id = self.image.backup_id
        self.source_server_id = self.image.source_server_id
        self.job_id = self.image.job_id

        made = (self.image_id, self.min_disk, self.data_disks)
        self.servers = [new_server(self, name, server, made, [self.image], marker) for server in servers]
        self.server_ids = pulumi.Output.all(*[s.id for s in self.servers]).apply(list)
        self.server_private_ips = pulumi.Output.all(
            *[s.access_ip_v4 for s in self.servers]  # type: ignore[attr-defined]
        ).apply(list)
        self.share = (
            image_share(self, name, self.image_id, args.share_with_project_ids)
            if args.share_with_project_ids
            else None
        )

        self.register_outputs(
            {
                "image_id": self.image_id,
                "status": self.status,
                "min_disk": self.min_disk,
                "os_version": self.os_version,
                "data_disks": self.data_disks,
                "backup_id": self.backup_id,
                "source_server_id": self.source_server_id,
                "job_id": self.job_id,
                "server_ids": self.server_ids,
                "server_private_ips": self.server_private_ips,
            }
        )

    def _waited(self, image: FullEcsImageResource, run_started_at: float) -> pulumi.Output[ActiveImage]:
        """Waits (program side) until the image is active. No API call during preview or under
        mocks; at preview the image is shown as it will be after `up` (active)."""
        cfg = pulumi.Config(NAMESPACE)
        secrets = {key: cfg.get_secret(key) for key in _SECRET_KEYS}
        resource = self

        def recorded(values: dict[str, Any]) -> ActiveImage:
            """The recorded values, unchecked (a mock may leave any of them out); at preview the
            status the `up` makes sure of (or fails)."""
            fields: dict[str, Any] = {
                k: values.get(k) for k in ("image_id", "status", "min_disk", "os_version")
            }
            if pulumi.runtime.is_dry_run():
                fields["status"] = "active"
            return ActiveImage(**fields)

        if pulumi.runtime.is_dry_run() or _mocked():
            # No wait, no API call. Only outputs that are always set: an unset one (e.g. the job_id of
            # an adopted image) is unknown at preview and would make everything downstream unknown.
            return pulumi.Output.all(
                image_id=image.image_id,
                status=image.status,
                min_disk=image.min_disk,
                os_version=image.os_version,
            ).apply(recorded)

        async def wait(values: dict[str, Any]) -> ActiveImage:
            known = {k: values.get(k) for k in _SECRET_KEYS} | {k: _program_config(k) for k in _PLAIN_KEYS}
            settings = load_settings(lambda key: known.get(key), os.environ).scoped(
                region=values["region"], project_id=values["project_id"]
            )

            def log(state: str) -> None:
                if values["status"] != "active":  # an image already active needs no progress lines
                    pulumi.log.info(f"full-ECS image {values['image_id']}: {state}", resource=resource)

            return await wait_until_active(
                settings,
                image_id=values["image_id"],
                # The job only matters while the image is being made; old jobs may have expired.
                job_id=None if values["status"] == "active" else values["job_id"],
                timeout_seconds=plan.wait_budget(
                    values["create_started_at"],
                    int(values["create_timeout_minutes"]),
                    run_started_at,
                    time.time(),
                    _TIMING.minute,
                ),
                log=log,
            )

        combined = pulumi.Output.all(
            image_id=image.image_id,
            status=image.status,
            min_disk=image.min_disk,
            os_version=image.os_version,
            job_id=image.job_id,
            region=image.region,
            project_id=image.project_id,
            create_timeout_minutes=image.create_timeout_minutes,
            create_started_at=image.create_started_at,
            **{k: v for k, v in secrets.items() if v is not None},
        )
        # The credentials only feed the wait; its result holds none, so it need not stay secret.
        return pulumi.Output.unsecret(combined.apply(wait))


__all__ = ["TYPE_TOKEN", "FullEcsImage", "FullEcsImageArgs"]
