"""The WSGI application: gateway checks (faults, rate limits, body size, AK/SK, project), dispatch to
the service handlers under one lock, persistence after every change (never after a read), and clean error
bodies."""

from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from werkzeug.wrappers import Request, Response

from simulator import clock, control, projects, seed
from simulator.cbr import models as cbr_models
from simulator.cbr import urls as cbr_urls
from simulator.cbr.models import CbrBackend
from simulator.cbr.responses import CbrResponses
from simulator.csbs import urls as csbs_urls
from simulator.csbs.models import CsbsBackend
from simulator.csbs.responses import CsbsResponses
from simulator.ecs import urls as ecs_urls
from simulator.ecs.responses import EcsResponses
from simulator.ecs.servers import EcsBackend
from simulator.errors import GatewayError, SimError, api_not_found, auth_failed, body_too_large, throttled
from simulator.evs import urls as evs_urls
from simulator.evs.models import EvsBackend
from simulator.evs.responses import EvsResponses
from simulator.ims import urls as ims_urls
from simulator.ims.models import ImsBackend
from simulator.ims.responses import ImsResponses
from simulator.signing import Credentials, verify
from simulator.state import CloudState, StateFile
from simulator.wire import Handler, Reply, Route, SimRequest

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

# gateway limit for AK/SK-signed bodies:
# https://support.huaweicloud.com/intl/devg-apisign/api-sign-provide01.html
MAX_BODY = 12 * 1024 * 1024
DRAIN_LIMIT = 64 * 1024 * 1024  # read (and discard) at most this much of an oversized body
CLOUD_ROUTES: list[Route] = [
    *ims_urls.url_paths,
    *csbs_urls.url_paths,
    *cbr_urls.url_paths,
    *ecs_urls.url_paths,
    *evs_urls.url_paths,
]


_ACCESS_RE = re.compile(r"Access=([^,\s]+)")


class DropConnectionError(Exception):
    """Raised by a "drop" fault: the connection is closed without any response."""


@dataclass(frozen=True)
class Config:
    access_key: str
    secret_key: str
    project_id: str
    region: str = "ap-southeast-1"
    job_seconds: float = 0.0
    seed: str = "default"
    state_file: str | None = None
    delete_seconds: float = 0.0  # how long image and server deletions take
    rate_limit: float | None = None  # project-wide requests per second over all cloud routes


class Simulator:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.lock = threading.RLock()  # guards all backend state: the server is threaded
        self.credentials = Credentials(config.access_key, config.secret_key)
        self.control = control.ControlPlane(config.rate_limit)
        self.store = StateFile(config.state_file)
        self.route_names = frozenset(name for r in CLOUD_ROUTES for name in r.names)
        self._control_api = control.ControlApi(self)
        self._tables: dict[str, list[tuple[Route, Handler]]] = {}
        loaded = self.store.load()
        self._install(
            loaded if loaded is not None else seed.build(config.seed, config.project_id, config.region)
        )
        self.flush()

    # ---- state -----------------------------------------------------------------------------------
    def _install(self, state: CloudState) -> None:
        second = state.projects.setdefault(seed.SECOND_PROJECT_ID, CloudState())
        self.state = state
        default = self._project(
            self.config.project_id, self.credentials, state, frozenset({cbr_models.VAULT_ID})
        )
        other = self._project(
            seed.SECOND_PROJECT_ID,
            Credentials(seed.SECOND_ACCESS_KEY, seed.SECOND_SECRET_KEY),
            second,
            frozenset({seed.SECOND_VAULT_ID}),
        )
        self.projects = {default.project_id: default, other.project_id: other}
        projects.connect(list(self.projects.values()))
        self.ims, self.ecs = default.ims, default.ecs
        self.set_job_seconds(self.config.job_seconds)
        self.set_delete_seconds(self.config.delete_seconds)
        self._sim: list[tuple[Route, Handler]] = [
            (r, getattr(self._control_api, r.handler)) for r in control.url_paths
        ]

    def _project(
        self, project_id: str, credentials: Credentials, state: CloudState, vaults: frozenset[str]
    ) -> projects.Project:
        """One project's backends and route table over its own state."""
        ims_backend = ImsBackend(
            images=state.images,
            jobs=state.jobs,
            backups=state.backups,
            volumes=state.volumes,
            project_id=project_id,
        )
        ecs_backend = EcsBackend(
            state.servers,
            volumes=state.volumes,
            images=state.images,
            backups=state.backups,
            jobs=state.ecs_jobs,
        )
        ims = ImsResponses(ims_backend, other_jobs=ecs_backend.find_job)
        csbs = CsbsResponses(CsbsBackend(state.backups))
        cbr = CbrResponses(CbrBackend(state.backups), project_id)
        ecs = EcsResponses(ecs_backend, state.volumes, project_id)
        evs = EvsResponses(EvsBackend(state.volumes), project_id)
        owners: dict[str, object] = {"ims": ims, "csbs": csbs, "cbr": cbr, "ecs": ecs, "evs": evs}
        self._tables[project_id] = [
            (r, getattr(owners[r.name.split(".")[0]], r.handler)) for r in CLOUD_ROUTES
        ]
        return projects.Project(project_id, credentials, state, ims_backend, ecs_backend, vaults)

    def reset(self, seed_name: str) -> None:
        with self.lock:
            self._install(seed.build(seed_name, self.config.project_id, self.config.region))
            self.control.clear()
            self.flush()

    def set_job_seconds(self, seconds: float) -> None:
        """How long new IMS image jobs and ECS jobs take (running jobs keep their own duration)."""
        for project in self.projects.values():
            project.ims.job_seconds = seconds
            project.ecs.job_seconds = seconds

    def set_delete_seconds(self, seconds: float) -> None:
        """How long new image deletions and ECS delete jobs take (running ones keep their own)."""
        for project in self.projects.values():
            project.ims.delete_seconds = seconds
            project.ecs.delete_seconds = seconds

    def set_credentials(self, access_key: str, secret_key: str) -> None:
        """The default project's keys (the other projects keep theirs)."""
        self.credentials = Credentials(access_key, secret_key)
        self.projects[self.config.project_id].credentials = self.credentials

    def flush(self) -> None:
        with self.lock:
            self.store.save(self.state)

    # ---- WSGI ------------------------------------------------------------------------------------
    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        request_id = uuid.uuid4().hex
        try:
            reply = self._handle(request, request_id)
        except DropConnectionError:
            sock = environ.get("werkzeug.socket")
            if isinstance(sock, socket.socket):
                sock.shutdown(socket.SHUT_RDWR)
            reply = Reply(500)  # never reaches the client: the socket is already shut down
        except SimError as err:
            reply = Reply(err.status, err.body(request_id))
        except Exception:  # the server must keep serving; the traceback goes to stderr only
            where = f"{request.method} {request.path} (request {request_id})"
            print(
                f"simulator: internal error on {where}:\n{traceback.format_exc()}",
                file=sys.stderr,
                flush=True,
            )
            message = "internal simulator error; see the simulator's stderr"
            reply = Reply(500, {"error_code": "SIM.0500", "error_msg": message, "request_id": request_id})
        response = Response(status=reply.status)
        if reply.body is not None:
            response.set_data(json.dumps(reply.body, ensure_ascii=False).encode("utf-8"))
            response.headers["Content-Type"] = "application/json;charset=UTF-8"
        for key, value in reply.headers.items():
            response.headers[key] = value
        response.headers["X-Request-Id"] = request_id
        return response(environ, start_response)

    def _handle(self, request: Request, request_id: str) -> Reply:
        path = request.path
        if path == control.PREFIX or path.startswith(control.PREFIX + "/"):
            return self._dispatch(self._sim, request, request_id)
        project = self._signer(request)
        return self._dispatch(self._tables[project.project_id], request, request_id, project=project)

    def _signer(self, request: Request) -> projects.Project:
        """The project whose access key signed the request (the default one for an unknown key, whose
        signature check then fails as the gateway's does)."""
        found = _ACCESS_RE.search(request.headers.get("Authorization", ""))
        for project in self.projects.values():
            if found and found.group(1) == project.credentials.access_key:
                return project
        return self.projects[self.config.project_id]

    def _dispatch(
        self,
        table: list[tuple[Route, Handler]],
        request: Request,
        request_id: str,
        *,
        project: projects.Project | None = None,
    ) -> Reply:
        cloud = project is not None
        path, method = request.path, request.method.upper()
        found = _match(table, method, path)
        if found is None:
            self._drain(request)
            raise api_not_found(method, path)
        route, handler, params = found
        if route.aliases and "job_id" in params:
            with self.lock:  # GET /v1/{project_id}/jobs/{job_id}: count an ECS job as ecs.show_job
                if self.ecs.find_job(params["job_id"]) is not None:
                    route = replace(route, name="ecs.show_job")
        if route.body_names:  # the operation (and its call-count name) depends on the body
            try:
                body = self._read_body(request)
            except SimError:
                if cloud:  # a refused body (e.g. oversized) is still a call of this route
                    self._gateway(route.name, request)
                raise
            if cloud:
                self._gateway(route.name_for(body), request)
        else:
            if cloud:
                self._gateway(route.name, request)
            body = self._read_body(request)
        query = [(k, v) for k, values in request.args.lists() for v in values]
        headers = {key.lower(): value for key, value in request.headers.items()}
        sim_request = SimRequest(method, path, query, headers, body, request_id)
        if project is not None:
            verify(
                method=method,
                path=path,
                query=query,
                headers=headers,
                body=body,
                credentials=project.credentials,
            )
            self._check_project(request, params, project.project_id)
        with self.lock:
            now = clock.now()
            progressed = False
            for each in self.projects.values():
                progressed = each.ims.advance(now) or progressed
                progressed = each.ecs.advance(now) or progressed
            try:
                return handler(sim_request, params)
            finally:
                # Serialising the whole state costs milliseconds under the lock, so only a write method
                # (even a failed one: it may have changed something first) or job progress saves it.
                # GET handlers only read; job progress is time-based and recomputed after a reload anyway.
                if progressed or method in control.MUTATING:
                    self.store.save(self.state)

    def _gateway(self, route_name: str, request: Request) -> None:
        """Call counting, injected faults and rate limits, as the API gateway would apply them."""
        with self.lock:
            self.control.record(route_name, request.method.upper())
            fault = self.control.take_fault(route_name)
            limit = self.control.over_limit(route_name) if fault is None else None
        if fault is not None:
            if fault.kind == "slow":
                time.sleep(fault.delay_seconds)
            elif fault.kind == "drop":
                raise DropConnectionError()
            elif fault.kind == "throttle":
                self._drain(request)
                raise throttled(self.control.limits.get(route_name, self.control.limits.get("*", 10.0)))
            else:
                self._drain(request)
                raise GatewayError(
                    f"SIM.{fault.status}",
                    f"simulated error {fault.status} injected by the control API",
                    status=fault.status,
                )
        if limit is not None:
            self._drain(request)
            raise throttled(limit)

    def _check_project(self, request: Request, params: dict[str, str], project: str) -> None:
        header = request.headers.get("X-Project-Id")
        if "project_id" in params and params["project_id"] != project:
            # unconfirmed: the exact answer to a project id outside the account; 403 from the gateway.
            raise GatewayError(
                "APIG.0302",
                f"The project {params['project_id']} in the URL is not accessible with these credentials",
                status=403,
            )
        if header is not None and header != project:
            raise GatewayError(
                "APIG.0302",
                f"The project {header} in X-Project-Id is not accessible with these credentials",
                status=403,
            )
        if "project_id" not in params and header is None:
            # IMS URLs without a project: the project comes from X-Project-Id, which the SDK adds
            # (https://github.com/huaweicloud/huaweicloud-sdk-python-v3/blob/master/huaweicloud-sdk-core/huaweicloudsdkcore/auth/credentials.py).
            raise auth_failed("X-Project-Id is required for this API; sign the request with a project id")

    @staticmethod
    def _drain(request: Request) -> None:
        remaining = DRAIN_LIMIT
        while remaining > 0:
            chunk = request.stream.read(min(65536, remaining))
            if not chunk:
                return
            remaining -= len(chunk)

    def _read_body(self, request: Request) -> bytes:
        length = request.content_length
        if length is not None and length > MAX_BODY:
            self._drain(request)
            raise body_too_large(length, MAX_BODY)
        body = request.stream.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            self._drain(request)
            raise body_too_large(len(body), MAX_BODY)
        return body


def _match(
    table: list[tuple[Route, Handler]], method: str, path: str
) -> tuple[Route, Handler, dict[str, str]] | None:
    for route, handler in table:
        if route.method != method:
            continue
        found = route.pattern.match(path)
        if found is not None:
            return route, handler, found.groupdict()
    return None


def create_app(config: Config) -> Simulator:
    return Simulator(config)


__all__ = ["Config", "Simulator", "create_app"]
