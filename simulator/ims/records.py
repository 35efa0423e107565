"""IMS records (images, jobs, parsed requests) and the field rules they share."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from simulator.clock import iso_z
from simulator.ims import exceptions as exc

NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fa5 ._-]+$")
LEGACY_TAG_RE = re.compile(r"^[A-Za-z0-9_-]+$")
MAX_TAGS = 10
JOB_TYPE = "imsCreateWholeImageByBackupJob"
INIT_SHARE = 0.2  # first 20 % of a job's duration is INIT, the rest RUNNING
UPDATABLE = ("/name", "/__description", "/min_ram", "/max_ram")
CURRENT_TASK = {"INIT": "init", "RUNNING": "create_whole_image"}


@dataclass
class Image:
    id: str
    name: str
    status: str  # queued | saving | active
    backup_id: str
    source: str  # CSBS | CBR
    description: str | None
    min_ram: int
    max_ram: int | None
    min_disk: int
    image_size: int  # bytes
    os_version: str
    os_type: str
    os_bit: str
    platform: str
    enterprise_project_id: str
    owner: str
    created_ts: float
    updated_ts: float
    active_ts: float | None = None
    tags: list[dict[str, str]] = field(default_factory=list)
    # The image's data disks, from the backup's volume backups: [{id, size, type, snapshot_id}].
    # No documented IMS image field carries them (SDK ImageInfo, golangsdk Image, TF whole-image
    # docs, IMS "Image Attributes" page list none), so they stay simulator-only: never in to_api(),
    # shown under the "_sim_data_disks" key by the control API and in the state file.
    data_disks: list[dict[str, Any]] = field(default_factory=list)
    # A deletion accepted (204) but still under way (--delete-seconds): the image stays listed,
    # status unchanged, until delete_at; delete_backup is applied then.
    delete_at: float | None = None
    delete_backup: bool = False
    members: list[dict[str, str]] = field(default_factory=list)  # [{member_id, status}] (members.py)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["_sim_data_disks"] = data.pop("data_disks")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Image:
        fields = dict(data)
        fields["data_disks"] = fields.pop("_sim_data_disks", [])
        return cls(**fields)

    def to_sim(self) -> dict[str, Any]:
        """to_api() plus the simulator-only record of the data disks (control API only)."""
        return {**self.to_api(), "_sim_data_disks": [dict(d) for d in self.data_disks]}

    def to_api(self) -> dict[str, Any]:
        """Image object as GET /v2/cloudimages shows it
        (https://support.huaweicloud.com/intl/th-th/api-ims/ims_03_0602.html)."""
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "visibility": "private",
            "__imagetype": "private",
            # A string, as golangsdk decodes it (WholeImage in
            # https://github.com/chnsz/golangsdk/blob/master/openstack/ims/v2/cloudimages/results.go).
            "__whole_image": "true",
            "__backup_id": self.backup_id,
            # unconfirmed for CSBS-based images; TF documents this form for CBR:
            # https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/docs/resources/ims_cbr_whole_image.md
            "__data_origin": f"server_backup,{self.backup_id}",
            "__os_version": self.os_version,
            "__os_type": self.os_type,
            "__os_bit": self.os_bit,
            "__platform": self.platform,
            "__isregistered": "true",
            "__image_source_type": "uds",
            "__image_size": str(self.image_size),
            "min_disk": self.min_disk,
            "min_ram": self.min_ram,
            "disk_format": "zvhd2",
            "container_format": "bare",
            "virtual_env_type": "FusionCompute",
            "protected": False,
            "owner": self.owner,
            "enterprise_project_id": self.enterprise_project_id,
            # Legacy "key.value" tag strings; key/value tags are read through the tag API
            # (https://support.huaweicloud.com/eu/api-ims/ims_03_0617.html).
            "tags": [f"{t['key']}.{t['value']}" for t in self.tags],
            "file": f"/v2/images/{self.id}/file",
            "self": f"/v2/images/{self.id}",
            "schema": "/v2/schemas/image",
            "created_at": iso_z(self.created_ts),
            "updated_at": iso_z(self.updated_ts),
        }
        if self.max_ram is not None:
            body["max_ram"] = str(self.max_ram)  # a string in the real API
        if self.description is not None:
            body["__description"] = self.description
        if self.active_ts is not None:
            body["active_at"] = iso_z(self.active_ts)
        return body


@dataclass
class Job:
    id: str
    job_type: str
    image_id: str | None
    image_name: str
    begin_ts: float
    duration: float
    status: str  # INIT | RUNNING | SUCCESS | FAIL
    fail_code: str | None = None  # set when the job is doomed (fail_next_job) or failed
    fail_reason: str | None = None
    end_ts: float | None = None
    keep_failed_image: bool = False  # control API: leave the image "killed" instead of removing it
    # Member jobs: {"action": "add"|"delete", "images": [...], "projects": [...]}, applied on SUCCESS.
    members: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Job:
        return cls(**data)

    def percent(self, now: float) -> float:
        """Time-based progress: elapsed / duration while unfinished, 100 once SUCCESS or FAIL."""
        if self.status in ("SUCCESS", "FAIL"):
            return 100.0
        if self.duration <= 0:
            return 0.0
        return round(min(max(now - self.begin_ts, 0.0) / self.duration * 100.0, 99.9), 1)

    def to_api(self, *, progress_at: float | None = None) -> dict[str, Any]:
        """Job body; progress_at (a timestamp) adds the progress API's process_percent/current_task."""
        entities: dict[str, Any] = {}
        # entities carries image_id/image_name on SUCCESS only
        # (https://support.huaweicloud.com/intl/id-id/api-ims/ims_03_0905.html), so a client cannot
        # learn the image id from a running job (it must find the image another way after a crash).
        if self.image_id is not None and self.status == "SUCCESS":
            entities = {"image_id": self.image_id, "image_name": self.image_name}
        if progress_at is not None:
            # SDK JobProgressEntities: process_percent float, current_task str. The task names are
            # unconfirmed (no documented example); "" once the job has finished.
            entities["process_percent"] = self.percent(progress_at)
            entities["current_task"] = CURRENT_TASK.get(self.status, "")
        failed = self.status == "FAIL"
        return {
            "job_id": self.id,
            "job_type": self.job_type,
            "status": self.status,
            "begin_time": iso_z(self.begin_ts, millis=True),
            "end_time": iso_z(self.end_ts, millis=True) if self.end_ts is not None else "",
            "error_code": self.fail_code if failed else None,
            "fail_reason": self.fail_reason if failed else None,
            "entities": entities,
        }


@dataclass
class CreateWholeImage:
    """Parsed body of POST /v1/cloudimages/wholeimages/action (types already checked)."""

    name: str
    backup_id: str
    whole_image_type: str
    description: str | None
    tags: list[dict[str, str]]
    enterprise_project_id: str
    min_ram: int
    max_ram: int | None


@dataclass
class PatchOp:
    op: str
    path: str
    value: Any


def check_name(name: str) -> None:
    if not name:
        raise exc.NameMissingError()
    if len(name) > 128:
        raise exc.NameTooLongError(len(name))
    if name != name.strip(" ") or not NAME_RE.fullmatch(name):
        raise exc.NameInvalidError(name)


def check_description(description: str) -> None:
    if len(description) > 1024:
        raise exc.DescriptionInvalidError(f"it contains more than 1024 characters ({len(description)})")
    for bad in ("\r", "<", ">"):
        if bad in description:
            raise exc.DescriptionInvalidError(f"it must not contain {bad!r}")


def normalise_tag(key: Any, value: Any, *, for_delete: bool = False) -> dict[str, str]:
    """Key 1-36 and value 0-43 chars after trimming (delete checks 127/255 only):
    https://support.huaweicloud.com/eu/api-ims/ims_03_0617.html."""
    if not isinstance(key, str) or not isinstance(value, str):
        raise exc.MalformedRequestError("tag key and value must be strings")
    key, value = key.strip(), value.strip()
    key_max, value_max = (127, 255) if for_delete else (36, 43)
    if not 1 <= len(key) <= key_max:
        raise exc.MalformedRequestError(f"tag key '{key}' must be 1-{key_max} characters")
    if len(value) > value_max:
        raise exc.MalformedRequestError(f"tag value of key '{key}' must be at most {value_max} characters")
    return {"key": key, "value": value}


def legacy_tag(text: str) -> dict[str, str]:
    key, _, value = text.partition(".")
    if not LEGACY_TAG_RE.match(key) or (value and not LEGACY_TAG_RE.match(value)):
        raise exc.MalformedRequestError(
            f"legacy tag '{text}' must be 'key.value' with letters, digits, '_' or '-' only"
        )
    return normalise_tag(key, value)


def unique_keys(tags: list[dict[str, str]]) -> None:
    keys = [t["key"] for t in tags]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise exc.MalformedRequestError(f"tag keys must be unique within a request, repeated: {duplicates}")
