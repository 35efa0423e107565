"""The cloud's answers, as typed models: only the fields this component reads.

IMS images and jobs (https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0703.html,
https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0911.html), CSBS backups
(https://docs.otc.t-systems.com/cloud-server-backup-service/api-ref/api_description/backup_management/querying_a_single_backup.html),
ECS servers and EVS volumes (https://support.huaweicloud.com/intl/id-id/api-evs/evs_04_2007.html).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


def image_from_listing(payload: Mapping[str, Any], image_id: str) -> Image | None:
    """The image in a GET /v2/cloudimages?id= answer, or None when IMS no longer lists it (deleted)."""
    found = [i for i in payload.get("images", []) if i.get("id") == image_id]
    if not found or found[0].get("status") == "deleted":
        return None
    return Image.from_api(found[0])


class Image(BaseModel):
    """An IMS image as GET /v2/cloudimages returns it (only the fields this component uses)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    id: str
    name: str = ""
    status: str = ""
    backup_id: str = Field("", alias="__backup_id")
    whole_image: bool = Field(False, alias="__whole_image")
    description: str | None = Field(None, alias="__description")
    min_disk: int = 0
    min_ram: int = 0
    max_ram: int | None = None
    os_version: str = Field("", alias="__os_version")
    enterprise_project_id: str | None = None
    present: frozenset[str] = frozenset()
    """API attribute names present on the image: PATCH uses `add` for absent ones, `replace` otherwise."""

    @field_validator("max_ram", mode="before")
    @classmethod
    def _max_ram(cls, value: Any) -> Any:
        return None if value in ("", None) else int(value)  # IMS returns max_ram as a string

    @field_validator("whole_image", mode="before")
    @classmethod
    def _whole(cls, value: Any) -> bool:
        return str(value).lower() == "true"  # documented boolean, golangsdk sees a string

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Image:
        present = frozenset(k for k, v in raw.items() if v is not None)
        return cls.model_validate({**raw, "present": present})


class Job(BaseModel):
    """An IMS asynchronous job."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    job_id: str
    status: str  # INIT, RUNNING, then SUCCESS or FAIL
    error_code: str | None = None
    fail_reason: str | None = None
    image_id: str | None = None  # named in entities only once the job succeeded
    percent: float | None = None  # entities.process_percent of the progress API

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Job:
        entities = raw.get("entities") or {}
        return cls(
            job_id=str(raw.get("job_id", "")),
            status=str(raw.get("status", "")),
            error_code=raw.get("error_code") or entities.get("error_code"),
            fail_reason=raw.get("fail_reason") or entities.get("error"),
            image_id=entities.get("image_id") or None,
            percent=entities.get("process_percent"),
        )


class VolumeBackup(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    source_volume_id: str
    source_volume_size: int = 0
    bootable: bool = False
    snapshot_id: str | None = None


class Backup(BaseModel):
    """A CSBS checkpoint item (the backup IMS `backup_id` names)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = ""
    status: str
    resource_id: str = ""
    resource_type: str = ""
    volume_backups: tuple[VolumeBackup, ...] = ()
    os_image_ids: tuple[str, ...] = ()
    service: str = "CSBS"  # CSBS or CBR: where the backup lives

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Backup:
        """A CSBS checkpoint item: its extend_info lists the disk backups."""
        extend = raw.get("extend_info") or {}
        disks = tuple(VolumeBackup.model_validate(v) for v in extend.get("volume_backups") or ())
        return _backup(raw, disks, "CSBS")


def backup_from_cbr(raw: Mapping[str, Any]) -> Backup:
    """A CBR backup (GET /v3/{project_id}/backups/{id}) in the same shape as a CSBS one: its
    children are the disk backups (https://support.huaweicloud.com/intl/en-us/api-cbr/ShowBackup.html)."""
    disks = []
    for child in raw.get("children") or ():
        info = child.get("extend_info") or {}
        disks.append(
            VolumeBackup(
                source_volume_id=str(child.get("resource_id", "")),
                source_volume_size=int(child.get("resource_size") or 0),
                bootable=bool(info.get("bootable") or info.get("system_disk")),
                snapshot_id=info.get("snapshot_id") or None,
            )
        )
    return _backup(raw, tuple(disks), "CBR")


def _backup(raw: Mapping[str, Any], disks: tuple[VolumeBackup, ...], service: str) -> Backup:
    images = (raw.get("extend_info") or {}).get("os_images_data") or ()  # the backup -> image link
    return Backup(
        id=raw["id"],
        name=raw.get("name", ""),
        status=raw.get("status", ""),
        resource_id=raw.get("resource_id", ""),
        resource_type=raw.get("resource_type", ""),
        volume_backups=disks,
        os_image_ids=tuple(d["image_id"] for d in images if d.get("image_id")),
        service=service,
    )


class Server(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = ""
    status: str = ""


class Volume(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = ""
    size: int = 0
    volume_type: str = ""
    multiattach: bool = False
    iops: int | None = None
    """Provisioned IOPS (GPSSD2, ESSD2): EVS answers {"total_val": n, ...}."""
    throughput: int | None = None
    """Provisioned throughput in MiB/s (GPSSD2): EVS answers {"total_val": n, ...}."""

    @field_validator("iops", "throughput", mode="before")
    @classmethod
    def _total(cls, value: Any) -> Any:
        # https://support.huaweicloud.com/intl/en-us/api-evs/evs_04_2007.html: iops/throughput objects
        if isinstance(value, Mapping):
            return value.get("total_val")
        return value
