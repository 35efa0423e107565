"""EVS handlers."""

from __future__ import annotations

from simulator.evs.models import EvsBackend
from simulator.wire import Reply, SimRequest


class EvsResponses:
    def __init__(self, backend: EvsBackend, project_id: str) -> None:
        self.backend = backend
        self.project_id = project_id

    def show_volume(self, req: SimRequest, params: dict[str, str]) -> Reply:
        volume = self.backend.get_volume(params["volume_id"])
        return Reply(200, {"volume": volume.to_api(self.project_id)})
