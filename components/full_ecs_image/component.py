"""FullEcsImage: a full-ECS image from a CSBS backup, plus optional NEW ECSs made from it."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import pulumi
from pydantic import ValidationError

from . import plan
from .errors import InputValidationError
from .models import Problem, ServerSpec, format_problems, problems_from, validate_known_fields
from .resource import FullEcsImageResource
from .settings import NAMESPACE, load_settings
from .waiter import ActiveImage, wait_until_active

TYPE_TOKEN = "hwc:ims:FullEcsImage"  # noqa: S105 - a type token, not a password
_SECRET_KEYS = ("accessKey", "secretKey", "securityToken")
_PLAIN_KEYS = ("region", "projectId", "endpoints", "insecure", "cacertFile")
_PROGRAM_STARTED_AT = time.time()
"""When this program run started: an image whose create started later was created by this run."""


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
    values = {f.name: getattr(args, f.name) for f in fields(args) if f.name != "servers"}
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
        marker = plan.marker_for(pulumi.get_project(), pulumi.get_stack(), name)
        servers, problems = _validate(args, marker)
        if problems:
            raise InputValidationError(
                f"{len(problems)} invalid input(s): {format_problems(problems)}",
                "fix the inputs listed above",
                verb="validating",
                subject=f"FullEcsImage {name!r}",
            )
        self._name = name
        region = _program_config("region") or os.environ.get("HW_REGION_NAME")
        project_id = _program_config("projectId") or os.environ.get("HW_PROJECT_ID")
        props: dict[str, Any] = {
            "backup_id": args.backup_id,
            "name": args.name,
            "description": args.description,
            "tags": args.tags,
            "enterprise_project_id": args.enterprise_project_id,
            "min_ram": args.min_ram,
            "max_ram": args.max_ram,
            "adopt_image_id": args.adopt_image_id,
            "create_timeout_minutes": args.create_timeout_minutes,
            "marker": marker,
            "region": region,
            "project_id": project_id,
        }
        self.image = FullEcsImageResource(f"{name}-image", props, pulumi.ResourceOptions(parent=self))

        waited = self._waited(self.image)
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

        self.servers = [self._server(server) for server in servers]
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

    def _waited(self, image: FullEcsImageResource) -> pulumi.Output[ActiveImage]:
        """Waits (program side) until the image is active; no API call during preview."""
        cfg = pulumi.Config(NAMESPACE)
        secrets = {key: cfg.get_secret(key) for key in _SECRET_KEYS}
        resource = self

        async def wait(values: dict[str, Any]) -> ActiveImage:
            recorded = ActiveImage(
                values["image_id"], values["status"], values["min_disk"], values["os_version"]
            )
            if pulumi.runtime.is_dry_run():
                return recorded
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
                    _PROGRAM_STARTED_AT,
                    time.time(),
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

    def _server(self, server: ServerSpec) -> pulumi.CustomResource:
        """A NEW ECS from the waited image; the original data disks keep their type/size overrides."""
        from pulumi_huaweicloud import ecs  # imported only when servers are declared (needs the plugin)

        def disks(original: list[dict[str, Any]]) -> list[ecs.InstanceDataDiskArgs]:
            sizes = {d["id"]: int(d.get("size") or 0) for d in original}
            problems = [
                Problem(
                    f"servers[{server.name}].data_disks[{vid}]", "is not an original data disk of the image"
                )
                for vid in server.data_disks
                if vid not in sizes
            ] + [
                Problem(
                    f"servers[{server.name}].data_disks[{vid}].size",
                    f"must be at least the original size {sizes[vid]} GB",
                )
                for vid, o in server.data_disks.items()
                if vid in sizes and o.size < sizes[vid]
            ]
            if problems:
                raise InputValidationError(
                    format_problems(problems),
                    "fix the data disk overrides",
                    verb="validating",
                    subject=f"server {server.name!r}",
                )
            return [
                ecs.InstanceDataDiskArgs(type=o.type, size=o.size, snapshot_id=vid)
                for vid, o in sorted(server.data_disks.items())
            ]

        return ecs.Instance(
            f"{self._name}-{server.name}",
            ecs.InstanceArgs(
                name=server.name,
                image_id=self.image_id,
                flavor_id=server.flavor_id,
                availability_zone=server.availability_zone,
                admin_pass=server.admin_pass,
                key_pair=server.key_pair,
                security_group_ids=server.security_group_ids or None,
                networks=[ecs.InstanceNetworkArgs(uuid=server.subnet_id)],
                system_disk_type=server.system_disk_type,
                data_disks=self.data_disks.apply(disks) if server.data_disks else None,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.image]),
        )


__all__ = ["TYPE_TOKEN", "FullEcsImage", "FullEcsImageArgs"]
