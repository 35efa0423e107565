"""CBR backups: the CBR view of server backups whose provider is "CBR"."""

from __future__ import annotations

from typing import Any

from simulator.cbr.exceptions import BackupNotFoundError, InvalidQueryError
from simulator.clock import iso_micro
from simulator.csbs.models import BACKUP_STATUSES, Backup

SERVER_PROVIDER_ID = "0daac4c5-6707-4851-97ba-169e36266b66"  # CBR provider id of cloud servers
VAULT_ID = "e0000000-0000-4000-8000-00000000a001"


def backup_to_api(backup: Backup, project_id: str) -> dict[str, Any]:
    """CBR BackupResp (huaweicloudsdkcbr v1 model backup_resp.py)."""
    system = backup.system_disk
    created = iso_micro(backup.created_ts)
    children = [
        {
            "id": v.id,
            "name": f"manualbk_{v.id[-4:]}",
            "status": backup.status,
            "resource_id": v.source_volume_id,
            "resource_name": v.source_volume_name,
            "resource_size": v.source_volume_size,
            "resource_type": "OS::Cinder::Volume",
            "resource_az": backup.resource_az,
            "image_type": "backup",
            "checkpoint_id": backup.checkpoint_id,
            "parent_id": backup.id,
            "project_id": project_id,
            "vault_id": VAULT_ID,
            "provider_id": SERVER_PROVIDER_ID,
            "created_at": created,
            "updated_at": iso_micro(backup.updated_ts),
            "protected_at": created,
            "expired_at": "",
            "description": "",
            "enterprise_project_id": "0",
            "replication_records": [],
            "children": [],
            "extend_info": {
                "bootable": v.bootable,
                "snapshot_id": v.snapshot_id,
                "encrypted": False,
                "contain_system_disk": v.bootable,
                "auto_trigger": False,
                "support_lld": False,
                "supported_restore_mode": "backup",
                "os_images_data": [],
                "system_disk": v.bootable,
                "is_multi_az": False,
            },
            "incremental": False,
            "version": 1,
        }
        for v in backup.volume_backups
    ]
    return {
        "id": backup.id,
        "checkpoint_id": backup.checkpoint_id,
        "name": backup.name,
        "description": "",
        "status": backup.status,
        "resource_id": backup.resource_id,
        "resource_name": backup.resource_name,
        "resource_type": "OS::Nova::Server",
        "resource_size": sum(v.source_volume_size for v in backup.volume_backups),
        "resource_az": backup.resource_az,
        "image_type": "backup",
        "parent_id": "",
        "project_id": project_id,
        "vault_id": VAULT_ID,
        "provider_id": SERVER_PROVIDER_ID,
        "created_at": created,
        "updated_at": iso_micro(backup.updated_ts),
        "protected_at": created,
        "expired_at": "",
        "enterprise_project_id": "0",
        "replication_records": [],
        "incremental": False,
        "version": 1,
        "children": children,
        "extend_info": {
            "bootable": system is not None,
            "contain_system_disk": system is not None,
            "system_disk": False,
            "snapshot_id": "",
            "encrypted": False,
            "auto_trigger": False,
            "support_lld": False,
            "is_multi_az": False,
            # CBR SDK text: "snapshot" = the backup can already be used to create a full-ECS image.
            "supported_restore_mode": "snapshot" if backup.status == "available" else "backup",
            "os_images_data": [{"image_id": image_id} for image_id in backup.os_images],
        },
    }


class CbrBackend:
    def __init__(self, backups: dict[str, Backup]) -> None:
        self.backups = backups

    def get_backup(self, backup_id: str) -> Backup:
        backup = self.backups.get(backup_id)
        if backup is None or backup.provider != "CBR":
            raise BackupNotFoundError(backup_id)
        return backup

    def list_backups(self, query: dict[str, str | None]) -> tuple[list[Backup], int, int, int]:
        status = query.get("status")
        if status is not None and status not in BACKUP_STATUSES:
            raise InvalidQueryError(f"status must be one of {', '.join(BACKUP_STATUSES)}, got '{status}'")
        limit = _bounded("limit", query.get("limit"), 1000, 1, 1000)
        offset = _bounded("offset", query.get("offset"), 0, 0, 1_000_000)
        items = sorted(
            (b for b in self.backups.values() if b.provider == "CBR"), key=lambda b: (-b.created_ts, b.id)
        )
        if status is not None:
            items = [b for b in items if b.status == status]
        if (resource_id := query.get("resource_id")) is not None:
            items = [b for b in items if b.resource_id == resource_id]
        if (image_type := query.get("image_type")) is not None and image_type != "backup":
            items = []
        count = len(items)
        return items[offset : offset + limit], count, offset, limit


def _bounded(name: str, value: str | None, default: int, lower: int, upper: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or not lower <= int(value) <= upper:
        raise InvalidQueryError(f"{name} must be an integer from {lower} to {upper}, got '{value}'")
    return int(value)
