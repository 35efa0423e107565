"""Server backups (the records behind CSBS checkpoint_items and CBR backups): state and rules.

One record type serves both services: `provider` says which API shows it ("CSBS" or "CBR").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from simulator.clock import iso_micro
from simulator.csbs.exceptions import CheckpointItemNotFoundError, InvalidQueryError

BACKUP_STATUSES = (
    "waiting_protect",
    "protecting",
    "available",
    "waiting_restore",
    "restoring",
    "error",
    "waiting_delete",
    "deleting",
    "deleted",
)


@dataclass
class VolumeBackup:
    id: str
    source_volume_id: str
    source_volume_name: str
    source_volume_size: int  # GB
    bootable: bool  # true = system disk
    snapshot_id: str

    def to_api(self, status: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": f"manualbk_{self.id[-4:]}",
            "status": status,
            "bootable": self.bootable,
            "source_volume_id": self.source_volume_id,
            "source_volume_name": self.source_volume_name,
            "source_volume_size": self.source_volume_size,
            "snapshot_id": self.snapshot_id,
            "image_type": "backup",
            "incremental": False,
            "size": self.source_volume_size * 1024,
            "space_saving_ratio": 0,
            "average_speed": 0,
        }


@dataclass
class Backup:
    id: str
    provider: str  # CSBS | CBR
    checkpoint_id: str
    name: str
    status: str
    resource_id: str  # source ECS id
    resource_name: str
    resource_az: str
    os_version: str
    os_type: str
    os_bit: str
    platform: str
    ram: int
    vcpus: int
    volume_backups: list[VolumeBackup]
    created_ts: float
    updated_ts: float
    os_images: list[str] = field(default_factory=list)  # image ids made from this backup
    region: str = ""  # region name shown as backup_data.__openstack_region_name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Backup:
        volume_backups = [VolumeBackup(**v) for v in data["volume_backups"]]
        return cls(**{**data, "volume_backups": volume_backups})

    @property
    def system_disk(self) -> VolumeBackup | None:
        return next((v for v in self.volume_backups if v.bootable), None)

    def to_api(self) -> dict[str, Any]:
        """CSBS checkpoint_item
        (https://docs.otc.t-systems.com/cloud-server-backup-service/api-ref/api_description/backup_management/querying_a_single_backup.html)."""
        disk_status = "available" if self.status == "available" else self.status
        system = self.system_disk
        return {
            "id": self.id,
            "checkpoint_id": self.checkpoint_id,
            "name": self.name,
            "description": "",
            "status": self.status,
            "resource_id": self.resource_id,
            "resource_type": "OS::Nova::Server",
            "created_at": iso_micro(self.created_ts),
            "updated_at": iso_micro(self.updated_ts),
            "tags": [],
            "backup_data": {
                "ram": self.ram,
                "vcpus": self.vcpus,
                "disk": system.source_volume_size if system else 0,
                "imagetype": "gold",
                "cloudservicetype": "server",
                "__openstack_region_name": self.region,
                "eip": "",
                "private_ip": "",
            },
            "extend_info": {
                "progress": 100 if self.status == "available" else 42,
                "image_type": "backup",
                "resource_name": self.resource_name,
                "resource_type": "OS::Nova::Server",
                "resource_az": self.resource_az,
                "supported_restore_mode": "backup",
                "os_images_data": [{"image_id": image_id} for image_id in self.os_images],
                "fail_code": {"Code": "CSBS.9999", "Description": "simulated backup failure"}
                if self.status == "error"
                else {},
                "fail_op": "backup" if self.status == "error" else "",
                "fail_reason": "simulated backup failure" if self.status == "error" else "",
                "auto_trigger": False,
                "incremental": False,
                "support_lld": False,
                "hypervisor_type": "QEMU",
                "size": sum(v.source_volume_size for v in self.volume_backups) * 1024,
                "space_saving_ratio": 0,
                "average_speed": 0,
                "copy_status": "na",
                "copy_from": "",
                "finished_at": iso_micro(self.updated_ts) if self.status == "available" else "",
                "taskid": "",
                "volume_backups": [v.to_api(disk_status) for v in self.volume_backups],
            },
        }


SORT_KEYS: dict[str, Callable[[Backup], Any]] = {
    "created_at": lambda b: b.created_ts,
    "updated_at": lambda b: b.updated_ts,
    "protected_at": lambda b: b.created_ts,  # a backup is protected when it is created
    "name": lambda b: b.name,
    "status": lambda b: b.status,
    "id": lambda b: b.id,
}


def _sort_spec(text: str | None) -> list[tuple[str, bool]]:
    """Parse CSBS "sort" ("key[:asc|desc],..."; default created_at:desc) into (key, descending) pairs."""
    spec = []
    for part in (text or "created_at:desc").split(","):
        key, _, direction = part.strip().partition(":")
        if key not in SORT_KEYS:
            raise InvalidQueryError(f"sort key '{key}' is not supported; use one of {', '.join(SORT_KEYS)}")
        if direction not in ("", "asc", "desc"):
            raise InvalidQueryError(f"sort direction of '{key}' must be asc or desc, got '{direction}'")
        spec.append((key, direction != "asc"))
    return spec


def _int_arg(name: str, value: str | None, default: int, upper: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not 0 <= int(value) <= upper:
        raise InvalidQueryError(f"{name} must be an integer from 0 to {upper}, got '{value}'")
    return int(value)


class CsbsBackend:
    def __init__(self, backups: dict[str, Backup]) -> None:
        self.backups = backups

    def get_item(self, item_id: str) -> Backup:
        backup = self.backups.get(item_id)
        if backup is None or backup.provider != "CSBS":
            raise CheckpointItemNotFoundError(item_id)
        return backup

    def list_items(self, query: dict[str, str | None]) -> list[Backup]:
        status = query.get("status")
        if status is not None and status not in BACKUP_STATUSES:
            raise InvalidQueryError(f"status must be one of {', '.join(BACKUP_STATUSES)}, got '{status}'")
        limit = _int_arg("limit", query.get("limit"), 1000, 1000)
        offset = _int_arg("offset", query.get("offset"), 0, 1_000_000)
        items = sorted(
            (b for b in self.backups.values() if b.provider == "CSBS"),
            key=lambda b: b.id,
        )
        # sort is "key[:asc|desc],...", per
        # https://docs.otc.t-systems.com/cloud-server-backup-service/api-ref/api_description/backup_management/querying_all_backups.html
        # Apply the keys last-to-first with a stable sort.
        for key, descending in reversed(_sort_spec(query.get("sort"))):
            items.sort(key=SORT_KEYS[key], reverse=descending)
        if status is not None:
            items = [b for b in items if b.status == status]
        if (resource_id := query.get("resource_id")) is not None:
            items = [b for b in items if b.resource_id == resource_id]
        if (resource_name := query.get("resource_name")) is not None:
            items = [b for b in items if resource_name in b.resource_name]  # fuzzy match
        if (name := query.get("name")) is not None:
            items = [b for b in items if name in b.name]
        if (resource_type := query.get("resource_type")) is not None and resource_type != "OS::Nova::Server":
            items = []
        if (marker := query.get("marker")) is not None:
            ids = [b.id for b in items]
            if marker not in ids:
                raise InvalidQueryError(f"marker '{marker}' is not the id of a listed checkpoint_item")
            items = items[ids.index(marker) + 1 :]
        return items[offset : offset + limit]
