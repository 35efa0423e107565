"""Seed data. Tests import these constants; never retype the ids.

"default": three ECSs (running, stopped, one with a shared disk), their EVS volumes, CSBS backups for
every interesting case, CBR whole-server backups (one disk, two data disks, a shared disk, error) and
one existing full-ECS image. "empty": nothing at all.
"""

from __future__ import annotations

import dataclasses

from simulator.csbs.models import Backup, VolumeBackup
from simulator.ecs.models import Nic, Server
from simulator.evs.models import Volume
from simulator.ims.records import Image
from simulator.state import CloudState

SEEDS = ("default", "empty")

SERVER_RUNNING = "a0000000-0000-4000-8000-000000000001"  # web01, ACTIVE
SERVER_STOPPED = "a0000000-0000-4000-8000-000000000002"  # db01, SHUTOFF
SERVER_SHARED = "a0000000-0000-4000-8000-000000000003"  # app01, ACTIVE, one multiattach data volume
SERVER_GPSSD2 = "a0000000-0000-4000-8000-000000000004"  # web02, ACTIVE, ESSD system + GPSSD2 data disk

VOLUME_WEB01_SYSTEM = "b0000000-0000-4000-8000-000000000001"  # 40 GB SSD, bootable
VOLUME_WEB01_DATA = "b0000000-0000-4000-8000-000000000002"  # 100 GB SSD
VOLUME_WEB01_OLD_DATA = "b0000000-0000-4000-8000-000000000003"  # 50 GB SAS, detached after its backup
VOLUME_DB01_SYSTEM = "b0000000-0000-4000-8000-000000000004"  # 40 GB SSD, bootable
VOLUME_DB01_DATA = "b0000000-0000-4000-8000-000000000005"  # 200 GB GPSSD
VOLUME_APP01_SYSTEM = "b0000000-0000-4000-8000-000000000006"  # 40 GB SSD, bootable
VOLUME_SHARED = "b0000000-0000-4000-8000-000000000007"  # 100 GB SSD, multiattach (shared disk)
VOLUME_DB01_OLD_LOGS = "b0000000-0000-4000-8000-000000000008"  # 60 GB SAS, detached after its CBR backup
VOLUME_WEB02_SYSTEM = "b0000000-0000-4000-8000-000000000009"  # 40 GB ESSD, bootable
VOLUME_WEB02_DATA = "b0000000-0000-4000-8000-00000000000a"  # 100 GB GPSSD2, iops 5000, throughput 200
VOLUME_WEB01_GONE = "b0000000-0000-4000-8000-00000000000b"  # 80 GB SAS, DELETED from EVS after its backup

BACKUP_AVAILABLE = "c0000000-0000-4000-8000-000000000001"
BACKUP_PROTECTING = "c0000000-0000-4000-8000-000000000002"
BACKUP_ERROR = "c0000000-0000-4000-8000-000000000003"
BACKUP_SHARED_DISK = "c0000000-0000-4000-8000-000000000004"
BACKUP_USED = "c0000000-0000-4000-8000-000000000005"
BACKUP_STOPPED_SERVER = "c0000000-0000-4000-8000-000000000006"
BACKUP_TWO_DATA_DISKS = "c0000000-0000-4000-8000-000000000007"
BACKUP_NO_SYSTEM_DISK = "c0000000-0000-4000-8000-000000000008"
BACKUP_DATA_DISK_GONE = "c0000000-0000-4000-8000-000000000009"  # web01 + 80 GB data disk since deleted
BACKUP_GPSSD2 = "c0000000-0000-4000-8000-00000000000a"  # web02: ESSD system, GPSSD2 data (5000/200)

CBR_BACKUP = "e0000000-0000-4000-8000-000000000001"  # web01, available, system + 1 data disk
CBR_BACKUP_TWO_DATA_DISKS = "e0000000-0000-4000-8000-000000000002"  # db01, available, system + 2 data
CBR_BACKUP_SHARED_DISK = "e0000000-0000-4000-8000-000000000003"  # app01, available, system + shared disk
CBR_BACKUP_ERROR = "e0000000-0000-4000-8000-000000000004"  # db01, error
CBR_BACKUP_GPSSD2 = "e0000000-0000-4000-8000-000000000005"  # web02, available, as BACKUP_GPSSD2

IMAGE_EXISTING = "f0000000-0000-4000-8000-000000000005"

# A second project of the same account and region, with its own keys and one CBR server-backup vault:
# the target of image shares (it accepts them with that vault) and of ECSs made there.
SECOND_PROJECT_ID = "fedcba9876543210fedcba9876543210"
SECOND_ACCESS_KEY = "SIMULATORAK0000000002"
SECOND_SECRET_KEY = "simulator-secret-key-0002"
SECOND_VAULT_ID = "e0000000-0000-4000-8000-00000000a002"

SEED_VPC_ID = "d0000000-0000-4000-8000-0000000000aa"  # the seeded servers' network (no VPC service here)
SEED_SUBNET_ID = "d0000000-0000-4000-8000-000000000001"
SEED_SECURITY_GROUP_ID = "d0000000-0000-4000-8000-0000000000c1"

OS_VERSION = "CentOS 7.9 64bit"
SEED_EPOCH = 1730419200.0  # 2024-11-01T00:00:00Z: fixed so seeded timestamps are deterministic
DEFAULT_REGION = "ap-southeast-1"
AZ = "ap-southeast-1a"  # the availability zone of every seeded resource in the default region

# volume id -> (name, size GB, type, bootable, multiattach, attached server ids, device)
_VOLUMES: dict[str, tuple[str, int, str, bool, bool, list[str], str]] = {
    VOLUME_WEB01_SYSTEM: ("web01-sys", 40, "SSD", True, False, [SERVER_RUNNING], "/dev/vda"),
    VOLUME_WEB01_DATA: ("web01-data", 100, "SSD", False, False, [SERVER_RUNNING], "/dev/vdb"),
    VOLUME_WEB01_OLD_DATA: ("web01-old-data", 50, "SAS", False, False, [], ""),
    VOLUME_DB01_SYSTEM: ("db01-sys", 40, "SSD", True, False, [SERVER_STOPPED], "/dev/vda"),
    VOLUME_DB01_DATA: ("db01-data", 200, "GPSSD", False, False, [SERVER_STOPPED], "/dev/vdb"),
    VOLUME_APP01_SYSTEM: ("app01-sys", 40, "SSD", True, False, [SERVER_SHARED], "/dev/vda"),
    VOLUME_SHARED: ("app01-shared", 100, "SSD", False, True, [SERVER_SHARED], "/dev/vdb"),
    VOLUME_DB01_OLD_LOGS: ("db01-old-logs", 60, "SAS", False, False, [], ""),
    VOLUME_WEB02_SYSTEM: ("web02-sys", 40, "ESSD", True, False, [SERVER_GPSSD2], "/dev/vda"),
    VOLUME_WEB02_DATA: ("web02-data", 100, "GPSSD2", False, False, [SERVER_GPSSD2], "/dev/vdb"),
    VOLUME_WEB01_GONE: ("web01-scratch", 80, "SAS", False, False, [], ""),
}
FIRST_SEED_BACKUPS = 12  # the backups seeded before BACKUP_DATA_DISK_GONE (see their creation dates)
# Provisioned performance of GPSSD2/ESSD2 volumes: volume id -> (iops, throughput MiB/s or None).
_PROVISIONED: dict[str, tuple[int, int | None]] = {VOLUME_WEB02_DATA: (5000, 200)}
# Volumes deleted from EVS after they were backed up: the backups still list them (id and size, as
# CSBS/CBR record per disk), but no API records their type any more.
_DELETED_AFTER_BACKUP = (VOLUME_WEB01_GONE,)

# server id -> (name, status, volume ids with the system disk first)
_SERVERS: dict[str, tuple[str, str, list[str]]] = {
    SERVER_RUNNING: ("web01", "ACTIVE", [VOLUME_WEB01_SYSTEM, VOLUME_WEB01_DATA]),
    SERVER_STOPPED: ("db01", "SHUTOFF", [VOLUME_DB01_SYSTEM, VOLUME_DB01_DATA]),
    SERVER_SHARED: ("app01", "ACTIVE", [VOLUME_APP01_SYSTEM, VOLUME_SHARED]),
    SERVER_GPSSD2: ("web02", "ACTIVE", [VOLUME_WEB02_SYSTEM, VOLUME_WEB02_DATA]),
}

# backup id -> (provider, name, status, server id, backed-up volume ids)
_BACKUPS: dict[str, tuple[str, str, str, str, list[str]]] = {
    BACKUP_AVAILABLE: (
        "CSBS",
        "web01-daily",
        "available",
        SERVER_RUNNING,
        [VOLUME_WEB01_SYSTEM, VOLUME_WEB01_DATA],
    ),
    BACKUP_PROTECTING: (
        "CSBS",
        "web01-running",
        "protecting",
        SERVER_RUNNING,
        [VOLUME_WEB01_SYSTEM, VOLUME_WEB01_DATA],
    ),
    BACKUP_ERROR: ("CSBS", "db01-failed", "error", SERVER_STOPPED, [VOLUME_DB01_SYSTEM, VOLUME_DB01_DATA]),
    BACKUP_SHARED_DISK: (
        "CSBS",
        "app01-daily",
        "available",
        SERVER_SHARED,
        [VOLUME_APP01_SYSTEM, VOLUME_SHARED],
    ),
    BACKUP_USED: (
        "CSBS",
        "web01-weekly",
        "available",
        SERVER_RUNNING,
        [VOLUME_WEB01_SYSTEM, VOLUME_WEB01_DATA],
    ),
    BACKUP_STOPPED_SERVER: (
        "CSBS",
        "db01-daily",
        "available",
        SERVER_STOPPED,
        [VOLUME_DB01_SYSTEM, VOLUME_DB01_DATA],
    ),
    BACKUP_TWO_DATA_DISKS: (
        "CSBS",
        "web01-monthly",
        "available",
        SERVER_RUNNING,
        [VOLUME_WEB01_SYSTEM, VOLUME_WEB01_DATA, VOLUME_WEB01_OLD_DATA],
    ),
    BACKUP_NO_SYSTEM_DISK: ("CSBS", "web01-data-only", "available", SERVER_RUNNING, [VOLUME_WEB01_DATA]),
    CBR_BACKUP: ("CBR", "web01-cbr", "available", SERVER_RUNNING, [VOLUME_WEB01_SYSTEM, VOLUME_WEB01_DATA]),
    CBR_BACKUP_TWO_DATA_DISKS: (
        "CBR",
        "db01-cbr-monthly",
        "available",
        SERVER_STOPPED,
        [VOLUME_DB01_SYSTEM, VOLUME_DB01_DATA, VOLUME_DB01_OLD_LOGS],
    ),
    CBR_BACKUP_SHARED_DISK: (
        "CBR",
        "app01-cbr",
        "available",
        SERVER_SHARED,
        [VOLUME_APP01_SYSTEM, VOLUME_SHARED],
    ),
    CBR_BACKUP_ERROR: (
        "CBR",
        "db01-cbr-failed",
        "error",
        SERVER_STOPPED,
        [VOLUME_DB01_SYSTEM, VOLUME_DB01_DATA],
    ),
    BACKUP_DATA_DISK_GONE: (
        "CSBS",
        "web01-before-cleanup",
        "available",
        SERVER_RUNNING,
        [VOLUME_WEB01_SYSTEM, VOLUME_WEB01_GONE],
    ),
    BACKUP_GPSSD2: (
        "CSBS",
        "web02-nightly",
        "available",
        SERVER_GPSSD2,
        [VOLUME_WEB02_SYSTEM, VOLUME_WEB02_DATA],
    ),
    CBR_BACKUP_GPSSD2: (
        "CBR",
        "web02-cbr",
        "available",
        SERVER_GPSSD2,
        [VOLUME_WEB02_SYSTEM, VOLUME_WEB02_DATA],
    ),
}


def _derived_id(prefix: str, owner: str, index: int) -> str:
    """Deterministic child ids, e.g. volume-backup ids: prefix + owner's last 6 digits + index."""
    return f"{prefix}0000000-0000-4000-8000-{owner[-6:]}{index:06d}"


def availability_zone(region: str) -> str:
    """Seeded resources live in the region's first AZ, named as Huawei Cloud does: "<region>a"."""
    return f"{region}a"


def build(seed: str, project_id: str, region: str = DEFAULT_REGION) -> CloudState:
    if seed not in SEEDS:
        raise ValueError(f"error loading seed '{seed}': unknown seed; use one of {', '.join(SEEDS)}")
    state = CloudState()
    if seed == "empty":
        return state
    az = availability_zone(region)
    for number, (volume_id, (name, size, kind, boot, multi, servers, device)) in enumerate(_VOLUMES.items()):
        state.volumes[volume_id] = Volume(
            id=volume_id,
            name=name,
            size=size,
            volume_type=kind,
            bootable=boot,
            multiattach=multi,
            server_ids=list(servers),
            device=device,
            availability_zone=az,
            created_ts=SEED_EPOCH + number,
        )
    for number, (server_id, (name, status, volume_ids)) in enumerate(_SERVERS.items()):
        state.servers[server_id] = Server(
            id=server_id,
            name=name,
            status=status,
            flavor_id="s6.large.2",
            vcpus=2,
            ram=8192,
            image_id="00000000-0000-4000-8000-0000000000aa",
            availability_zone=az,
            volume_ids=list(volume_ids),
            created_ts=SEED_EPOCH + 100 + number,
            # Real servers always have a NIC (with its fixed IPv4) and a security group.
            vpc_id=SEED_VPC_ID,
            nics=[
                Nic(
                    SEED_SUBNET_ID,
                    f"192.168.0.{11 + number}",
                    _derived_id("7", server_id, 0),
                    f"fa:16:3e:00:00:{11 + number:02x}",
                )
            ],
            security_group_ids=[SEED_SECURITY_GROUP_ID],
        )
    for number, (backup_id, (provider, name, status, server_id, volume_ids)) in enumerate(_BACKUPS.items()):
        server = state.servers[server_id]
        volume_backups = [
            VolumeBackup(
                id=_derived_id("d", backup_id, index),
                source_volume_id=volume_id,
                source_volume_name=state.volumes[volume_id].name,
                source_volume_size=state.volumes[volume_id].size,
                bootable=state.volumes[volume_id].bootable,
                snapshot_id=_derived_id("5", backup_id, index),
            )
            for index, volume_id in enumerate(volume_ids)
        ]
        # Backups added to the seed later are dated BEFORE the first ones: lists sorted by date keep
        # their order, and the new ones come last.
        created = (
            SEED_EPOCH + 3600 * (number + 1) if number < FIRST_SEED_BACKUPS else SEED_EPOCH - 3600 * number
        )
        state.backups[backup_id] = Backup(
            id=backup_id,
            provider=provider,
            checkpoint_id=_derived_id("9", backup_id, 0),
            name=name,
            status=status,
            resource_id=server_id,
            resource_name=server.name,
            resource_az=az,
            region=region,
            os_version=OS_VERSION,
            os_type="Linux",
            os_bit="64",
            platform="CentOS",
            ram=server.ram,
            vcpus=server.vcpus,
            volume_backups=volume_backups,
            created_ts=created,
            updated_ts=created + 300,
        )
    for volume_id, (iops, throughput) in _PROVISIONED.items():
        state.volumes[volume_id].iops, state.volumes[volume_id].throughput = iops, throughput
    for volume_id in _DELETED_AFTER_BACKUP:
        del state.volumes[volume_id]
    used = state.backups[BACKUP_USED]
    state.images[IMAGE_EXISTING] = Image(
        id=IMAGE_EXISTING,
        name="web01-legacy-full",
        status="active",
        backup_id=BACKUP_USED,
        source="CSBS",
        description="made by hand in the console",
        min_ram=0,
        max_ram=None,
        min_disk=40,
        image_size=140 * 1024**3,
        os_version=OS_VERSION,
        os_type="Linux",
        os_bit="64",
        platform="CentOS",
        enterprise_project_id="0",
        owner=project_id,
        created_ts=used.updated_ts + 60,
        updated_ts=used.updated_ts + 600,
        active_ts=used.updated_ts + 600,
        tags=[{"key": "owner", "value": "ops"}],
        data_disks=[
            {
                "id": v.source_volume_id,
                "size": v.source_volume_size,
                "type": state.volumes[v.source_volume_id].volume_type,
                "snapshot_id": v.snapshot_id,
            }
            for v in used.volume_backups
            if not v.bootable
        ],
    )
    used.os_images.append(IMAGE_EXISTING)
    return state


def with_backup_clones(project_id: str, region: str, count: int, *, series: int, label: str) -> CloudState:
    """The default seed plus `count` available whole-ECS CSBS backups cloned from BACKUP_AVAILABLE
    (a backup makes one image, so many images need many backups): the benchmark and the fault matrix.

    Ids: backups `c<series>000000-0000-4000-8000-<index>`; they back up the same volumes as the template.
    Returns the state; its backups `clone_ids(count, series)` are the clones."""
    state = build("default", project_id, region)
    template = state.backups[BACKUP_AVAILABLE]
    for index, backup_id in enumerate(clone_ids(count, series)):
        state.backups[backup_id] = dataclasses.replace(
            template,
            id=backup_id,
            checkpoint_id=f"9{series}000000-0000-4000-8000-{index:012d}",
            name=f"{label}-backup-{index:03d}",
            volume_backups=[
                dataclasses.replace(volume, id=f"d{series}{index:06d}-0000-4000-8000-{disk:012d}")
                for disk, volume in enumerate(template.volume_backups)
            ],
            created_ts=template.created_ts + index + 1,
            updated_ts=template.updated_ts + index + 1,
            os_images=[],
        )
    return state


def clone_ids(count: int, series: int) -> list[str]:
    return [f"c{series}000000-0000-4000-8000-{index:012d}" for index in range(count)]
