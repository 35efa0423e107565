"""ECS servers: state and rules."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from simulator.clock import iso_z
from simulator.ecs.exceptions import (
    ImageNotActiveError,
    ImageNotFoundError,
    InvalidParameterError,
    ServerNotFoundError,
    ServerStateError,
)
from simulator.evs.models import Volume
from simulator.ims.records import Image

SERVER_STATUSES = ("ACTIVE", "SHUTOFF")
# action -> ECS job_type. unconfirmed: ECS's job_type strings for these actions (none documented in
# the reference); the names follow the API operation names.
JOB_TYPES = {
    "start": "batchStartServers",
    "stop": "batchStopServers",
    "reboot": "batchRebootServers",
    "change_os": "changeOS",
    "reinstall_os": "reinstallOS",
    # unconfirmed: the create job type follows the documented example ("createServer" with
    # "createSingleServer" sub-jobs); the delete names are our choice.
    "create": "createServer",
    "delete": "deleteServers",
}
SUB_JOB_TYPES = {"create": "createSingleServer", "delete": "deleteSingleServer"}
INIT_SHARE = 0.2  # the first 20 % of a job's duration is INIT, the rest RUNNING (as IMS jobs)
# Where each action leaves a server once its job has finished (None: status unchanged). Changing or
# reinstalling the OS replaces the system disk only
# (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0202.html); the status is left as it was.
FINAL_STATUS: dict[str, str | None] = {
    "start": "ACTIVE",
    "stop": "SHUTOFF",
    "reboot": "ACTIVE",
    "change_os": None,
    "reinstall_os": None,
    "create": "ACTIVE",
    "delete": None,
}
_POWER = {"ACTIVE": (1, "active"), "SHUTOFF": (4, "stopped")}


@dataclass
class Nic:
    """One NIC of a server: its private IPv4 address in a subnet of a VPC."""

    subnet_id: str
    ip_address: str
    port_id: str
    mac: str


@dataclass
class Server:
    id: str
    name: str
    status: str
    flavor_id: str
    vcpus: int
    ram: int  # MB
    image_id: str
    availability_zone: str
    volume_ids: list[str]  # first is the system disk
    created_ts: float
    # Fields below exist for servers made through POST /cloudservers (defaults: seeded servers and
    # state files written before servers could be created).
    vpc_id: str = ""
    nics: list[Nic] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    tags: list[dict[str, str]] = field(default_factory=list)  # server_tags [{key, value}]
    security_group_ids: list[str] = field(default_factory=list)
    key_name: str = ""
    description: str = ""
    enterprise_project_id: str = "0"
    task_state: str = ""  # "deleting" while a delete job runs

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Server:
        nics = [Nic(**n) for n in data.get("nics", [])]
        return cls(**{**data, "nics": nics})

    def to_api(self, project_id: str, devices: dict[str, str]) -> dict[str, Any]:
        power_state, vm_state = _POWER.get(self.status, (0, self.status.lower()))
        addresses: dict[str, list[dict[str, Any]]] = {}
        for index, nic in enumerate(self.nics):
            addresses.setdefault(self.vpc_id, []).append(
                {
                    "version": "4",
                    "addr": nic.ip_address,
                    "primary": index == 0,
                    "OS-EXT-IPS:type": "fixed",
                    "OS-EXT-IPS-MAC:mac_addr": nic.mac,
                    "OS-EXT-IPS:port_id": nic.port_id,
                }
            )
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "OS-EXT-STS:vm_state": vm_state,
            "OS-EXT-STS:task_state": self.task_state,
            "OS-EXT-STS:power_state": power_state,
            "OS-EXT-AZ:availability_zone": self.availability_zone,
            "flavor": {
                "id": self.flavor_id,
                "name": self.flavor_id,
                "vcpus": str(self.vcpus),
                "ram": str(self.ram),
                "disk": "0",
                "gpus": [],
                "asic_accelerators": [],
            },
            "image": {"id": self.image_id},
            "os-extended-volumes:volumes_attached": [
                {
                    "id": volume_id,
                    "bootIndex": "0" if index == 0 else "-1",  # strings, as the real API returns
                    "device": devices.get(volume_id, ""),
                    "delete_on_termination": "false",
                }
                for index, volume_id in enumerate(self.volume_ids)
            ],
            "metadata": dict(self.metadata),
            # ECS shows server tags as "key=value" strings (huaweicloudsdkecs ServerDetail.tags: list[str]).
            "tags": [f"{t['key']}={t['value']}" for t in self.tags],
            "locked": False,
            "tenant_id": project_id,
            "user_id": "0000000000000000000000000000user",
            "enterprise_project_id": self.enterprise_project_id,
            "addresses": addresses,
            "security_groups": [{"id": g, "name": g} for g in self.security_group_ids],
            "created": iso_z(self.created_ts),
            "updated": iso_z(self.created_ts),
            "hostId": "",
            "key_name": self.key_name,
            "OS-DCF:diskConfig": "MANUAL",
            "accessIPv4": "",
            "accessIPv6": "",
            "progress": 0,
            "config_drive": "",
            "description": self.description,
            # Every field huaweicloudsdkecs's ServerDetail marks required (the SDKs' models), as ECS
            # fills them (https://support.huaweicloud.com/intl/en-us/api-ecs/ecs_02_0104.html).
            "OS-EXT-SRV-ATTR:host": f"pod01.{self.availability_zone}",
            "OS-EXT-SRV-ATTR:hypervisor_hostname": f"nova{self.id[:8]}",
            "OS-EXT-SRV-ATTR:instance_name": f"instance-{self.id[-8:]}",
            "OS-EXT-SRV-ATTR:hostname": self.name.lower(),
            "OS-EXT-SRV-ATTR:reservation_id": f"r-{self.id[:8]}",
            "OS-EXT-SRV-ATTR:launch_index": 0,
            "OS-EXT-SRV-ATTR:kernel_id": "",
            "OS-EXT-SRV-ATTR:ramdisk_id": "",
            "OS-EXT-SRV-ATTR:root_device_name": "/dev/vda",
            "OS-EXT-SRV-ATTR:user_data": "",
            "OS-SRV-USG:launched_at": iso_z(self.created_ts) if self.status != "BUILD" else "",
            "OS-SRV-USG:terminated_at": "",
            "host_status": "UP",
            "auto_terminate_time": "",
            "capacity_reservation_id": "",
            "capacity_reservation_specification": {"preference": "none"},
            "spod_id": "",
            "enclave_options": {"enabled": False},
        }


@dataclass
class EcsJob:
    """An ECS asynchronous job (GET /v1/{project_id}/jobs/{job_id}) with one sub-job per server."""

    id: str
    action: str  # a key of JOB_TYPES
    server_ids: list[str]
    image_id: str | None  # change_os: the new system-disk image
    begin_ts: float
    duration: float
    status: str  # INIT | RUNNING | SUCCESS | FAIL
    end_ts: float | None = None
    fail_code: str | None = None  # set when the job is doomed (control API) or failed
    fail_reason: str | None = None
    delete_volumes: bool = False  # delete: also delete the servers' volumes (delete_volume: true)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EcsJob:
        return cls(**data)

    def to_api(self) -> dict[str, Any]:
        """ECS job body: sub_jobs carry entities.server_id
        (https://github.com/huaweicloud/huaweicloud-sdk-python-v3/blob/master/huaweicloud-sdk-ecs/huaweicloudsdkecs/v2/model/sub_job_entities.py)."""
        failed = self.status == "FAIL"
        end = iso_z(self.end_ts, millis=True) if self.end_ts is not None else ""
        common = {
            "status": self.status,
            "begin_time": iso_z(self.begin_ts, millis=True),
            "end_time": end,
            "error_code": self.fail_code if failed else None,
            "fail_reason": self.fail_reason if failed else None,
        }
        sub_entities: dict[str, str] = {}
        if failed:  # huaweicloudsdkecs SubJobEntities.errorcode_message
            sub_entities["errorcode_message"] = f"{self.fail_code}: {self.fail_reason}"
        sub_jobs = [
            {
                "job_id": f"{self.id[:-4]}{index:04d}",
                "job_type": SUB_JOB_TYPES.get(self.action, JOB_TYPES[self.action]),
                **common,
                "entities": {"server_id": server_id, **sub_entities},
            }
            for index, server_id in enumerate(self.server_ids)
        ]
        return {
            "job_id": self.id,
            "job_type": JOB_TYPES[self.action],
            **common,
            "entities": {"sub_jobs_total": len(sub_jobs), "sub_jobs": sub_jobs},
        }


class EcsActions:
    """Reads and the power/OS actions; simulator.ecs.servers.EcsBackend adds create and delete."""

    def __init__(
        self,
        servers: dict[str, Server],
        *,
        volumes: dict[str, Volume],
        images: dict[str, Image],
        jobs: dict[str, EcsJob],
    ) -> None:
        self.servers = servers
        self.volumes = volumes
        self.images = images
        self.jobs = jobs
        self.job_seconds = 0.0

    # ---- jobs --------------------------------------------------------------------------------------
    def advance(self, now: float) -> bool:
        """Move every unfinished ECS job along (INIT, RUNNING, then SUCCESS or FAIL); servers change
        only when their job finishes. True if any job changed (the caller persists the state only then)."""
        changed = False
        for job in self.jobs.values():
            if job.status not in ("INIT", "RUNNING"):
                continue
            elapsed = now - job.begin_ts
            if elapsed >= job.duration:
                changed = True
                job.end_ts = job.begin_ts + job.duration
                job.status = "FAIL" if job.fail_code is not None else "SUCCESS"
                self._finish(job)
            elif job.status == "INIT" and elapsed >= job.duration * INIT_SHARE:
                changed = True
                job.status = "RUNNING"
        return changed

    def _finish(self, job: EcsJob) -> None:
        """Apply a finished job to its servers (subclasses handle create and delete)."""
        if job.status != "SUCCESS":
            return
        for server_id in job.server_ids:
            server = self.servers.get(server_id)
            if server is None:
                continue
            if job.action == "change_os" and job.image_id is not None:
                server.image_id = job.image_id
            final = FINAL_STATUS[job.action]
            if final is not None:
                server.status = final

    def find_job(self, job_id: str) -> EcsJob | None:
        return self.jobs.get(job_id)

    def _job(
        self,
        action: str,
        server_ids: list[str],
        now: float,
        image_id: str | None = None,
        *,
        duration: float | None = None,
        status: str = "RUNNING",
    ) -> EcsJob:
        job = EcsJob(
            id=uuid.uuid4().hex,
            action=action,
            server_ids=server_ids,
            image_id=image_id,
            begin_ts=now,
            duration=self.job_seconds if duration is None else duration,
            status=status,
        )
        self.jobs[job.id] = job
        return job

    # ---- write actions (exist so tests can prove a client never calls them) ------------------------
    def batch_action(self, action: str, server_ids: list[str], now: float) -> EcsJob:
        """os-start / os-stop / reboot. Assumption: starting a running (or stopping a stopped) server
        is accepted and leaves it as it is; the reference documents no error for it."""
        if not server_ids:
            raise InvalidParameterError('servers must list at least one {"id": ...}')
        if len(set(server_ids)) != len(server_ids):
            raise InvalidParameterError("servers must not repeat a server id")
        for server_id in server_ids:
            server = self.get_server(server_id)
            if action == "reboot" and server.status != "ACTIVE":
                raise ServerStateError(server_id, server.status, "reboot", "ACTIVE")
        return self._job(action, server_ids, now)

    def change_os(self, server_id: str, image_id: str, *, stop_first: bool, now: float) -> EcsJob:
        """Only the system disk is replaced (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0202.html);
        a full-ECS image is accepted, and its data disks are NOT restored (the server keeps its own
        data volumes)."""
        server = self._stopped_or_stoppable(server_id, "change the OS of", stop_first=stop_first)
        image = self.images.get(image_id)
        if image is None:
            raise ImageNotFoundError(image_id)
        if image.status != "active":
            raise ImageNotActiveError(image_id, image.status)
        system = self.volumes.get(server.volume_ids[0]) if server.volume_ids else None
        if system is not None and system.size < image.min_disk:
            raise InvalidParameterError(
                f"the system disk of server {server_id} ({system.size} GB) is smaller than the "
                f"image's min_disk ({image.min_disk} GB)"
            )
        return self._job("change_os", [server_id], now, image_id)

    def reinstall_os(self, server_id: str, *, stop_first: bool, now: float) -> EcsJob:
        self._stopped_or_stoppable(server_id, "reinstall the OS of", stop_first=stop_first)
        return self._job("reinstall_os", [server_id], now)

    def _stopped_or_stoppable(self, server_id: str, what: str, *, stop_first: bool) -> Server:
        # The ECS must be stopped, or the request must say mode "withStopServer"
        # (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0202.html).
        server = self.get_server(server_id)
        if server.status != "SHUTOFF" and not stop_first:
            raise ServerStateError(server_id, server.status, what, 'SHUTOFF (or mode "withStopServer")')
        return server

    def get_server(self, server_id: str) -> Server:
        server = self.servers.get(server_id)
        if server is None:
            raise ServerNotFoundError(server_id)
        return server

    def list_servers(self, *, name: str | None, status: str | None, server_id: str | None) -> list[Server]:
        if status is not None and status not in (*SERVER_STATUSES, "BUILD", "ERROR", "DELETED"):
            raise InvalidParameterError(f"status '{status}' is not a valid server status")
        result = sorted(self.servers.values(), key=lambda s: (-s.created_ts, s.id))
        if name is not None:
            result = [s for s in result if name in s.name]  # ECS treats name as a fuzzy match
        if status is not None:
            result = [s for s in result if s.status == status]
        if server_id is not None:
            result = [s for s in result if s.id == server_id]
        return result

    def set_status(self, server_id: str, status: str) -> Server:
        if status not in SERVER_STATUSES:
            raise InvalidParameterError(f"status must be one of {', '.join(SERVER_STATUSES)}, got '{status}'")
        server = self.get_server(server_id)
        server.status = status
        return server
