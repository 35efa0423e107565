"""CSBS handlers."""

from __future__ import annotations

from simulator.csbs.models import CsbsBackend
from simulator.wire import Reply, SimRequest


class CsbsResponses:
    def __init__(self, backend: CsbsBackend) -> None:
        self.backend = backend

    def show_checkpoint_item(self, req: SimRequest, params: dict[str, str]) -> Reply:
        return Reply(200, {"checkpoint_item": self.backend.get_item(params["item_id"]).to_api()})

    def list_checkpoint_items(self, req: SimRequest, params: dict[str, str]) -> Reply:
        query = {key: req.arg(key) for key, _ in req.query}
        items = self.backend.list_items(query)
        return Reply(200, {"checkpoint_items": [b.to_api() for b in items]})
