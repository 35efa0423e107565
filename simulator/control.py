"""Test-only control plane under the unsigned /_sim prefix: faults, rate limits, call counts and
out-of-band changes. Nothing here is part of the simulated cloud."""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from simulator import clock
from simulator.csbs.models import BACKUP_STATUSES
from simulator.errors import FlatError
from simulator.seed import SEEDS
from simulator.wire import Reply, Route, SimRequest, route

if TYPE_CHECKING:
    from simulator.app import Simulator
    from simulator.projects import Project

PREFIX = "/_sim"
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FAULT_KINDS = ("throttle", "error", "drop", "slow")


class ControlError(FlatError):
    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__("SIM.0400" if status == 400 else f"SIM.0{status}", message, status=status)


@dataclass
class Fault:
    kind: str
    route: str  # a route name such as "ims.show_job", or "*" for every cloud route
    remaining: int
    status: int
    delay_seconds: float


class ControlPlane:
    """Per-process test knobs (not persisted)."""

    def __init__(self, rate_limit: float | None = None) -> None:
        self.rate_limit = rate_limit  # --rate-limit: the project-wide "*" limit that clearing restores
        self.calls: Counter[str] = Counter()
        self.mutating: Counter[str] = Counter()
        self.faults: list[Fault] = []
        self.limits: dict[str, float] = {}
        self._hits: dict[str, deque[float]] = {}
        self.clear_limits()

    def clear(self) -> None:
        self.__init__(self.rate_limit)  # type: ignore[misc]

    def clear_limits(self) -> None:
        """Drop every limit set through the control API; the --rate-limit one stays."""
        self.limits.clear()
        self._hits.clear()
        if self.rate_limit is not None:
            self.limits["*"] = self.rate_limit

    def record(self, route_name: str, method: str) -> None:
        self.calls[route_name] += 1
        if method in MUTATING:
            self.mutating[route_name] += 1

    def take_fault(self, route_name: str) -> Fault | None:
        for fault in self.faults:
            if fault.route in ("*", route_name) and fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def over_limit(self, route_name: str) -> float | None:
        """Sliding one-second window per limited key ("*" = every cloud route of the project together,
        or one route name); returns the limit that was exceeded. A refused request is not a hit."""
        now = time.monotonic()
        windows = []
        for key in ("*", route_name):
            limit = self.limits.get(key)
            if limit is None:
                continue
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= 1.0:
                hits.popleft()
            if len(hits) >= limit:
                return limit
            windows.append(hits)
        for hits in windows:
            hits.append(now)
        return None


def _object(req: SimRequest) -> dict[str, Any]:
    data = req.json_body(
        lambda reason: ControlError(f"error reading control request: {reason}"), allow_empty=True
    )
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ControlError("error reading control request: the body must be a JSON object")
    return data


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
    value = data.get(key, default)
    if value is None and default is None and key not in data:
        raise ControlError(f"error reading control request: field '{key}' is required")
    if value is not None and (not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)):
        raise ControlError(f"error reading control request: field '{key}' has the wrong type")
    return value


def _seconds(req: SimRequest, what: str) -> float:
    seconds = _field(_object(req), "seconds", (int, float))
    if not math.isfinite(seconds) or seconds < 0:
        raise ControlError(f"error setting {what} seconds: seconds must be a finite number, 0 or more")
    return float(seconds)


class ControlApi:
    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    def reset(self, req: SimRequest, params: dict[str, str]) -> Reply:
        seed = _field(_object(req), "seed", str, "default")
        if seed not in SEEDS:
            raise ControlError(f"error resetting the simulator: unknown seed '{seed}'; use one of {SEEDS}")
        self.sim.reset(seed)
        return Reply(204)

    def calls(self, req: SimRequest, params: dict[str, str]) -> Reply:
        return Reply(200, dict(self.sim.control.calls))

    def mutating_calls(self, req: SimRequest, params: dict[str, str]) -> Reply:
        return Reply(200, dict(self.sim.control.mutating))

    def clear_calls(self, req: SimRequest, params: dict[str, str]) -> Reply:
        self.sim.control.calls.clear()
        self.sim.control.mutating.clear()
        return Reply(204)

    def set_job_seconds(self, req: SimRequest, params: dict[str, str]) -> Reply:
        self.sim.set_job_seconds(_seconds(req, "job"))
        return Reply(204)

    def set_delete_seconds(self, req: SimRequest, params: dict[str, str]) -> Reply:
        self.sim.set_delete_seconds(_seconds(req, "delete"))
        return Reply(204)

    def fail_next_server_job(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        code = _field(data, "code", str, "Ecs.0010")
        reason = _field(data, "reason", str, "simulated failure")
        self.sim.ecs.fail_next = (code, reason)
        return Reply(204)

    def _project(self, req: SimRequest) -> Project:
        """The project named by ?project_id= (default: the simulator's configured one)."""
        wanted = req.arg("project_id") or self.sim.config.project_id
        project = self.sim.projects.get(wanted)
        if project is None:
            raise ControlError(f"error reading project {wanted}: no such project", status=404)
        return project

    def servers(self, req: SimRequest, params: dict[str, str]) -> Reply:
        project = self._project(req)
        servers = project.ecs.list_servers(name=None, status=None, server_id=None)
        devices = {v.id: v.device for v in project.state.volumes.values()}
        return Reply(200, [s.to_api(project.project_id, devices) for s in servers])

    def delete_server(self, req: SimRequest, params: dict[str, str]) -> Reply:
        """An ECS and its disks, gone at once (the recovery after a killed engine, without signing)."""
        project = self._project(req)
        project.ecs.get_server(params["server_id"])
        project.ecs._remove([params["server_id"]], delete_volumes=True)
        return Reply(204)

    def volumes(self, req: SimRequest, params: dict[str, str]) -> Reply:
        project = self._project(req)
        volumes = sorted(project.state.volumes.values(), key=lambda v: (v.created_ts, v.id))
        return Reply(200, [v.to_api(project.project_id) for v in volumes])

    def image_members(self, req: SimRequest, params: dict[str, str]) -> Reply:
        image = self.sim.state.images.get(params["image_id"])
        if image is None:
            raise ControlError(f"error reading members: image {params['image_id']} not found", status=404)
        return Reply(200, [dict(m) for m in image.members])

    def fail_next_job(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        code = _field(data, "code", str, "IMG.0199")
        reason = _field(data, "reason", str, "simulated failure")
        keep_image = _field(data, "keep_image", bool, False)
        self.sim.ims.fail_next = (code, reason, keep_image)
        return Reply(204)

    def inject_fault(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        kind = _field(data, "kind", str)
        if kind not in FAULT_KINDS:
            raise ControlError(f"error injecting fault: kind must be one of {FAULT_KINDS}, got '{kind}'")
        route_name = _field(data, "route", str, "*")
        if route_name != "*" and route_name not in self.sim.route_names:
            raise ControlError(f"error injecting fault: unknown route '{route_name}'")
        count = _field(data, "count", int, 1)
        status = _field(data, "status", int, 500)
        delay = _field(data, "delay_seconds", (int, float), 0.0)
        if count < 1:
            raise ControlError("error injecting fault: count must be at least 1")
        if kind == "error" and not 400 <= status <= 599:
            raise ControlError("error injecting fault: status must be an HTTP error status (400-599)")
        if delay < 0:
            raise ControlError("error injecting fault: delay_seconds must not be negative")
        self.sim.control.faults.append(Fault(kind, route_name, count, status, float(delay)))
        return Reply(204)

    def clear_faults(self, req: SimRequest, params: dict[str, str]) -> Reply:
        self.sim.control.faults.clear()
        self.sim.control.clear_limits()
        return Reply(204)

    def list_faults(self, req: SimRequest, params: dict[str, str]) -> Reply:
        control = self.sim.control
        return Reply(200, {"faults": [asdict(f) for f in control.faults], "rate_limits": control.limits})

    def set_rate_limit(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        route_name = _field(data, "route", str, "*")
        per_second = data.get("per_second")
        if per_second is None:
            self.sim.control.limits.pop(route_name, None)
            return Reply(204)
        if isinstance(per_second, bool) or not isinstance(per_second, int | float) or per_second <= 0:
            raise ControlError("error setting rate limit: per_second must be a positive number or null")
        self.sim.control.limits[route_name] = float(per_second)
        return Reply(204)

    def rename_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        name = _field(_object(req), "name", str)
        image = self.sim.ims.rename(params["image_id"], name, clock.now())
        return Reply(200, image.to_api())

    def delete_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        self.sim.ims.delete_image(params["image_id"], delete_backup=False)
        return Reply(204)

    def images(self, req: SimRequest, params: dict[str, str]) -> Reply:
        """Every image the project lists (its own, and those shared with it and accepted there)."""
        project = self._project(req)
        return Reply(200, [i.to_sim() for i in project.ims.list_images({"limit": "1000"})])

    def set_backup_status(self, req: SimRequest, params: dict[str, str]) -> Reply:
        status = _field(_object(req), "status", str)
        if status not in BACKUP_STATUSES:
            raise ControlError(f"error setting backup status: '{status}' is not one of {BACKUP_STATUSES}")
        backup = self.sim.state.backups.get(params["backup_id"])
        if backup is None:
            raise ControlError(
                f"error setting backup status: backup {params['backup_id']} not found", status=404
            )
        backup.status = status
        backup.updated_ts = clock.now()
        return Reply(204)

    def set_server_status(self, req: SimRequest, params: dict[str, str]) -> Reply:
        status = _field(_object(req), "status", str)
        self.sim.ecs.set_status(params["server_id"], status)
        return Reply(204)

    def set_credentials(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        access_key, secret_key = _field(data, "access_key", str), _field(data, "secret_key", str)
        if not access_key or not secret_key:
            raise ControlError("error setting credentials: access_key and secret_key must not be empty")
        self.sim.set_credentials(access_key, secret_key)
        return Reply(204)

    def state(self, req: SimRequest, params: dict[str, str]) -> Reply:
        return Reply(200, self.sim.state.to_json())


ID = r"(?P<{}>[^/]+)"
url_paths: list[Route] = [
    route("POST", r"^/_sim/reset$", "sim.reset", "reset"),
    route("GET", r"^/_sim/calls$", "sim.calls", "calls"),
    route("DELETE", r"^/_sim/calls$", "sim.clear_calls", "clear_calls"),
    route("GET", r"^/_sim/mutating_calls$", "sim.mutating_calls", "mutating_calls"),
    route("PUT", r"^/_sim/job_seconds$", "sim.set_job_seconds", "set_job_seconds"),
    route("POST", r"^/_sim/fail_next_job$", "sim.fail_next_job", "fail_next_job"),
    route("PUT", r"^/_sim/delete_seconds$", "sim.set_delete_seconds", "set_delete_seconds"),
    route("POST", r"^/_sim/fail_next_server_job$", "sim.fail_next_server_job", "fail_next_server_job"),
    route("GET", r"^/_sim/servers$", "sim.servers", "servers"),
    route("DELETE", r"^/_sim/servers/(?P<server_id>[^/]+)$", "sim.delete_server", "delete_server"),
    route("GET", r"^/_sim/volumes$", "sim.volumes", "volumes"),
    route("GET", rf"^/_sim/images/{ID.format('image_id')}/members$", "sim.image_members", "image_members"),
    route("POST", r"^/_sim/faults$", "sim.inject_fault", "inject_fault"),
    route("GET", r"^/_sim/faults$", "sim.list_faults", "list_faults"),
    route("DELETE", r"^/_sim/faults$", "sim.clear_faults", "clear_faults"),
    route("PUT", r"^/_sim/rate_limit$", "sim.set_rate_limit", "set_rate_limit"),
    route("GET", r"^/_sim/images$", "sim.images", "images"),
    route("POST", rf"^/_sim/images/{ID.format('image_id')}/rename$", "sim.rename_image", "rename_image"),
    route("DELETE", rf"^/_sim/images/{ID.format('image_id')}$", "sim.delete_image", "delete_image"),
    route(
        "PUT",
        rf"^/_sim/backups/{ID.format('backup_id')}/status$",
        "sim.set_backup_status",
        "set_backup_status",
    ),
    route(
        "PUT",
        rf"^/_sim/servers/{ID.format('server_id')}/status$",
        "sim.set_server_status",
        "set_server_status",
    ),
    route("PUT", r"^/_sim/credentials$", "sim.set_credentials", "set_credentials"),
    route("GET", r"^/_sim/state$", "sim.state", "state"),
]
