"""The disks of a NEW ECS made from the image, decided before anything is written (pure functions).

The console procedure: an ECS created from a full-ECS image gets "the system and data disk
information defaulted by the image"
(https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0217.html). Through the API that
is only so if the create request says it: every `data_volumes[]` entry needs `volumetype` and
`size`, its `extendparam.snapshotId` names the original data disk, and a GPSSD2 disk needs `iops`
and `throughput`, an ESSD2 disk `iops`; an original disk left out is restored with default
attributes (common I/O)
(https://support.huaweicloud.com/intl/en-us/api-ecs/ecs_02_0101.html,
https://support.huaweicloud.com/intl/en-us/api-ecs/en-us_topic_0167957246.html).

Where the originals' values come from (`SourceDisks`, recorded with the image): the backup records
each disk's id, whether it is the system disk, and its size (CSBS `extend_info.volume_backups[]`,
CBR `children[]`); the type, iops and throughput are recorded only by EVS, on the original volume
itself (`volume_type`, `iops.total_val`, `throughput.total_val`:
https://support.huaweicloud.com/intl/en-us/api-evs/evs_04_2007.html). When that volume was deleted
after the backup, no API returns its type: the server must say it (`data_disks["<id>"].type`), and
`plan_server` names the disk and what to set. docs/design.md, "Disks of new servers", has the sources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .api_models import Backup, Volume
from .rules import Problem, SystemDiskSizeGb, VolumeSizeGb, VolumeType

IOPS_TYPES = ("GPSSD2", "ESSD2")
"""Volume types whose IOPS is provisioned: the ECS API needs `iops` for them."""
THROUGHPUT_TYPES = ("GPSSD2",)
"""Volume types whose throughput is provisioned: the ECS API needs `throughput` for them."""
# Ranges of the provisioned values, per type (EVS disk types and performance,
# https://support.huaweicloud.com/intl/en-us/productdesc-evs/en-us_topic_0014580744.html).
IOPS_RANGE = {"GPSSD2": (3000, 128000), "ESSD2": (100, 256000)}
THROUGHPUT_RANGE = {"GPSSD2": (125, 1000)}

Iops = Annotated[int, Field(ge=1, le=1_000_000)]
Throughput = Annotated[int, Field(ge=1, le=100_000)]


class DiskFact(BaseModel):
    """One original disk of the backup, as the cloud records it. `type` is None when no API
    records it any more (the volume was deleted after the backup)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    id: str
    """The original volume's id (EVS)."""
    size: int
    """Size in GB, as the backup recorded it."""
    type: str | None = None
    """EVS volume type (SSD, GPSSD, ESSD, GPSSD2, ESSD2, SAS, ...); None when the volume is gone."""
    iops: int | None = None
    """Provisioned IOPS (GPSSD2, ESSD2)."""
    throughput: int | None = None
    """Provisioned throughput in MiB/s (GPSSD2)."""


class SourceDisks(BaseModel):
    """The image's original disks: the system disk and the data disks, in the backup's order."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    system: DiskFact | None = None
    """The system disk."""
    data: tuple[DiskFact, ...] = ()
    """The data disks, in the backup's order."""


class DataDiskOverride(BaseModel):
    """A new type, a larger size, or other iops/throughput for one disk restored from the image."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    type: VolumeType | None = None
    """Another volume type for the restored disk."""
    size: VolumeSizeGb | None = None
    """A larger size in GB (a restored disk only grows)."""
    iops: Iops | None = None
    """Provisioned IOPS (GPSSD2 and ESSD2 need it)."""
    throughput: Throughput | None = None
    """Provisioned throughput in MiB/s (GPSSD2 needs it)."""


class DiskRequest(BaseModel):
    """What one `servers` entry asks of its disks (plain values; the rest of the entry is not here)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str
    """The server's name (unique among the component's servers)."""
    system_disk_size: SystemDiskSizeGb | None = None
    """System disk size in GB (at least the original's)."""
    system_disk_type: VolumeType | None = None
    """System disk type (default: the original's)."""
    system_disk_iops: Iops | None = None
    """System disk IOPS (GPSSD2, ESSD2)."""
    system_disk_throughput: Throughput | None = None
    """System disk throughput in MiB/s (GPSSD2)."""
    data_disks: dict[str, DataDiskOverride] = Field(default_factory=dict)
    """Overrides per original data disk id."""


class PlannedDisk(BaseModel):
    """A disk the new server will get: restored from `source` (the original disk's id)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    source: str
    type: str
    size: int
    iops: int | None = None
    throughput: int | None = None

    def describe(self) -> str:
        """`100 GB GPSSD2, iops 5000, throughput 200 MiB/s` (iops/throughput where they apply)."""
        extra = (f", iops {self.iops}" if self.iops else "") + (
            f", throughput {self.throughput} MiB/s" if self.throughput else ""
        )
        return f"{self.size} GB {self.type}{extra}"


class ServerDisks(BaseModel):
    """Every disk of one new server: the system disk, then one data disk per original data disk."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    system: PlannedDisk
    data: tuple[PlannedDisk, ...]

    def lines(self) -> list[str]:
        """One line per disk, for the preview."""
        return [f"system disk from {self.system.source}: {self.system.describe()}"] + [
            f"data disk from {d.source}: {d.describe()}" for d in self.data
        ]


@dataclass(frozen=True)
class _Paths:
    """Where each value of one disk is set, for the problems' field paths."""

    disk: str
    type: str
    size: str
    iops: str
    throughput: str

    @classmethod
    def data(cls, base: str, disk_id: str) -> _Paths:
        disk = f'{base}.data_disks["{disk_id}"]'
        return cls(disk, f"{disk}.type", f"{disk}.size", f"{disk}.iops", f"{disk}.throughput")

    @classmethod
    def system(cls, base: str) -> _Paths:
        field = f"{base}.system_disk_"
        return cls(f"{field}type", f"{field}type", f"{field}size", f"{field}iops", f"{field}throughput")


def _planned(
    paths: _Paths, fact: DiskFact, wanted: DataDiskOverride
) -> tuple[PlannedDisk | None, list[Problem]]:
    """One disk: the original's values unless overridden, and every rule on the result.

    The original's iops/throughput carry over only while the type stays the original's: they
    describe that type's provisioning."""
    disk_type = wanted.type or fact.type
    if disk_type is None:
        rule = (
            f"the original disk {fact.id} no longer exists in EVS and no API records its type; "
            f"set {paths.type} (GPSSD2 also needs iops and throughput, ESSD2 iops)"
        )
        return None, [Problem(paths.disk, rule)]
    problems: list[Problem] = []
    size = fact.size if wanted.size is None else wanted.size
    if size < fact.size:
        rule = f"must be at least the original size {fact.size} GB (a restored disk only grows)"
        problems.append(Problem(paths.size, rule))
    kept_type = wanted.type in (None, fact.type)
    iops = wanted.iops if wanted.iops is not None else (fact.iops if kept_type else None)
    throughput = (
        wanted.throughput if wanted.throughput is not None else (fact.throughput if kept_type else None)
    )
    problems += provisioning_problems(paths, disk_type, iops, throughput)
    if problems:
        return None, problems
    return PlannedDisk(source=fact.id, type=disk_type, size=size, iops=iops, throughput=throughput), []


def provisioning_problems(
    paths: _Paths, disk_type: str, iops: int | None, throughput: int | None
) -> list[Problem]:
    """The type/iops/throughput combinations the ECS API accepts: GPSSD2 needs both, ESSD2 iops,
    other types neither; within the type's ranges."""
    problems = []
    for path, value, types, ranges in (
        (paths.iops, iops, IOPS_TYPES, IOPS_RANGE),
        (paths.throughput, throughput, THROUGHPUT_TYPES, THROUGHPUT_RANGE),
    ):
        if disk_type in types and value is None:
            problems.append(Problem(path, f"is required for {disk_type} disks; set it"))
        elif disk_type not in types and value is not None:
            problems.append(Problem(path, f"applies only to {' and '.join(types)} disks, not {disk_type}"))
        elif value is not None:
            low, high = ranges[disk_type]
            if not low <= value <= high:
                problems.append(Problem(path, f"must be {low}-{high} for {disk_type} disks"))
    return problems


def plan_server(index: int, request: DiskRequest, facts: SourceDisks) -> ServerDisks | list[Problem]:
    """The disks of `servers[index]`, or every broken rule (paths name the server and the disk)."""
    base = f"servers[{index}]"
    problems = [
        Problem(
            f'{base}.data_disks["{disk_id}"]',
            "is not an original data disk of the image "
            f"(its data disks: {', '.join(d.id for d in facts.data) or 'none'})",
        )
        for disk_id in request.data_disks
        if disk_id not in {d.id for d in facts.data}
    ]
    if facts.system is None:
        return [*problems, Problem(base, "the image's system disk is not known (its backup lists none)")]
    # Constructed, not validated: a system disk has its own size range (DiskRequest checked it).
    system_wanted = DataDiskOverride.model_construct(
        type=request.system_disk_type,
        size=request.system_disk_size,
        iops=request.system_disk_iops,
        throughput=request.system_disk_throughput,
    )
    system, found = _planned(_Paths.system(base), facts.system, system_wanted)
    problems += found
    data: list[PlannedDisk] = []
    for fact in facts.data:
        wanted = request.data_disks.get(fact.id, DataDiskOverride())
        disk, found = _planned(_Paths.data(base, fact.id), fact, wanted)
        problems += found
        if disk is not None:
            data.append(disk)
    if problems or system is None:
        return problems
    return ServerDisks(system=system, data=tuple(data))


def plan_servers(
    requests: Sequence[DiskRequest], facts: SourceDisks
) -> tuple[dict[str, ServerDisks], list[Problem]]:
    """Every server's disks by name, and every problem of every server."""
    planned: dict[str, ServerDisks] = {}
    problems: list[Problem] = []
    for index, request in enumerate(requests):
        result = plan_server(index, request, facts)
        if isinstance(result, ServerDisks):
            planned[request.name] = result
        else:
            problems += result
    return planned, problems


def facts_from(backup: Backup, volumes: Mapping[str, Volume | None]) -> SourceDisks:
    """The original disks: ids, sizes and which is the system disk from the backup; type, iops and
    throughput from each original volume in EVS (None where it is gone)."""
    system: DiskFact | None = None
    data: list[DiskFact] = []
    for item in backup.volume_backups:
        volume = volumes.get(item.source_volume_id)
        fact = DiskFact(
            id=item.source_volume_id,
            size=item.source_volume_size or (volume.size if volume else 0),
            type=(volume.volume_type or None) if volume else None,
            iops=volume.iops if volume else None,
            throughput=volume.throughput if volume else None,
        )
        if item.bootable and system is None:
            system = fact
        else:
            data.append(fact)
    return SourceDisks(system=system, data=tuple(data))
