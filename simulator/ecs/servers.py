"""ECS server creation from full-ECS images and batch deletion
(https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from simulator.csbs.models import Backup
from simulator.ecs.create_request import CreateServersSpec, DiskSpec
from simulator.ecs.exceptions import (
    DataDiskTypeMismatchError,
    ImageBackupMissingError,
    ImageNotActiveError,
    ImageNotFoundError,
    ImageUnusableError,
    InvalidParameterError,
    ServerStateError,
)
from simulator.ecs.models import EcsActions, EcsJob, Nic, Server
from simulator.evs.models import Volume
from simulator.ims.records import Image

# Ecs.0048: the image's backup must be Available or Creating
# (https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html).
USABLE_BACKUP_STATUSES = ("available", "protecting")
DEFAULT_VOLUME_TYPE = "SATA"  # an original disk whose type is unknown is restored as common I/O
SUBNET_PREFIX = "192.168.0."  # unconfirmed: the simulator knows no subnet CIDRs; all use 192.168.0.0/24
FIRST_HOST = 10


@dataclass
class PlannedDisk:
    size: int
    volume_type: str
    multiattach: bool
    bootable: bool
    iops: int | None = None
    throughput: int | None = None


@dataclass
class Created:
    job: EcsJob | None  # None for a dry run
    server_ids: list[str]
    order_id: str | None


class EcsBackend(EcsActions):
    """ECS state and rules, including POST /cloudservers and POST /cloudservers/delete."""

    def __init__(
        self,
        servers: dict[str, Server],
        *,
        volumes: dict[str, Volume],
        images: dict[str, Image],
        backups: dict[str, Backup],
        jobs: dict[str, EcsJob],
    ) -> None:
        super().__init__(servers, volumes=volumes, images=images, jobs=jobs)
        self.backups = backups
        self.delete_seconds = 0.0
        self.fail_next: tuple[str, str] | None = None  # (code, reason) for the next create job

    # ---- create --------------------------------------------------------------------------------
    def create_servers(self, spec: CreateServersSpec, now: float) -> Created:
        image = self._usable_image(spec.image_id)
        disks = [self._system_disk(spec.root, image), *self._data_disks(spec.data, image)]
        backup = self.backups[image.backup_id]
        zone = spec.availability_zone or backup.resource_az
        region = backup.resource_az[:-1]  # seeded AZs are "<region>a"
        if not re.fullmatch(rf"{re.escape(region)}[a-z]", zone):
            # unconfirmed: ECS's code for an availability zone outside the region; Ecs.0005 is our choice.
            raise InvalidParameterError(f"availability_zone '{zone}' is not a zone of region {region}")
        if spec.ram < image.min_ram or (image.max_ram is not None and spec.ram > image.max_ram):
            # unconfirmed code: the flavor's memory must fit the image's min_ram/max_ram (IMS image fields).
            limits = f"{image.min_ram}-{image.max_ram if image.max_ram is not None else 'any'} MB"
            raise InvalidParameterError(
                f"flavor {spec.flavor_id} has {spec.ram} MB of memory; image {image.id} needs {limits}"
            )
        fixed = [ip for _, ip in spec.nics if ip]
        taken = self._taken_ips()
        clash = sorted(set(fixed) & taken) or sorted({ip for ip in fixed if fixed.count(ip) > 1})
        if clash:
            raise InvalidParameterError(f"IP address {clash[0]} is already in use")
        if spec.dry_run:
            return Created(None, [], None)
        server_ids = []
        for index in range(spec.count):
            name = spec.name
            if spec.count > 1 and spec.auto_rename:
                name = f"{spec.name}-{index + 1:04d}"  # ECS numbers batch-created servers -0001, -0002...
            server = Server(
                id=str(uuid.uuid4()),
                name=name,
                status="BUILD",
                flavor_id=spec.flavor_id,
                vcpus=spec.vcpus,
                ram=spec.ram,
                image_id=image.id,
                availability_zone=zone,
                volume_ids=[],
                created_ts=now,
                vpc_id=spec.vpc_id,
                metadata=dict(spec.metadata),
                tags=[dict(t) for t in spec.tags],
                security_group_ids=list(spec.security_group_ids),
                key_name=spec.key_name,
                description=spec.description,
                enterprise_project_id=spec.enterprise_project_id,
            )
            for subnet_id, ip in spec.nics:
                address = ip or self._free_ip(taken)
                taken.add(address)
                port = str(uuid.uuid4())
                server.nics.append(Nic(subnet_id, address, port, "fa:16:3e:" + ":".join(
                    port.replace("-", "")[i : i + 2] for i in range(0, 6, 2)
                )))  # fmt: skip
            for number, disk in enumerate(disks):
                server.volume_ids.append(self._new_volume(server, number, disk, now))
            self.servers[server.id] = server
            server_ids.append(server.id)
        job = self._job("create", server_ids, now, image.id, status="INIT")
        if self.fail_next is not None:
            job.fail_code, job.fail_reason = self.fail_next
            self.fail_next = None
        return Created(job, server_ids, uuid.uuid4().hex if spec.prepaid else None)

    def _usable_image(self, image_id: str) -> Image:
        image = self.images.get(image_id)
        if image is None:
            raise ImageNotFoundError(image_id)
        if image.status != "active":
            raise ImageNotActiveError(image_id, image.status)
        backup = self.backups.get(image.backup_id)
        if backup is None:
            raise ImageBackupMissingError(image_id, image.backup_id)
        if backup.status not in USABLE_BACKUP_STATUSES:
            raise ImageUnusableError(image_id, backup.id, backup.status)
        return image

    @staticmethod
    def _system_disk(root: DiskSpec, image: Image) -> PlannedDisk:
        # root_volume.size must be >= the image's min_disk; 0/omitted means min_disk
        # (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html).
        size = root.size or image.min_disk
        if size < image.min_disk:
            raise InvalidParameterError(
                f"root_volume.size {size} GB is smaller than the image's min_disk ({image.min_disk} GB)"
            )
        return PlannedDisk(size, root.volume_type, False, True, root.iops, root.throughput)

    @staticmethod
    def _data_disks(entries: list[DiskSpec], image: Image) -> list[PlannedDisk]:
        """One disk per data disk of the image (its original size and type unless a data_volumes
        entry names it by extendparam.snapshotId: original disk id or its snapshot id), then one new
        empty disk per other entry (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html)."""
        chosen: dict[int, DiskSpec] = {}
        for entry in entries:
            if entry.snapshot_id is None:
                continue
            index = next(
                (
                    i
                    for i, d in enumerate(image.data_disks)
                    if entry.snapshot_id in (d["id"], d["snapshot_id"])
                ),
                None,
            )
            if index is None:
                raise DataDiskTypeMismatchError(
                    entry.snapshot_id, f"it is neither a data disk nor a snapshot of image {image.id}"
                )
            if index in chosen:
                raise InvalidParameterError(
                    f"data_volumes names data disk {image.data_disks[index]['id']} more than once"
                )
            original = image.data_disks[index]["size"]
            if entry.size < original:
                raise InvalidParameterError(
                    f"data_volumes size {entry.size} GB for snapshotId {entry.snapshot_id} is smaller "
                    f"than the original disk ({original} GB)"
                )
            chosen[index] = entry
        disks = []
        for index, original in enumerate(image.data_disks):
            picked = chosen.get(index)
            if picked is not None:
                disks.append(
                    PlannedDisk(
                        picked.size,
                        picked.volume_type,
                        picked.multiattach,
                        False,
                        picked.iops,
                        picked.throughput,
                    )
                )
            else:
                kind = original.get("type") or DEFAULT_VOLUME_TYPE
                disks.append(PlannedDisk(original["size"], kind, False, False))
        disks += [
            PlannedDisk(e.size, e.volume_type, e.multiattach, False, e.iops, e.throughput)
            for e in entries
            if e.snapshot_id is None
        ]
        return disks

    def _new_volume(self, server: Server, number: int, disk: PlannedDisk, now: float) -> str:
        volume = Volume(
            id=str(uuid.uuid4()),
            name=f"{server.name}-volume-{number:04d}",
            size=disk.size,
            volume_type=disk.volume_type,
            bootable=disk.bootable,
            multiattach=disk.multiattach,
            server_ids=[server.id],
            device=f"/dev/vd{chr(ord('a') + number)}",
            availability_zone=server.availability_zone,
            created_ts=now,
            iops=disk.iops,
            throughput=disk.throughput,
        )
        self.volumes[volume.id] = volume
        return volume.id

    def _taken_ips(self) -> set[str]:
        return {nic.ip_address for server in self.servers.values() for nic in server.nics}

    @staticmethod
    def _free_ip(taken: set[str]) -> str:
        for host in range(FIRST_HOST, 255):
            address = f"{SUBNET_PREFIX}{host}"
            if address not in taken:
                return address
        raise InvalidParameterError("no free IP address is left in the subnet")

    # ---- delete --------------------------------------------------------------------------------
    def delete_servers(self, server_ids: list[str], *, delete_volumes: bool, now: float) -> EcsJob:
        if not server_ids:
            raise InvalidParameterError('servers must list at least one {"id": ...}')
        if len(set(server_ids)) != len(server_ids):
            raise InvalidParameterError("servers must not repeat a server id")
        servers = [self.get_server(server_id) for server_id in server_ids]
        for server in servers:
            if server.task_state == "deleting":
                raise ServerStateError(server.id, "being deleted", "delete", "not being deleted")
        for server in servers:
            server.task_state = "deleting"
        job = self._job("delete", server_ids, now, duration=self.delete_seconds, status="INIT")
        job.delete_volumes = delete_volumes
        return job

    # ---- job results ---------------------------------------------------------------------------
    def _finish(self, job: EcsJob) -> None:
        if job.action == "create" and job.status == "FAIL":
            # Assumption: ECS rolls back the servers of a failed create job (their disks go too).
            self._remove(job.server_ids, delete_volumes=True)
        elif job.action == "delete" and job.status == "SUCCESS":
            self._remove(job.server_ids, delete_volumes=job.delete_volumes)
        elif job.action == "delete":
            for server_id in job.server_ids:
                if server_id in self.servers:
                    self.servers[server_id].task_state = ""
        else:
            super()._finish(job)

    def _remove(self, server_ids: list[str], *, delete_volumes: bool) -> None:
        for server_id in server_ids:
            server = self.servers.pop(server_id, None)
            if server is None:
                continue
            for volume_id in server.volume_ids:
                volume = self.volumes.get(volume_id)
                if volume is None:
                    continue
                volume.server_ids = [s for s in volume.server_ids if s != server_id]
                if not volume.server_ids:
                    volume.device = ""
                    if delete_volumes:  # a shared disk still attached elsewhere stays
                        del self.volumes[volume_id]
