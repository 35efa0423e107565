"""ECS servers: state and rules."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
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
from simulator.ims.models import Image

SERVER_STATUSES = ("ACTIVE", "SHUTOFF")
# action -> ECS job_type. unconfirmed: ECS's job_type strings for these actions (none documented in
# the reference); the names follow the API operation names.
JOB_TYPES = {
    "start": "batchStartServers",
    "stop": "batchStopServers",
    "reboot": "batchRebootServers",
    "change_os": "changeOS",
    "reinstall_os": "reinstallOS",
}
# Where each action leaves a server once its job has finished (None: status unchanged). Changing or
# reinstalling the OS replaces the system disk only (reference §3.3); the status is left as it was.
FINAL_STATUS: dict[str, str | None] = {
    "start": "ACTIVE",
    "stop": "SHUTOFF",
    "reboot": "ACTIVE",
    "change_os": None,
    "reinstall_os": None,
}
_POWER = {"ACTIVE": (1, "active"), "SHUTOFF": (4, "stopped")}


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Server:
        return cls(**data)

    def to_api(self, project_id: str, devices: dict[str, str]) -> dict[str, Any]:
        power_state, vm_state = _POWER.get(self.status, (0, self.status.lower()))
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "OS-EXT-STS:vm_state": vm_state,
            "OS-EXT-STS:task_state": "",
            "OS-EXT-STS:power_state": power_state,
            "OS-EXT-AZ:availability_zone": self.availability_zone,
            "flavor": {
                "id": self.flavor_id,
                "name": self.flavor_id,
                "vcpus": str(self.vcpus),
                "ram": str(self.ram),
                "disk": "0",
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
            "metadata": {},
            "tags": [],
            "locked": False,
            "tenant_id": project_id,
            "user_id": "0000000000000000000000000000user",
            "enterprise_project_id": "0",
            "addresses": {},
            "security_groups": [],
            "created": iso_z(self.created_ts),
            "updated": iso_z(self.created_ts),
            "hostId": "",
            "key_name": "",
            "OS-DCF:diskConfig": "MANUAL",
            "accessIPv4": "",
            "accessIPv6": "",
            "progress": 0,
            "config_drive": "",
            "description": "",
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
    status: str  # RUNNING | SUCCESS
    end_ts: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EcsJob:
        return cls(**data)

    def to_api(self) -> dict[str, Any]:
        """ECS job body (reference §3.2 "ECS job"): sub_jobs carry entities.server_id."""
        end = iso_z(self.end_ts, millis=True) if self.end_ts is not None else ""
        common = {
            "status": self.status,
            "begin_time": iso_z(self.begin_ts, millis=True),
            "end_time": end,
            "error_code": None,
            "fail_reason": None,
        }
        sub_jobs = [
            {
                "job_id": f"{self.id[:-4]}{index:04d}",
                "job_type": JOB_TYPES[self.action],
                **common,
                "entities": {"server_id": server_id},
            }
            for index, server_id in enumerate(self.server_ids)
        ]
        return {
            "job_id": self.id,
            "job_type": JOB_TYPES[self.action],
            **common,
            "entities": {"sub_jobs_total": len(sub_jobs), "sub_jobs": sub_jobs},
        }


class EcsBackend:
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
        """Finish every ECS job whose time is up; the server changes only when its job finishes.
        True if any job finished (the caller persists the state only then)."""
        changed = False
        for job in self.jobs.values():
            if job.status != "RUNNING" or now - job.begin_ts < job.duration:
                continue
            changed = True
            job.status = "SUCCESS"
            job.end_ts = job.begin_ts + job.duration
            for server_id in job.server_ids:
                server = self.servers.get(server_id)
                if server is None:
                    continue
                if job.action == "change_os" and job.image_id is not None:
                    server.image_id = job.image_id
                final = FINAL_STATUS[job.action]
                if final is not None:
                    server.status = final
        return changed

    def find_job(self, job_id: str) -> EcsJob | None:
        return self.jobs.get(job_id)

    def _job(self, action: str, server_ids: list[str], now: float, image_id: str | None = None) -> EcsJob:
        job = EcsJob(
            id=uuid.uuid4().hex,
            action=action,
            server_ids=server_ids,
            image_id=image_id,
            begin_ts=now,
            duration=self.job_seconds,
            status="RUNNING",
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
        """Reference §3.3: only the system disk is replaced; a full-ECS image is accepted, and its data
        disks are NOT restored (the server keeps its own data volumes)."""
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
        # Reference §3.3: the ECS must be stopped, or the request must say mode "withStopServer".
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
