"""EVS volumes: state and rules."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from simulator.clock import iso_micro
from simulator.evs.exceptions import VolumeNotFoundError


@dataclass
class Volume:
    id: str
    name: str
    size: int  # GB
    volume_type: str  # SATA | SAS | SSD | GPSSD | ESSD ...
    bootable: bool
    multiattach: bool  # true = shared disk
    server_ids: list[str]
    device: str
    availability_zone: str
    created_ts: float
    iops: int | None = None  # provisioned IOPS (GPSSD2, ESSD2)
    throughput: int | None = None  # provisioned throughput in MiB/s (GPSSD2)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Volume:
        return cls(**data)

    def to_api(self, project_id: str) -> dict[str, Any]:
        attachments = [
            {
                "server_id": server_id,
                "attachment_id": f"{self.id[:-4]}{index:04d}",
                "attached_at": iso_micro(self.created_ts),
                "host_name": "",
                "volume_id": self.id,
                "device": self.device,
                "id": self.id,
            }
            for index, server_id in enumerate(self.server_ids)
        ]
        return {
            "id": self.id,
            "name": self.name,
            "status": "in-use" if self.server_ids else "available",
            "size": self.size,
            "volume_type": self.volume_type,
            "multiattach": self.multiattach,
            "shareable": "true" if self.multiattach else "false",  # deprecated string twin of multiattach
            "bootable": "true" if self.bootable else "false",
            "attachments": attachments,
            "availability_zone": self.availability_zone,
            "service_type": "EVS",
            "encrypted": False,
            "metadata": {},
            "tags": {},
            "links": [{"href": f"/v2/{project_id}/cloudvolumes/{self.id}", "rel": "self"}],
            "os-vol-tenant-attr:tenant_id": project_id,
            "enterprise_project_id": "0",
            "created_at": iso_micro(self.created_ts),
            "updated_at": iso_micro(self.created_ts),
            # Fields huaweicloudsdkevs's VolumeDetail marks required, as EVS fills them for a plain volume
            # (https://support.huaweicloud.com/intl/en-us/api-evs/evs_04_2007.html).
            "description": "",
            "snapshot_id": "",
            "user_id": "0000000000000000000000000000user",
            "volume_image_metadata": {},
            "replication_status": "disabled",
            "os-vol-host-attr:host": f"pod01.{self.availability_zone}#SSD",
            "os-volume-replication:extended_status": "",
            "os-vol-mig-status-attr:migstat": "",
            "os-vol-mig-status-attr:name_id": "",
            **self._provisioned(),
        }

    def _provisioned(self) -> dict[str, Any]:
        """GPSSD2/ESSD2 volumes show their provisioned iops/throughput as objects (EVS "Querying Details
        About an EVS Disk", https://support.huaweicloud.com/intl/en-us/api-evs/evs_04_2007.html)."""
        shown: dict[str, Any] = {}
        for key, value in (("iops", self.iops), ("throughput", self.throughput)):
            if value is not None:
                shown[key] = {"id": f"{self.id[:-4]}{key[:4]}", "total_val": value, "frozened": False,
                              "volume_id": self.id}  # fmt: skip
        return shown


class EvsBackend:
    def __init__(self, volumes: dict[str, Volume]) -> None:
        self.volumes = volumes

    def get_volume(self, volume_id: str) -> Volume:
        volume = self.volumes.get(volume_id)
        if volume is None:
            raise VolumeNotFoundError(volume_id)
        return volume
