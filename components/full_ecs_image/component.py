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

from . import plan
from .errors import InputValidationError
from .resource import HwcProvider, WholeImage
from .rules import Problem, format_problems
from .schema import USER_INPUT_FIELDS, validate_known_fields
from .servers import ServerSpec, new_server, parse_servers
from .settings import setting
from .sharing import ACCEPTED, PENDING, ShareAcceptor, accepter, image_share, parse_acceptors, pending_note
from .waiter import ActiveImage, mocked, program_config, wait_in_program

TYPE_TOKEN = "hwc:ims:FullEcsImage"  # noqa: S105 - a type token, not a password
_SECRET_KEYS = ("accessKey", "secretKey", "securityToken")
_PLAIN_KEYS = ("region", "projectId", "endpoints", "insecure", "cacertFile")


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
    needs the pulumi-huaweicloud plugin). Each is a ServerSpec or a mapping: `name`; its disks default
    to the image's (system disk and every data disk with the original type, size and iops/throughput),
    overridden by `data_disks` ({original disk id: {type, size, iops, throughput}}: a size only grows)
    and `system_disk_type`/`_size`/`_iops`/`_throughput`; `provider` to create it in another project
    that accepted the share (see share_acceptors); any other InstanceArgs input, passed through. Every
    disk rule is checked at preview. A full-ECS image is never applied to an existing ECS: changing
    an ECS's OS with it would write only the system disk and lose the data disks."""

    share_acceptors: Sequence[ShareAcceptor | Mapping[str, Any]] | None = None
    """Accept the share in target projects, in this stack: per project, a ShareAcceptor or mapping
    with `project_id` (one of share_with_project_ids), `provider` (a pulumi_huaweicloud.Provider with
    that project's credentials) and `vault_id` (a CBR vault of that project, mandatory for a full-ECS
    image made from a CBR backup). Without one, the share stays pending until the project accepts it."""


def validate_args(
    args: FullEcsImageArgs, marker: str
) -> tuple[list[ServerSpec], list[ShareAcceptor], list[Problem]]:
    """Every problem with the plain values at once (Outputs are left to check())."""
    values: dict[str, Any] = {name: getattr(args, name) for name in USER_INPUT_FIELDS}
    values["marker"] = marker
    _, problems = validate_known_fields({k: v for k, v in values.items() if v is not None})
    servers, server_problems = parse_servers(args.servers)
    acceptors, acceptor_problems = parse_acceptors(args.share_acceptors, args.share_with_project_ids, servers)
    if acceptors and not args.share_with_project_ids:
        acceptor_problems.append(
            Problem("share_acceptors", "needs share_with_project_ids: nothing is shared")
        )
    return servers, acceptors, problems + server_problems + acceptor_problems


_CLAIMS: dict[tuple[int, str, str], str] = {}
"""(program run, source, backup id) -> the FullEcsImage that makes its image: a backup makes one."""


def claim_backup(run: int, source: Any, backup_id: Any, name: str) -> Problem | None:
    """The problem if another FullEcsImage of this program already uses the backup (plain ids only;
    check() catches Outputs at preview)."""
    if not isinstance(backup_id, str):
        return None
    key = (run, (source or "csbs") if isinstance(source, str) else "?", backup_id.lower())
    other = _CLAIMS.setdefault(key, name)
    if other == name:
        return None
    return Problem(
        "backup_id",
        f"FullEcsImage {other!r} of this program already makes its image from this backup, and a "
        "backup can be used to create only one full-ECS image",
    )


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
    """The image's options: a child of the component, served by the hwc plugin with the stack's
    settings, with the component's protect, retain_on_delete, deleted_with (golden images are often
    retained) and custom_timeouts (they bound the plugin's create, update and delete)."""
    given = opts or pulumi.ResourceOptions()
    return pulumi.ResourceOptions(
        parent=component,
        protect=given.protect,
        retain_on_delete=given.retain_on_delete,
        deleted_with=given.deleted_with,
        custom_timeouts=given.custom_timeouts,
        provider=settings_provider(),
    )


PROVIDER_NAME = "full-ecs-image-settings"
_PROVIDERS: dict[int, tuple[object, HwcProvider]] = {}
"""One hwc provider per program run: (engine connection, provider), keyed by the connection's id."""


def settings_provider() -> HwcProvider:
    """The hwc plugin's provider, configured with the stack's `huaweicloud:` settings (the plugin's
    own config namespace is `hwc:`; users keep the keys pulumi-huaweicloud reads). Keys left unset
    fall back to the HW_* environment variables in the plugin, as before."""
    monitor = pulumi.runtime.settings.get_monitor()
    known = _PROVIDERS.get(id(monitor))
    if known is not None and known[0] is monitor:
        return known[1]
    config = pulumi.Config("huaweicloud")
    settings: dict[str, Any] = {k: program_config(k) for k in _PLAIN_KEYS if program_config(k)}
    for key in _SECRET_KEYS:
        value = config.get_secret(key)
        if value is not None:
            settings[key] = value
    provider = HwcProvider(PROVIDER_NAME, settings)
    _PROVIDERS[id(monitor)] = (monitor, provider)
    return provider


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

    share_status: pulumi.Output[dict[str, str]]
    """Per project the image is shared with: "accepted" (by a share_acceptors entry of this stack)
    or "pending" (the project cannot use the image until it accepts the share)."""

    def __init__(self, name: str, args: FullEcsImageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TYPE_TOKEN, name, None, opts)
        started_at = time.time()  # this run: an image whose create started later was made by it
        marker = plan.marker_for(pulumi.get_project(), pulumi.get_stack(), name)
        servers, acceptors, problems = validate_args(args, marker)
        timeouts = opts.custom_timeouts if opts else None
        if args.create_timeout_minutes is not None:
            pulumi.log.warn(
                "create_timeout_minutes is deprecated and will be removed in 0.3: use "
                'opts=pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="30m"))',
                resource=self,
            )
        elif timeouts is not None:
            args = dataclasses.replace(args, create_timeout_minutes=timeout_minutes(timeouts.create))
        if not mocked():  # unit tests under mocks share one process for many programs
            run = id(pulumi.runtime.settings.get_monitor())
            problems += filter(None, [claim_backup(run, args.source, args.backup_id, name)])
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
            "region": setting(program_config, os.environ, "region"),
            "project_id": setting(program_config, os.environ, "projectId"),
            "server_disks": [server.disk_request() for server in servers] or None,
            "source_disks": None,  # check() records the image's original disks here
        }
        self.image = WholeImage(f"{name}-image", props, image_options(self, opts))

        waited = wait_in_program(self, self.image, started_at)
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

        self.share = (
            image_share(self, name, self.image_id, args.share_with_project_ids)
            if args.share_with_project_ids
            else None
        )
        self.accepters = [
            accepter(self, name, self.image_id, acceptor, self.share) for acceptor in acceptors if self.share
        ]
        # Gate the original disks on the wait too: a server is created only once the image is usable.
        made = (self.image_id, pulumi.Output.all(waited, self.image.source_disks).apply(lambda pair: pair[1]))
        self.servers = [
            new_server(
                self,
                name,
                index,
                server,
                made,
                [self.image, *self._accepted_in(server, acceptors)],
                marker,
                server.provider,
            )
            for index, server in enumerate(servers)
        ]
        self.server_ids = pulumi.Output.all(*[s.id for s in self.servers]).apply(list)
        self.server_private_ips = pulumi.Output.all(
            *[s.access_ip_v4 for s in self.servers]  # type: ignore[attr-defined]
        ).apply(list)
        self.share_status = self._share_status(args.share_with_project_ids, acceptors, waited)

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
                "share_status": self.share_status,
            }
        )

    def _accepted_in(self, server: ServerSpec, acceptors: list[ShareAcceptor]) -> list[pulumi.Resource]:
        """The accepter a server in another project waits for (its provider's project)."""
        return [r for a, r in zip(acceptors, self.accepters, strict=True) if server.provider is a.provider]

    def _share_status(
        self,
        shared_with: pulumi.Input[Sequence[pulumi.Input[str]]] | None,
        acceptors: list[ShareAcceptor],
        waited: pulumi.Output[ActiveImage],
    ) -> pulumi.Output[dict[str, str]]:
        """project -> "accepted" (accepted by this stack) or "pending" (the project must accept it).
        Pending shares are said in a progress line on the `up` that made the image."""
        accepted = {a.project_id: r.id for a, r in zip(acceptors, self.accepters, strict=True)}
        resource = self

        def status(values: list[Any]) -> dict[str, str]:
            active, projects = values[0], list(values[1] or [])
            pending = [p for p in projects if p not in accepted]
            if pending and active.made_now and not pulumi.runtime.is_dry_run():
                pulumi.log.info(pending_note(active.image_id, pending), resource=resource)
            return {p: ACCEPTED if p in accepted else PENDING for p in projects}

        return pulumi.Output.all(waited, shared_with, *accepted.values()).apply(status)


__all__ = ["TYPE_TOKEN", "FullEcsImage", "FullEcsImageArgs"]
