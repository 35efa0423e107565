"""NEW ECSs made from the image: their spec and the pulumi-huaweicloud Instance each becomes.

A full-ECS image is never applied to an existing ECS (changing its OS would write only the system
disk and lose the data disks: https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0217.html);
servers are new, and get the image's data disks.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import InputValidationError
from .rules import NonEmpty, Problem, ServerName, Uuid, VolumeSizeGb, VolumeType, format_problems


class DataDiskOverride(BaseModel):
    """Type and size of one data disk restored from the image, keyed by its original volume id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: VolumeType
    size: VolumeSizeGb


class ServerSpec(BaseModel):
    """A NEW ECS created from the waited image (an existing server never gets this image)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    name: ServerName
    flavor_id: NonEmpty
    subnet_id: Uuid
    availability_zone: NonEmpty | None = None
    admin_pass: str | pulumi.Output[str] | None = None
    key_pair: NonEmpty | None = None
    security_group_ids: list[Uuid] = Field(default_factory=list)
    system_disk_type: VolumeType | None = None
    data_disks: dict[Uuid, DataDiskOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_login(self) -> ServerSpec:
        if (self.admin_pass is None) == (self.key_pair is None):
            raise ValueError("set exactly one of admin_pass (a secret) or key_pair")
        return self


def new_server(
    component: pulumi.ComponentResource,
    name: str,
    server: ServerSpec,
    image_id: pulumi.Output[str],
    data_disks: pulumi.Output[list[dict[str, Any]]],
    depends_on: list[pulumi.Resource],
) -> pulumi.CustomResource:
    """A NEW ECS from the waited image; the original data disks keep their type/size overrides."""
    from pulumi_huaweicloud import ecs  # imported only when servers are declared (needs the plugin)

    def disks(original: list[dict[str, Any]]) -> list[Any]:
        sizes = {d["id"]: int(d.get("size") or 0) for d in original}
        problems = [
            Problem(f"servers[{server.name}].data_disks[{vid}]", "is not an original data disk of the image")
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
        f"{name}-{server.name}",
        ecs.InstanceArgs(
            name=server.name,
            image_id=image_id,
            flavor_id=server.flavor_id,
            availability_zone=server.availability_zone,
            admin_pass=server.admin_pass,
            key_pair=server.key_pair,
            security_group_ids=server.security_group_ids or None,
            networks=[ecs.InstanceNetworkArgs(uuid=server.subnet_id)],
            system_disk_type=server.system_disk_type,
            data_disks=data_disks.apply(disks) if server.data_disks else None,
        ),
        opts=pulumi.ResourceOptions(parent=component, depends_on=depends_on),
    )
