"""NEW ECSs made from the image: the pulumi-huaweicloud Instance children of FullEcsImage.

A full-ECS image is never applied to an existing ECS: changing its OS would write only the system
disk and lose the data disks (https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0217.html).
Servers are new ECSs that get the image's disks as disks.py plans them: the system disk and one
data disk per original data disk, each with its original type, size and iops/throughput unless the
entry overrides them, restored from the original by naming it as `snapshot_id` (the Terraform
provider sends it as `data_volumes[].extendparam.snapshotId`:
https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/huaweicloud/services/ecs/resource_huaweicloud_compute_instance.go).
The image resource's check() plans the same disks at preview, so a broken rule fails there.
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

from .disks import (
    DataDiskOverride,
    DiskRequest,
    Iops,
    PlannedDisk,
    ServerDisks,
    SourceDisks,
    Throughput,
    plan_server,
)
from .errors import InputValidationError
from .rules import (
    MARKER_TAG_KEY,
    Problem,
    ServerName,
    SystemDiskSizeGb,
    Uuid,
    VolumeType,
    format_problems,
    problems_from,
)

OWN_FIELDS = frozenset({"image_id", "image_name"})
"""InstanceArgs fields the component sets itself: a server always boots from this image."""


def huaweicloud() -> Any:
    """pulumi_huaweicloud, imported only when servers or sharing are used. Its 0.0.12 imports the
    deprecated pkg_resources, which would print a UserWarning on every `pulumi up`."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import pulumi_huaweicloud

    return pulumi_huaweicloud


@functools.cache
def instance_fields() -> frozenset[str]:
    """The input names of pulumi_huaweicloud.ecs.InstanceArgs (imported only when servers are used)."""
    ecs = huaweicloud().ecs

    return frozenset(inspect.signature(ecs.InstanceArgs.__init__).parameters) - {"__self__", "self"}


class ServerSpec(BaseModel):
    """A NEW ECS created from the image once it is active.

    `name` is required. Its disks default to the image's (disks.py): `data_disks` maps an original
    data disk id (see the image's `data_disks` output) to an override (type, a larger size,
    iops/throughput); `system_disk_type`, `system_disk_size` (only larger), `system_disk_iops` and
    `system_disk_throughput` override the system disk. `provider`: a pulumi_huaweicloud.Provider of
    another project, one of the component's `share_acceptors` (the server is created there once that
    project accepted the share). Every other field is a pulumi_huaweicloud.ecs.InstanceArgs input
    (networks, flavor_id, tags, user_data, charging_mode, ...) and passes through as given.
    """

    model_config = ConfigDict(frozen=True, extra="allow", arbitrary_types_allowed=True)

    name: ServerName
    data_disks: dict[Uuid, DataDiskOverride] = Field(default_factory=dict)
    system_disk_size: SystemDiskSizeGb | pulumi.Output[int] | None = None
    system_disk_type: VolumeType | None = None
    system_disk_iops: Iops | None = None
    system_disk_throughput: Throughput | None = None
    provider: pulumi.ProviderResource | None = None

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

    def disk_request(self) -> dict[str, Any]:
        """What the entry asks of its disks (a DiskRequest's fields; system_disk_size may be an Output)."""
        request: dict[str, Any] = {
            "name": self.name,
            "data_disks": {k: v.model_dump(exclude_none=True) for k, v in self.data_disks.items()},
        }
        for field in DISK_FIELDS:
            if getattr(self, field) is not None:
                request[field] = getattr(self, field)
        return request


DISK_FIELDS = ("system_disk_size", "system_disk_type", "system_disk_iops", "system_disk_throughput")
"""The system-disk fields of a servers entry (planned with the image's disks, not passed through)."""


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


def planned_disks(
    index: int, request: Mapping[str, Any], facts: Mapping[str, Any] | None
) -> ServerDisks | None:
    """The disks of servers[index] (check() refused any broken rule at preview already; this raises
    only if the cloud changed since). None without facts: only under mocks whose image outputs lack
    `source_disks` (check() fails a real preview without them), and then no disk is planned."""
    if facts is None:
        return None
    result = plan_server(index, DiskRequest.model_validate(request), SourceDisks.model_validate(facts or {}))
    if isinstance(result, ServerDisks):
        return result
    raise InputValidationError(
        format_problems(result), "fix the server's disks", verb="validating", subject=f"servers[{index}]"
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
    index: int,
    server: ServerSpec,
    image: tuple[pulumi.Output[str], pulumi.Output[Any]],
    depends_on: list[pulumi.Resource],
    marker: str,
    provider: pulumi.ProviderResource | None = None,
) -> pulumi.CustomResource:
    """A NEW ECS from the waited image (image_id resolves only once the image is active), with the
    disks disks.py plans from the image's original disks. A new image means new servers
    (replace_on_changes), never an OS change of existing ones."""
    ecs = huaweicloud().ecs

    image_id, source_disks = image
    disks = pulumi.Output.all(source_disks, server.disk_request()).apply(
        lambda pair: planned_disks(index, pair[1], pair[0])
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
        system_disk_type=disks.apply(lambda d: d and d.system.type),
        system_disk_size=disks.apply(lambda d: d and d.system.size),
        system_disk_iops=disks.apply(lambda d: d and d.system.iops),
        system_disk_throughput=disks.apply(lambda d: d and d.system.throughput),
        data_disks=disks.apply(lambda d: d and [_data_disk(ecs, disk) for disk in d.data]),
    )
    instance: pulumi.CustomResource = ecs.Instance(
        f"{name}-{server.name}",
        args,
        opts=pulumi.ResourceOptions(
            parent=component,
            provider=provider,
            depends_on=depends_on,
            # A new image means new servers, never an OS change of existing ones.
            replace_on_changes=["image_id"],
            # The disks are set when a server is created: a server is not rebuilt for an override
            # changed later, nor for the image's disk facts being unknown while it is updated.
            ignore_changes=["data_disks", *DISK_FIELDS],
        ),
    )
    return instance


def _data_disk(ecs: Any, disk: PlannedDisk) -> Any:
    """One `data_disks` entry: restored from the original disk (its id is the snapshot_id)."""
    return ecs.InstanceDataDiskArgs(
        type=disk.type, size=disk.size, snapshot_id=disk.source, iops=disk.iops, throughput=disk.throughput
    )
