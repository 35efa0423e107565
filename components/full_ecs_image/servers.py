"""NEW ECSs made from the image, and sharing it: the pulumi-huaweicloud children of FullEcsImage.

A full-ECS image is never applied to an existing ECS: changing its OS would write only the system
disk and lose the data disks (https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0217.html).
Servers are new ECSs that get the image's disks: the system disk at least `min_disk`, and one data
disk per original data disk of the image, with its original size and type, restored from it by
naming the original disk as `snapshot_id` (the Terraform provider sends it as
`data_volumes[].extendparam.snapshotId`:
https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/huaweicloud/services/ecs/resource_huaweicloud_compute_instance.go).
Without those entries the cloud would restore the disks with default attributes (common I/O).
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import InputValidationError
from .rules import (
    MARKER_TAG_KEY,
    Problem,
    ServerName,
    Uuid,
    VolumeSizeGb,
    VolumeType,
    format_problems,
    problems_from,
)

OWN_FIELDS = frozenset({"image_id", "image_name"})
"""InstanceArgs fields the component sets itself: a server always boots from this image."""


def _huaweicloud() -> Any:
    """pulumi_huaweicloud, imported only when servers or sharing are used. Its 0.0.12 imports the
    deprecated pkg_resources, which would print a UserWarning on every `pulumi up`."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import pulumi_huaweicloud

    return pulumi_huaweicloud


@functools.cache
def instance_fields() -> frozenset[str]:
    """The input names of pulumi_huaweicloud.ecs.InstanceArgs (imported only when servers are used)."""
    ecs = _huaweicloud().ecs

    return frozenset(inspect.signature(ecs.InstanceArgs.__init__).parameters) - {"__self__", "self"}


class DataDiskOverride(BaseModel):
    """A new type and/or a larger size for one data disk restored from the image."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: VolumeType | None = None
    size: VolumeSizeGb | None = None


class ServerSpec(BaseModel):
    """A NEW ECS created from the image once it is active.

    `name` is required; `data_disks` maps an original data disk id (see the image's `data_disks`
    output) to an override; `system_disk_size` may only grow the image's `min_disk`. Every other
    field is a pulumi_huaweicloud.ecs.InstanceArgs input (networks, flavor_id, tags, user_data,
    charging_mode, enterprise_project_id, ...) and passes through as given (Outputs too).
    """

    model_config = ConfigDict(frozen=True, extra="allow", arbitrary_types_allowed=True)

    name: ServerName
    data_disks: dict[Uuid, DataDiskOverride] = Field(default_factory=dict)
    system_disk_size: int | pulumi.Output[int] | None = None

    @model_validator(mode="after")
    def _known_fields(self) -> ServerSpec:
        unknown = sorted(set(self.model_extra or {}) - instance_fields())
        owned = sorted(set(self.model_extra or {}) & OWN_FIELDS)
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not an input of pulumi_huaweicloud.ecs.Instance")
        if owned:
            raise ValueError(f"{', '.join(owned)}: set by the component (a server boots from this image)")
        return self

    def passthrough(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def parse_servers(
    servers: Sequence[ServerSpec | Mapping[str, Any]] | None,
) -> tuple[list[ServerSpec], list[Problem]]:
    """The servers as specs, and every problem with them (field paths such as servers[1].flavor)."""
    specs: list[ServerSpec] = []
    problems: list[Problem] = []
    if servers is not None and (isinstance(servers, str | Mapping) or not isinstance(servers, Sequence)):
        return [], [Problem("servers", "must be a list of servers (ServerSpec or mappings)")]
    for index, server in enumerate(servers or ()):
        try:
            specs.append(server if isinstance(server, ServerSpec) else ServerSpec.model_validate(server))
        except ValidationError as error:
            problems.extend(problems_from(error, f"servers[{index}]"))
    names = [s.name for s in specs]
    problems.extend(
        Problem("servers", f"server name {n!r} is used twice")
        for n in sorted(set(names))
        if names.count(n) > 1
    )
    return specs, problems


def restored_disks(server: ServerSpec, original: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The server's data disks (pure): one per original disk of the image, original size and type
    unless overridden (an override may only grow a disk or change its type)."""
    by_id = {str(d["id"]): d for d in original}
    problems = [
        Problem(f"servers[{server.name}].data_disks[{vid}]", "is not an original data disk of the image")
        for vid in server.data_disks
        if vid not in by_id
    ]
    disks = []
    for disk in original:
        override = server.data_disks.get(str(disk["id"]), DataDiskOverride())
        size = override.size if override.size is not None else int(disk.get("size") or 0)
        if size < int(disk.get("size") or 0):
            problems.append(
                Problem(
                    f"servers[{server.name}].data_disks[{disk['id']}].size",
                    f"must be at least the original size {int(disk['size'])} GB (a restored disk only grows)",
                )
            )
        disks.append(
            {"type": override.type or disk.get("type") or None, "size": size, "snapshot_id": disk["id"]}
        )
    _raise(server, problems)
    return disks


def system_disk_size(server: ServerSpec, size: int | None, min_disk: int) -> int:
    """The system disk: the image's min_disk unless a larger size is given (it may only grow)."""
    if size is None:
        return min_disk
    if size < min_disk:
        rule = f"must be at least the image's min_disk {min_disk} GB"
        _raise(server, [Problem(f"servers[{server.name}].system_disk_size", rule)])
    return size


def _raise(server: ServerSpec, problems: list[Problem]) -> None:
    if problems:
        raise InputValidationError(
            format_problems(problems),
            "fix the server's disks",
            verb="validating",
            subject=f"server {server.name!r}",
        )


def server_marker(image_marker: str, server_name: str) -> str:
    """The tag value that ties an ECS to one `servers` entry of one component in one stack (32 hex).

    After a killed `pulumi up` the ECS it was creating is found by this tag (its pending create in
    the state carries it) and deleted before the recovery's refresh, so it is not left behind when
    `up` makes it again (docs/troubleshooting.md, "After a killed engine")."""
    return hashlib.sha256(f"{image_marker}/{server_name}".encode()).hexdigest()[:32]


def new_server(
    component: pulumi.ComponentResource,
    name: str,
    server: ServerSpec,
    image: tuple[pulumi.Output[str], pulumi.Output[int], pulumi.Output[list[dict[str, Any]]]],
    depends_on: list[pulumi.Resource],
    marker: str,
) -> pulumi.CustomResource:
    """A NEW ECS from the waited image (image_id resolves only once the image is active). A new image
    means new servers (replace_on_changes), never an OS change of existing ones."""
    ecs = _huaweicloud().ecs

    image_id, min_disk, data_disks = image
    disks = data_disks.apply(
        lambda original: [ecs.InstanceDataDiskArgs(**d) for d in restored_disks(server, original)]
    )
    system_size = pulumi.Output.all(min_disk, server.system_disk_size).apply(
        lambda v: system_disk_size(server, v[1], int(v[0]))
    )
    # The disks restored from the image belong to the server: deleted with it (destroy leaves nothing
    # of ours behind) unless the user says otherwise. The Terraform default keeps them.
    passthrough = {"delete_disks_on_termination": True, **server.passthrough()}
    tag = {MARKER_TAG_KEY: server_marker(marker, server.name)}
    passthrough["tags"] = pulumi.Output.from_input(passthrough.get("tags") or {}).apply(
        lambda t: {**t, **tag}
    )
    args = ecs.InstanceArgs(
        **passthrough,
        name=server.name,
        image_id=image_id,
        system_disk_size=system_size,
        data_disks=disks,
    )
    instance: pulumi.CustomResource = ecs.Instance(
        f"{name}-{server.name}",
        args,
        opts=pulumi.ResourceOptions(
            parent=component,
            depends_on=depends_on,
            # A new image means new servers, never an OS change of existing ones.
            replace_on_changes=["image_id"],
            # The disks are set when a server is created: a server is not rebuilt for an override
            # changed later, nor for the image's disk facts being unknown while it is updated.
            ignore_changes=["data_disks", "system_disk_size"],
        ),
    )
    return instance


def image_share(
    component: pulumi.ComponentResource,
    name: str,
    image_id: pulumi.Output[str],
    projects: pulumi.Input[Sequence[pulumi.Input[str]]],
) -> pulumi.CustomResource:
    """Shares the active image with other projects (only CBR-sourced images can be shared)."""
    ims = _huaweicloud().ims

    share: pulumi.CustomResource = ims.ImageShare(
        f"{name}-share",
        ims.ImageShareArgs(source_image_id=image_id, target_project_ids=projects),
        opts=pulumi.ResourceOptions(parent=component, replace_on_changes=["source_image_id"]),
    )
    return share
