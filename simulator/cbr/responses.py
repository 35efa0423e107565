"""CBR handlers."""

from __future__ import annotations

from simulator.cbr.models import CbrBackend, backup_to_api
from simulator.wire import Reply, SimRequest


class CbrResponses:
    def __init__(self, backend: CbrBackend, project_id: str) -> None:
        self.backend = backend
        self.project_id = project_id

    def show_backup(self, req: SimRequest, params: dict[str, str]) -> Reply:
        backup = self.backend.get_backup(params["backup_id"])
        return Reply(200, {"backup": backup_to_api(backup, self.project_id)})

    def list_backups(self, req: SimRequest, params: dict[str, str]) -> Reply:
        query = {key: req.arg(key) for key, _ in req.query}
        backups, count, offset, limit = self.backend.list_backups(query)
        body = [backup_to_api(b, self.project_id) for b in backups]
        return Reply(200, {"backups": body, "count": count, "offset": offset, "limit": limit})
