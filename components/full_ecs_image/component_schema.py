"""The component as every Pulumi language sees it: `hwc:ims:FullEcsImage`'s inputs and outputs, declared
once here (camelCase on the wire, as Pulumi schemas name properties). package_schema.py derives the
schema from these models, and construct.py maps a request onto FullEcsImageArgs with them, so the
Python class and the plugin's `construct` share one implementation (component.py).

Differences from the Python class, because other languages cannot pass Python objects:
- a share acceptor gives the target project's keys (secrets) instead of a pulumi_huaweicloud.Provider;
  the component makes that provider;
- a server in another project names that project (`project`) instead of passing its provider;
- a server's other pulumi-huaweicloud `ecs.Instance` inputs, beyond the typed ones, go in
  `instanceArgs` (a map by their Python names, e.g. `charging_mode`), passed through as given.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from .disks import DataDiskOverride, DiskFact

WIRE = ConfigDict(
    frozen=True,
    extra="forbid",
    use_attribute_docstrings=True,
    alias_generator=to_camel,
    populate_by_name=True,
)


class ServerNetwork(BaseModel):
    """One NIC of a new server."""

    model_config = WIRE

    uuid: str
    """The subnet's id (the VPC subnet's network id)."""
    fixed_ip_v4: str | None = None
    """A fixed private IPv4 address in that subnet."""


class ServerEntry(BaseModel):
    """A NEW ECS created from the image once it is active; its disks default to the image's."""

    model_config = WIRE

    name: str
    """The server's name, unique among the component's servers."""
    flavor_id: str
    """The ECS flavor, e.g. s6.large.2."""
    networks: list[ServerNetwork]
    """The server's NICs."""
    availability_zone: str | None = None
    """The availability zone, e.g. ap-southeast-1a."""
    security_group_ids: list[str] | None = None
    """Security groups of the server."""
    key_pair: str | None = None
    """An SSH key pair name."""
    admin_pass: str | None = None
    """The administrator password (secret)."""
    user_data: str | None = None
    """Cloud-init user data."""
    tags: dict[str, str] | None = None
    """The server's tags."""
    system_disk_type: str | None = None
    """System disk type (default: the original's)."""
    system_disk_size: int | None = None
    """System disk size in GB (default: the original's; only larger)."""
    system_disk_iops: int | None = None
    """System disk IOPS (GPSSD2, ESSD2)."""
    system_disk_throughput: int | None = None
    """System disk throughput in MiB/s (GPSSD2)."""
    data_disks: dict[str, DataDiskOverride] | None = None
    """Overrides per original data disk id (see the dataDisks output): type, larger size, iops, throughput."""
    project: str | None = None
    """Create the server in this project, one of shareAcceptors (it accepted the share)."""
    instance_args: dict[str, Any] | None = None
    """Any other pulumi-huaweicloud ecs.Instance input, by its Python name (e.g. charging_mode)."""


class ShareAcceptorEntry(BaseModel):
    """Accepts the share in one target project, with that project's keys."""

    model_config = WIRE

    project_id: str
    """The target project (one of shareWithProjectIds)."""
    vault_id: str
    """A CBR server-backup vault of the target project (mandatory for a full-ECS image from CBR)."""
    access_key: str
    """The target project's access key (secret)."""
    secret_key: str
    """The target project's secret key (secret)."""
    region: str | None = None
    """The target's region (default: the stack's huaweicloud:region)."""


class ComponentInputs(BaseModel):
    """The inputs of hwc:ims:FullEcsImage."""

    model_config = WIRE

    backup_id: str
    """The backup to make the image from: a CSBS backup (checkpoint item), or a CBR backup with source cbr.
    Available, whole-ECS, no shared disk. Changing it replaces the image."""
    source: str | None = None
    """The backup's service: csbs (default) or cbr."""
    name: str
    """Image name: 1-128 letters, digits, spaces, '-', '.', '_'."""
    description: str | None = None
    """Image description: at most 1024 characters, no carriage return, '<' or '>'."""
    tags: dict[str, str] | None = None
    """Image tags (at most 9)."""
    enterprise_project_id: str | None = None
    """Enterprise project of the image ("0" or a UUID); changing it replaces the image."""
    min_ram: int | None = None
    """Minimum memory in MB for ECSs made from the image."""
    max_ram: int | None = None
    """Maximum memory in MB for ECSs made from the image."""
    adopt_image_id: str | None = None
    """Take over this existing full-ECS image of backupId instead of creating one."""
    share_with_project_ids: list[str] | None = None
    """Projects to share the active image with (source cbr only), at most 10."""
    share_acceptors: list[ShareAcceptorEntry] | None = None
    """Accept the share in these target projects, in this stack."""
    servers: list[ServerEntry] | None = None
    """NEW ECSs made from the image once it is active."""


class ComponentOutputs(BaseModel):
    """The outputs of hwc:ims:FullEcsImage."""

    model_config = WIRE

    image_id: str
    """The image's id, once it is active."""
    status: str
    """The image's status: active (the console's Normal)."""
    min_disk: int
    """Minimum system-disk size in GB for ECSs made from the image."""
    os_version: str
    """Operating system of the image, as IMS reports it."""
    data_disks: list[DiskFact] = Field(default_factory=list)
    """The original data disks the image restores."""
    backup_id: str
    """The backup the image was made from (never deleted)."""
    source_server_id: str | None = None
    """The ECS the backup was taken from (never touched)."""
    job_id: str | None = None
    """The IMS job that created the image."""
    server_ids: list[str] = Field(default_factory=list)
    """The new ECSs' ids, in the order of servers."""
    server_private_ips: list[str] = Field(default_factory=list)
    """The first private IPv4 address of each new ECS."""
    share_status: dict[str, str] = Field(default_factory=dict)
    """Per shared project: accepted (by a shareAcceptors entry) or pending."""


SECRET_INPUTS = frozenset({"adminPass", "accessKey", "secretKey"})
"""Wire names whose values the schema marks secret."""
