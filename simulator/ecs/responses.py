"""ECS handlers."""

from __future__ import annotations

from simulator.ecs.exceptions import InvalidParameterError
from simulator.ecs.models import EcsBackend, Server
from simulator.evs.models import Volume
from simulator.wire import Reply, SimRequest


class EcsResponses:
    def __init__(self, backend: EcsBackend, volumes: dict[str, Volume], project_id: str) -> None:
        self.backend = backend
        self.volumes = volumes
        self.project_id = project_id

    def _api(self, server: Server) -> dict[str, object]:
        devices = {v.id: v.device for v in self.volumes.values()}
        return server.to_api(self.project_id, devices)

    def show_server(self, req: SimRequest, params: dict[str, str]) -> Reply:
        return Reply(200, {"server": self._api(self.backend.get_server(params["server_id"]))})

    def list_servers(self, req: SimRequest, params: dict[str, str]) -> Reply:
        limit_text, offset_text = req.arg("limit"), req.arg("offset")
        for name, text in (("limit", limit_text), ("offset", offset_text)):
            if text is not None and not text.isdigit():
                raise InvalidParameterError(f"{name} must be a non-negative integer, got '{text}'")
        servers = self.backend.list_servers(
            name=req.arg("name"), status=req.arg("status"), server_id=req.arg("server_id")
        )
        count = len(servers)
        limit = int(limit_text) if limit_text else 25
        offset = int(offset_text) if offset_text else 1  # ECS offset is a 1-based page number
        start = max(offset - 1, 0) * limit
        page = servers[start : start + limit]
        return Reply(200, {"count": count, "servers": [self._api(s) for s in page]})
