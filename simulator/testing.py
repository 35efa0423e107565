"""In-process simulator for tests: start_simulator() and the SimulatorControl client of /_sim."""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from simulator import seed
from simulator.app import Config, Simulator
from simulator.server import ServerThread

DEFAULT_ACCESS_KEY = "SIMULATORAK0000000001"
DEFAULT_SECRET_KEY = "simulator-secret-key-0001"
DEFAULT_PROJECT_ID = "0123456789abcdef0123456789abcdef"
DEFAULT_REGION = "ap-southeast-1"


class SimulatorControl:
    """Thin client of the unsigned control API under /_sim."""

    def __init__(self, base_url: str) -> None:
        self._client = httpx.Client(base_url=base_url.rstrip("/") + "/_sim", timeout=30.0)

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._client.request(method, path, json=body)
        if response.status_code >= 400:
            raise RuntimeError(
                f"error calling simulator control {method} /_sim{path}: "
                f"HTTP {response.status_code} {response.text}"
            )
        return response.json() if response.content else None

    def reset(self, seed: str = "default") -> None:
        self._call("POST", "/reset", {"seed": seed})

    def calls(self) -> dict[str, int]:
        result: dict[str, int] = self._call("GET", "/calls")
        return result

    def mutating_calls(self) -> dict[str, int]:
        result: dict[str, int] = self._call("GET", "/mutating_calls")
        return result

    def clear_calls(self) -> None:
        self._call("DELETE", "/calls")

    def set_job_seconds(self, seconds: float) -> None:
        self._call("PUT", "/job_seconds", {"seconds": seconds})

    def set_delete_seconds(self, seconds: float) -> None:
        """How long new image deletions (and ECS delete jobs) take; 0 = at once."""
        self._call("PUT", "/delete_seconds", {"seconds": seconds})

    def fail_next_server_job(self, code: str = "Ecs.0010", reason: str = "simulated failure") -> None:
        """The next ECS create job ends in FAIL; its servers and their disks are rolled back."""
        self._call("POST", "/fail_next_server_job", {"code": code, "reason": reason})

    @staticmethod
    def _in(path: str, project_id: str | None) -> str:
        return f"{path}?project_id={project_id}" if project_id else path

    def servers(self, project_id: str | None = None) -> list[dict[str, Any]]:
        """Every server of the project (default: the simulator's configured one) as
        GET /v1/{project_id}/cloudservers/{id} shows it."""
        result: list[dict[str, Any]] = self._call("GET", self._in("/servers", project_id))
        return result

    def delete_server(self, server_id: str, project_id: str | None = None) -> None:
        """Delete an ECS and its disks at once (what docs/troubleshooting.md's recovery needs)."""
        self._call("DELETE", self._in(f"/servers/{server_id}", project_id))

    def volumes(self, project_id: str | None = None) -> list[dict[str, Any]]:
        """Every EVS volume of the project as GET /v2/{project_id}/cloudvolumes/{id} shows it."""
        result: list[dict[str, Any]] = self._call("GET", self._in("/volumes", project_id))
        return result

    def image_members(self, image_id: str) -> list[dict[str, Any]]:
        """The projects an image is shared with: [{"member_id", "status"}], in the order they were added."""
        result: list[dict[str, Any]] = self._call("GET", f"/images/{image_id}/members")
        return result

    def fail_next_job(
        self, code: str = "IMG.0199", reason: str = "simulated failure", *, keep_image: bool = False
    ) -> None:
        """The next create job ends in FAIL; with keep_image the image stays behind as "killed"."""
        self._call("POST", "/fail_next_job", {"code": code, "reason": reason, "keep_image": keep_image})

    def inject_fault(
        self, kind: str, *, route: str = "*", count: int = 1, status: int = 500, delay_seconds: float = 0.0
    ) -> None:
        self._call(
            "POST",
            "/faults",
            {"kind": kind, "route": route, "count": count, "status": status, "delay_seconds": delay_seconds},
        )

    def set_rate_limit(self, per_second: float | None, *, route: str = "*") -> None:
        self._call("PUT", "/rate_limit", {"per_second": per_second, "route": route})

    def faults(self) -> dict[str, Any]:
        """{"faults": [...], "rate_limits": {route or "*": per second}} currently in force."""
        result: dict[str, Any] = self._call("GET", "/faults")
        return result

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def rename_image(self, image_id: str, name: str) -> None:
        self._call("POST", f"/images/{image_id}/rename", {"name": name})

    def delete_image(self, image_id: str) -> None:
        self._call("DELETE", f"/images/{image_id}")

    def set_backup_status(self, backup_id: str, status: str) -> None:
        self._call("PUT", f"/backups/{backup_id}/status", {"status": status})

    def set_server_status(self, server_id: str, status: str) -> None:
        self._call("PUT", f"/servers/{server_id}/status", {"status": status})

    def set_credentials(self, access_key: str, secret_key: str) -> None:
        self._call("PUT", "/credentials", {"access_key": access_key, "secret_key": secret_key})

    def images(self, project_id: str | None = None) -> list[dict[str, Any]]:
        """Every image the project lists: its own, and those shared with it and accepted there."""
        result: list[dict[str, Any]] = self._call("GET", self._in("/images", project_id))
        return result

    def state(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/state")
        return result

    def close(self) -> None:
        self._client.close()


@dataclass(frozen=True)
class SecondProject:
    """The seeded second project: the target of shares (simulator/projects.py)."""

    project_id: str = seed.SECOND_PROJECT_ID
    access_key: str = seed.SECOND_ACCESS_KEY
    secret_key: str = seed.SECOND_SECRET_KEY
    vault_id: str = seed.SECOND_VAULT_ID


@dataclass
class RunningSimulator:
    url: str
    access_key: str
    secret_key: str
    project_id: str
    region: str
    control: SimulatorControl
    _server: ServerThread

    @property
    def second_project(self) -> SecondProject:
        return SecondProject()

    @property
    def app(self) -> Simulator:
        """The in-process application (tests look at its state store)."""
        return self._server.app

    def stop(self) -> None:
        self.control.close()
        self._server.stop()

    def __enter__(self) -> RunningSimulator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_simulator(
    *,
    access_key: str = DEFAULT_ACCESS_KEY,
    secret_key: str = DEFAULT_SECRET_KEY,
    project_id: str = DEFAULT_PROJECT_ID,
    region: str = DEFAULT_REGION,
    job_seconds: float = 0.0,
    seed: str = "default",
    state_file: str | None = None,
    port: int = 0,
    delete_seconds: float = 0.0,
    rate_limit: float | None = None,
) -> RunningSimulator:
    """Start the simulator on 127.0.0.1 (port 0: an ephemeral port) in a background thread."""
    config = Config(
        access_key,
        secret_key,
        project_id,
        region,
        job_seconds,
        seed,
        state_file,
        delete_seconds=delete_seconds,
        rate_limit=rate_limit,
    )
    app = Simulator(config)
    server = ServerThread(app, "127.0.0.1", port)
    server.start()
    return RunningSimulator(
        url=server.url,
        access_key=access_key,
        secret_key=secret_key,
        project_id=project_id,
        region=region,
        control=SimulatorControl(server.url),
        _server=server,
    )
