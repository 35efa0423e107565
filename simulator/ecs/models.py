"""ECS servers: state and rules."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from simulator.clock import iso_z
from simulator.ecs.exceptions import InvalidParameterError, ServerNotFoundError

SERVER_STATUSES = ("ACTIVE", "SHUTOFF")
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


class EcsBackend:
    def __init__(self, servers: dict[str, Server]) -> None:
        self.servers = servers

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
