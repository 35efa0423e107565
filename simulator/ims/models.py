"""IMS images and jobs: state and every rule the cloud enforces for full-ECS images."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from simulator.csbs.models import Backup
from simulator.evs.models import Volume
from simulator.ims import exceptions as exc
from simulator.ims import members
from simulator.ims.records import (
    INIT_SHARE,
    JOB_TYPE,
    MAX_TAGS,
    UPDATABLE,
    CreateWholeImage,
    Image,
    Job,
    PatchOp,
    check_description,
    check_name,
    unique_keys,
)


class ImsBackend:
    def __init__(
        self,
        *,
        images: dict[str, Image],
        jobs: dict[str, Job],
        backups: dict[str, Backup],
        volumes: dict[str, Volume],
        project_id: str,
    ) -> None:
        self.images = images
        self.jobs = jobs
        self.backups = backups
        self.volumes = volumes
        self.project_id = project_id
        self.job_seconds = 0.0
        self.delete_seconds = 0.0
        self.fail_next: tuple[str, str, bool] | None = None  # code, reason, keep the image as killed
        # Other projects' images shared with this one ({id: image}, any member status), and this project's
        # CBR vaults; the simulator wires both (app.py) once every project exists.
        self.shared: Callable[[], dict[str, Image]] = dict
        self.vaults: frozenset[str] = frozenset()

    # ---- lifecycle -------------------------------------------------------------------------------
    def advance(self, now: float) -> bool:
        """Move every unfinished job (and its image) along its time-based lifecycle; True if any job
        changed status (the caller persists the state only then)."""
        changed = False
        for gone in [i for i in self.images.values() if i.delete_at is not None and i.delete_at <= now]:
            self._remove_image(gone)
            if gone.delete_backup:
                self.backups.pop(gone.backup_id, None)
            changed = True
        for job in self.jobs.values():
            if job.status in ("SUCCESS", "FAIL"):
                continue
            elapsed = now - job.begin_ts
            image = self.images.get(job.image_id) if job.image_id else None
            if elapsed >= job.duration:
                self._finish(job, image, job.begin_ts + job.duration)
                changed = True
            elif elapsed >= job.duration * INIT_SHARE and job.status != "RUNNING":
                job.status = "RUNNING"
                if image is not None:
                    image.status = "saving"
                changed = True
        return changed

    def _finish(self, job: Job, image: Image | None, at: float) -> None:
        job.end_ts = at
        if image is None and job.job_type == JOB_TYPE:
            job.status = "FAIL"
            job.fail_code = job.fail_code or "IMG.0014"
            job.fail_reason = job.fail_reason or "the image was deleted while it was being created"
            return
        if job.fail_code is not None:
            job.status = "FAIL"
            # Assumption: real IMS removes a failed full-ECS image record (nothing is left in "killed").
            # The control API can keep it as "killed" so clients prove they clean up after themselves.
            if image is not None and job.keep_failed_image:
                image.status = "killed"
                image.updated_ts = at
            elif image is not None:
                self._remove_image(image)
            return
        job.status = "SUCCESS"
        if job.members is not None and job.members["action"] in members.REPLY_STATUSES:
            shared = self.shared()
            replied = [shared[i] for i in job.members["images"] if i in shared]
            members.reply(replied, self.project_id, job.members["action"])
        elif job.members is not None:
            targets = [self.images[i] for i in job.members["images"] if i in self.images]
            members.apply(targets, job.members["action"], job.members["projects"])
        if image is not None:
            image.status = "active"
            image.active_ts = at
            image.updated_ts = at

    # ---- create ----------------------------------------------------------------------------------
    def create_whole_image(self, spec: CreateWholeImage, now: float) -> Job:
        check_name(spec.name)
        if spec.description is not None:
            check_description(spec.description)
        unique_keys(spec.tags)
        if len(spec.tags) > MAX_TAGS:
            raise exc.TagQuotaExceededError(len(spec.tags))
        if spec.max_ram is not None and spec.min_ram > spec.max_ram:
            raise exc.MalformedRequestError(f"min_ram {spec.min_ram} must not exceed max_ram {spec.max_ram}")
        backup = self._usable_backup(spec.backup_id, spec.whole_image_type)
        system = backup.system_disk
        assert system is not None  # _usable_backup checked it
        image = Image(
            id=str(uuid.uuid4()),
            name=spec.name,
            status="queued",
            backup_id=backup.id,
            source=backup.provider,
            description=spec.description,
            min_ram=spec.min_ram,
            max_ram=spec.max_ram,
            min_disk=system.source_volume_size,
            image_size=sum(v.source_volume_size for v in backup.volume_backups) * 1024**3,
            os_version=backup.os_version,
            os_type=backup.os_type,
            os_bit=backup.os_bit,
            platform=backup.platform,
            enterprise_project_id=spec.enterprise_project_id,
            owner=self.project_id,
            created_ts=now,
            updated_ts=now,
            tags=spec.tags,
            data_disks=self._data_disks(backup),
        )
        job = Job(
            id=uuid.uuid4().hex,
            job_type=JOB_TYPE,
            image_id=image.id,
            image_name=image.name,
            begin_ts=now,
            duration=self.job_seconds,
            status="INIT",
        )
        if self.fail_next is not None:
            job.fail_code, job.fail_reason, job.keep_failed_image = self.fail_next
            self.fail_next = None
        self.images[image.id] = image
        self.jobs[job.id] = job
        backup.os_images.append(image.id)
        return job

    def _data_disks(self, backup: Backup) -> list[dict[str, Any]]:
        """Every non-bootable volume backup: original volume id, size (GB) and type, snapshot id."""
        disks = []
        for volume_backup in backup.volume_backups:
            if volume_backup.bootable:
                continue
            volume = self.volumes.get(volume_backup.source_volume_id)
            disks.append(
                {
                    "id": volume_backup.source_volume_id,
                    "size": volume_backup.source_volume_size,
                    "type": volume.volume_type if volume is not None else None,
                    "snapshot_id": volume_backup.snapshot_id,
                }
            )
        return disks

    def _usable_backup(self, backup_id: str, whole_image_type: str) -> Backup:
        backup = self.backups.get(backup_id)
        csbs = whole_image_type == "CSBS"
        if backup is None:
            raise exc.CsbsBackupNotFoundError(backup_id) if csbs else exc.BackupNotFoundError(backup_id)
        if backup.provider != whole_image_type:
            raise exc.BackupTypeMismatchError(backup_id, whole_image_type)
        if backup.status != "available":
            if csbs:
                raise exc.CsbsBackupUnavailableError(backup_id, f"is {backup.status}, not available")
            raise exc.BackupUnavailableError(backup_id, backup.status)
        if backup.system_disk is None:
            raise exc.NotWholeServerBackupError(backup_id)
        for volume_backup in backup.volume_backups if csbs else []:
            volume = self.volumes.get(volume_backup.source_volume_id)
            if volume is not None and volume.multiattach:
                # Only the CSBS variant forbids shared disks ("A CSBS backup used to create a full-ECS
                # image cannot have shared disks", https://support.huaweicloud.com/intl/th-th/usermanual-ims/ims_01_0217.html);
                # the CBR page lists no such rule and CBR backs up to 10 shared disks with a server
                # (https://support.huaweicloud.com/intl/tr-tr/usermanual-ims/ims_01_0218.html,
                # https://docs.otc.t-systems.com/cloud-backup-recovery/umn/service_overview/constraints.html).
                # No documented code is specific to shared disks: "CSBS backup state unusable".
                raise exc.CsbsBackupUnavailableError(
                    backup_id, f"includes shared (multiattach) disk {volume.id}"
                )
        existing = next((i for i in self.images.values() if i.backup_id == backup_id), None)
        if existing is not None:
            if csbs:
                raise exc.CsbsBackupAlreadyUsedError(backup_id, existing.id)
            raise exc.BackupAlreadyUsedError(backup_id, existing.id)
        return backup

    # ---- read ------------------------------------------------------------------------------------
    def get_job(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise exc.JobNotFoundError(job_id)
        return job

    def get_image(self, image_id: str) -> Image:
        image = self.images.get(image_id)
        if image is None:
            raise exc.ImageNotFoundError(image_id)
        return image

    def list_images(self, query: dict[str, str | None]) -> list[Image]:
        limit_text = query.get("limit")
        limit = 500
        if limit_text is not None:
            if not limit_text.isdigit() or not 1 <= int(limit_text) <= 1000:
                raise exc.MalformedRequestError(
                    f"limit must be an integer from 1 to 1000, got '{limit_text}'"
                )
            limit = int(limit_text)
        sort_key = query.get("sort_key") or "created_at"
        sort_dir = query.get("sort_dir") or "desc"
        if sort_key not in ("created_at", "updated_at", "name", "id", "status", "min_disk"):
            raise exc.MalformedRequestError(f"sort_key '{sort_key}' is not supported")
        if sort_dir not in ("asc", "desc"):
            raise exc.MalformedRequestError(f"sort_dir must be asc or desc, got '{sort_dir}'")
        whole = query.get("__whole_image")
        if whole is not None and whole not in ("true", "false"):
            raise exc.MalformedRequestError(f"__whole_image must be true or false, got '{whole}'")

        def sort_value(image: Image) -> Any:
            if sort_key in ("created_at", "updated_at"):
                return image.created_ts if sort_key == "created_at" else image.updated_ts
            return getattr(image, sort_key)

        mine = [*self.images.values(), *self.accepted().values()]
        images = sorted(mine, key=lambda i: (sort_value(i), i.id), reverse=sort_dir == "desc")
        exact: dict[str, Callable[[Image], str]] = {
            "id": lambda i: i.id,
            "name": lambda i: i.name,
            "status": lambda i: i.status,
            "owner": lambda i: i.owner,
            "visibility": lambda i: "private",
            "__imagetype": lambda i: "private",
            "virtual_env_type": lambda i: "FusionCompute",
            "__os_type": lambda i: i.os_type,
            "__platform": lambda i: i.platform,
        }
        for key, getter in exact.items():
            wanted = query.get(key)
            if wanted is not None:
                images = [i for i in images if getter(i) == wanted]
        if whole == "false":
            images = []  # every image in this simulator is a full-ECS image
        ep = query.get("enterprise_project_id")
        if ep is not None and ep != "all_granted_eps":
            images = [i for i in images if i.enterprise_project_id == ep]
        marker = query.get("marker")
        if marker is not None:
            ids = [i.id for i in images]
            if marker not in ids:
                raise exc.MalformedRequestError(f"marker '{marker}' is not the id of a listed image")
            images = images[ids.index(marker) + 1 :]
        # Not a documented filter (https://support.huaweicloud.com/intl/th-th/api-ims/ims_03_0602.html):
        # __backup_id is ignored, as the cloud does.
        return images[:limit]

    # ---- update ----------------------------------------------------------------------------------
    def update_image(self, image_id: str, ops: list[PatchOp], now: float) -> Image:
        image = self.get_image(image_id)
        if image.status != "active":
            raise exc.ImageNotActiveError(image_id, image.status)
        draft = Image.from_dict(image.to_dict())  # validate every op before changing anything
        for op in ops:
            self._apply(draft, op)
        if draft.max_ram is not None and draft.min_ram > draft.max_ram:
            raise exc.MalformedRequestError(
                f"min_ram {draft.min_ram} must not exceed max_ram {draft.max_ram}"
            )
        draft.updated_ts = now
        self.images[image_id] = draft
        return draft

    def _apply(self, image: Image, op: PatchOp) -> None:
        if op.op not in ("add", "replace", "remove"):
            raise exc.MalformedRequestError(f"op must be add, replace or remove, got '{op.op}'")
        if op.path not in UPDATABLE:
            raise exc.MalformedRequestError(
                f"path '{op.path}' cannot be updated; use one of {', '.join(UPDATABLE)}"
            )
        present = {
            "/name": True,
            "/min_ram": True,
            "/__description": image.description is not None,
            "/max_ram": image.max_ram is not None,
        }[op.path]
        if op.op == "replace" and not present:
            raise exc.AttributeConflictError(op.path)
        if op.op == "remove":
            if op.path in ("/name", "/min_ram"):
                raise exc.MalformedRequestError(f"'{op.path}' cannot be removed")
            if not present:
                raise exc.AttributeConflictError(op.path)
            if op.path == "/__description":
                image.description = None
            else:
                image.max_ram = None
            return
        if op.path == "/name":
            if not isinstance(op.value, str):
                raise exc.MalformedRequestError("value of /name must be a string")
            check_name(op.value)
            image.name = op.value
        elif op.path == "/__description":
            if not isinstance(op.value, str):
                raise exc.MalformedRequestError("value of /__description must be a string")
            check_description(op.value)
            image.description = op.value
        elif op.path == "/min_ram":
            image.min_ram = _ram(op.path, op.value)
        else:
            image.max_ram = _ram(op.path, op.value)

    # ---- delete ----------------------------------------------------------------------------------
    def delete_image(self, image_id: str, *, delete_backup: bool, now: float | None = None) -> None:
        """With `now` (a cloud DELETE) and delete_seconds > 0 the image goes only after that time
        (Terraform polls the list until it is empty:
        https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/huaweicloud/services/ims/resource_huaweicloud_ims_cbr_whole_image.go);
        a second DELETE meanwhile is accepted and changes nothing."""
        image = self.get_image(image_id)
        if image.delete_at is not None:
            return
        if now is not None and self.delete_seconds > 0:
            image.delete_at = now + self.delete_seconds
            image.delete_backup = delete_backup
            return
        self._remove_image(image)
        if delete_backup:
            self.backups.pop(image.backup_id, None)

    def _remove_image(self, image: Image) -> None:
        self.images.pop(image.id, None)
        backup = self.backups.get(image.backup_id)
        if backup is not None and image.id in backup.os_images:
            backup.os_images.remove(image.id)

    # ---- tags ------------------------------------------------------------------------------------
    def list_tags(self, image_id: str) -> list[dict[str, str]]:
        return list(self.get_image(image_id).tags)

    def batch_tags(self, image_id: str, action: str, tags: list[dict[str, str]]) -> None:
        image = self.get_image(image_id)
        unique_keys(tags)
        if action == "create":
            self._put_tags(image, tags)
        else:
            # deleting a missing tag succeeds (https://support.huaweicloud.com/eu/api-ims/ims_03_0617.html)
            keys = {t["key"] for t in tags}
            image.tags = [t for t in image.tags if t["key"] not in keys]

    def add_tag(self, image_id: str, tag: dict[str, str]) -> None:
        self._put_tags(self.get_image(image_id), [tag])

    def delete_tag(self, image_id: str, key: str) -> None:
        image = self.get_image(image_id)
        image.tags = [t for t in image.tags if t["key"] != key]

    @staticmethod
    def _put_tags(image: Image, tags: list[dict[str, str]]) -> None:
        merged = {t["key"]: t["value"] for t in image.tags}
        merged.update({t["key"]: t["value"] for t in tags})  # create overwrites an existing key
        if len(merged) > MAX_TAGS:
            raise exc.TagQuotaExceededError(len(merged))
        image.tags = [{"key": k, "value": v} for k, v in merged.items()]

    # ---- share / export / copy (all refused for full-ECS images except sharing CBR ones) ----------
    def check_shareable(self, image_id: str) -> Image:
        image = self.get_image(image_id)
        members.check_shareable(image)
        return image

    def member_job(self, action: str, image_ids: list[str], projects: list[str], now: float) -> Job:
        """POST (add) or DELETE (delete) /v1/cloudimages/members: a job that changes the members when it
        finishes (after job_seconds, as image jobs)."""
        images = [self.get_image(image_id) for image_id in image_ids]
        if action == "add":
            members.check_add(images, projects, self.project_id)
        job = Job(
            id=uuid.uuid4().hex,
            job_type=members.JOB_TYPES[action],
            image_id=None,
            image_name="",
            begin_ts=now,
            duration=self.job_seconds,
            status="INIT",
            members={"action": action, "images": image_ids, "projects": projects},
        )
        self.jobs[job.id] = job
        return job

    def accepted(self) -> dict[str, Image]:
        """Images of other projects shared with this one and accepted here: listed and usable here."""
        return {
            i: image
            for i, image in self.shared().items()
            if any(m["member_id"] == self.project_id and m["status"] == "accepted" for m in image.members)
        }

    def visible_image(self, image_id: str) -> Image:
        """An image this project may read: its own, or one shared with it and accepted."""
        image = self.images.get(image_id) or self.accepted().get(image_id)
        if image is None:
            raise exc.ImageNotFoundError(image_id)
        return image

    def reply_job(
        self, image_ids: list[str], project: str, status: str, vault_id: str | None, now: float
    ) -> Job:
        """PUT /v1/cloudimages/members from the target project: a job that sets this project's member
        status on each image when it finishes."""
        if project != self.project_id:
            raise exc.MalformedRequestError(f"project_id {project} is not the project of these credentials")
        shared = self.shared()
        for image_id in image_ids:
            image = shared.get(image_id)
            if image is None:
                raise exc.ImageNotFoundError(image_id)
            if status == "accepted" and image.source == "CBR":
                if not vault_id:
                    raise exc.VaultRequiredError(image_id)
                if vault_id not in self.vaults:
                    raise exc.VaultNotFoundError(vault_id)
        job = Job(
            id=uuid.uuid4().hex,
            job_type=members.REPLY_JOB_TYPE,
            image_id=None,
            image_name="",
            begin_ts=now,
            duration=self.job_seconds,
            status="INIT",
            members={"action": status, "images": image_ids, "projects": [project]},
        )
        self.jobs[job.id] = job
        return job

    def add_member(self, image_id: str, project: str) -> Image:
        """Native POST /v2/images/{id}/members: one member, at once."""
        image = self.get_image(image_id)
        members.check_add([image], [project], self.project_id)
        members.apply([image], "add", [project])
        return image

    def export_image(self, image_id: str) -> None:
        self.get_image(image_id)
        raise exc.ExportRefusedError(image_id)

    def copy_image(self, image_id: str) -> None:
        self.get_image(image_id)
        raise exc.CopyRefusedError(image_id)

    # ---- out-of-band changes (control API) -----------------------------------------------------
    def rename(self, image_id: str, name: str, now: float) -> Image:
        check_name(name)
        image = self.get_image(image_id)
        image.name = name
        image.updated_ts = now
        return image


def _ram(path: str, value: Any) -> int:
    # The official SDK's UpdateImageRequestBody types value as str, so numeric strings are accepted.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise exc.MalformedRequestError(f"value of {path} must be an integer number of MB")
    text = str(value)
    if not text.isdigit():
        raise exc.MalformedRequestError(f"value of {path} must be a non-negative integer, got '{text}'")
    return int(text)
