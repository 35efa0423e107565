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
from pydantic import ValidationError

from . import plan
from .errors import InputValidationError
from .polling import Timing
from .resource import FullEcsImageResource
from .rules import Problem, format_problems, problems_from
from .schema import USER_INPUT_FIELDS, validate_known_fields
from .servers import ServerSpec, new_server
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
    """Id of the CSBS backup (checkpoint item) to make the image from. It must be available, be a
    whole-ECS backup (system disk included) and have no shared disk. Changing it replaces the image."""

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

    servers: Sequence[ServerSpec | Mapping[str, Any]] | None = None
    """NEW ECSs to create from the image once it is active (needs the pulumi-huaweicloud plugin).
    A full-ECS image is never applied to an existing ECS: changing an ECS's OS with it would write
    only the system disk and lose the data disks."""


def _validate(args: FullEcsImageArgs, marker: str) -> tuple[list[ServerSpec], list[Problem]]:
    """Every problem with the plain values at once (Outputs are left to check())."""
    values: dict[str, Any] = {name: getattr(args, name) for name in USER_INPUT_FIELDS}
    values["marker"] = marker
    _, problems = validate_known_fields({k: v for k, v in values.items() if v is not None})
    servers: list[ServerSpec] = []
    for index, server in enumerate(args.servers or ()):
        if isinstance(server, ServerSpec):
            servers.append(server)
            continue
        try:
            servers.append(ServerSpec.model_validate(server))
        except ValidationError as error:
            problems.extend(problems_from(error, f"servers[{index}]"))
    names = [s.name for s in servers]
    problems.extend(
        Problem("servers", f"server name {n!r} is used twice")
        for n in sorted(set(names))
        if names.count(n) > 1
    )
    return servers, problems


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


def image_options(component: pulumi.Resource, opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """The image's options: a child of the component, with the component's protect,
    retain_on_delete and deleted_with (golden images are often retained)."""
    given = opts or pulumi.ResourceOptions()
    return pulumi.ResourceOptions(
        parent=component,
        protect=given.protect,
        retain_on_delete=given.retain_on_delete,
        deleted_with=given.deleted_with,
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

    def __init__(self, name: str, args: FullEcsImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        started_at = time.time()  # this run: an image whose create started later was made by it
        marker = plan.marker_for(pulumi.get_project(), pulumi.get_stack(), name)
        servers, problems = _validate(args, marker)
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
        self.image = FullEcsImageResource(f"{name}-image", props, image_options(self, opts))

        waited = self._waited(self.image, started_at)
        self.image_id = waited.apply(lambda w: w.image_id)
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

        self.servers = [
            new_server(self, name, server, self.image_id, self.data_disks, [self.image]) for server in servers
        ]
        self.server_ids = pulumi.Output.all(*[s.id for s in self.servers]).apply(list)

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
            }
        )

    def _waited(self, image: FullEcsImageResource, run_started_at: float) -> pulumi.Output[ActiveImage]:
        """Waits (program side) until the image is active. No API call during preview or under
        mocks; at preview the image is shown as it will be after `up` (active)."""
        cfg = pulumi.Config(NAMESPACE)
        secrets = {key: cfg.get_secret(key) for key in _SECRET_KEYS}
        resource = self

        async def wait(values: dict[str, Any]) -> ActiveImage:
            if pulumi.runtime.is_dry_run() or _mocked():
                # Recorded values, unchecked (a mock may leave any of them out).
                recorded: dict[str, Any] = {k: values.get(k) for k in ("image_id", "status", "min_disk")}
                if pulumi.runtime.is_dry_run():
                    recorded["status"] = "active"  # what `up` makes sure of (or fails)
                recorded["os_version"] = values.get("os_version")
                return ActiveImage(**recorded)
            known = {k: values.get(k) for k in _SECRET_KEYS} | {k: _program_config(k) for k in _PLAIN_KEYS}
            settings = load_settings(lambda key: known.get(key), os.environ).scoped(
                region=values["region"], project_id=values["project_id"]
            )

            def log(state: str) -> None:
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
