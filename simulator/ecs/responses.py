"""ECS handlers."""

from __future__ import annotations

from typing import Any

from simulator import clock
from simulator.ecs import create_request
from simulator.ecs.exceptions import InvalidParameterError
from simulator.ecs.models import Server
from simulator.ecs.servers import EcsBackend
from simulator.evs.models import Volume
from simulator.wire import Reply, SimRequest

# Batch action body key -> action (huaweicloudsdkecs BatchStart/Stop/RebootServersRequestBody).
BATCH_ACTIONS = {"os-start": "start", "os-stop": "stop", "reboot": "reboot"}
# Fields of os-change / os-reinstall (huaweicloudsdkecs ChangeServerOsWith[out]CloudInitOption,
# ReinstallServerWith[out]CloudInitOption).
CHANGE_OS_FIELDS = {"adminpass", "keyname", "userid", "imageid", "metadata", "mode", "is_auto_pay"}
REINSTALL_FIELDS = {"adminpass", "keyname", "userid", "metadata", "mode"}


def _body_object(req: SimRequest) -> dict[str, Any]:
    data = req.json_body(InvalidParameterError)
    if not isinstance(data, dict):
        raise InvalidParameterError("the request body must be a JSON object")
    return data


def _single_key(data: dict[str, Any], allowed: set[str] | dict[str, str]) -> tuple[str, dict[str, Any]]:
    if len(data) != 1 or next(iter(data)) not in allowed:
        raise InvalidParameterError(
            f"the body must have exactly one of {sorted(allowed)}, got {sorted(data)}"
        )
    key, value = next(iter(data.items()))
    if not isinstance(value, dict):
        raise InvalidParameterError(f"'{key}' must be an object")
    return key, value


def _os_option(option: dict[str, Any], key: str, fields: set[str]) -> bool:
    """Check an os-change/os-reinstall option; returns whether mode asks to stop the server first."""
    unknown = sorted(set(option) - fields)
    if unknown:
        raise InvalidParameterError(f"unknown field(s) in '{key}': {unknown}")
    credentials = [name for name in ("adminpass", "keyname") if option.get(name)]
    if len(credentials) != 1:
        raise InvalidParameterError(f"'{key}' needs exactly one of adminpass or keyname")
    for name in ("adminpass", "keyname", "userid", "mode", "imageid"):
        if name in option and not isinstance(option[name], str):
            raise InvalidParameterError(f"'{key}.{name}' must be a string")
    mode = option.get("mode")
    if mode not in (None, "withStopServer"):
        raise InvalidParameterError(f"'{key}.mode' must be \"withStopServer\" when given, got {mode!r}")
    return mode == "withStopServer"


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

    def batch_action(self, req: SimRequest, params: dict[str, str]) -> Reply:
        key, option = _single_key(_body_object(req), BATCH_ACTIONS)
        action = BATCH_ACTIONS[key]
        unknown = sorted(set(option) - {"servers", "type"})
        if unknown:
            raise InvalidParameterError(f"unknown field(s) in '{key}': {unknown}")
        kind = option.get("type")
        if action == "reboot" and kind is None:
            raise InvalidParameterError("'reboot.type' is required: SOFT or HARD")
        if action == "start" and kind is not None:
            raise InvalidParameterError("'os-start' takes no type")
        if kind is not None and kind not in ("SOFT", "HARD"):
            raise InvalidParameterError(f"'{key}.type' must be SOFT or HARD, got {kind!r}")
        servers = option.get("servers")
        if not isinstance(servers, list) or not all(
            isinstance(s, dict) and set(s) == {"id"} and isinstance(s["id"], str) for s in servers
        ):
            raise InvalidParameterError(f"'{key}.servers' must be a list of {{\"id\": server id}} objects")
        job = self.backend.batch_action(action, [s["id"] for s in servers], clock.now())
        return Reply(200, {"job_id": job.id})

    def change_os(self, req: SimRequest, params: dict[str, str]) -> Reply:
        key, option = _single_key(_body_object(req), {"os-change"})
        stop_first = _os_option(option, key, CHANGE_OS_FIELDS)
        image_id = option.get("imageid")
        if not image_id:
            raise InvalidParameterError("'os-change.imageid' is required")
        job = self.backend.change_os(params["server_id"], image_id, stop_first=stop_first, now=clock.now())
        return Reply(200, {"job_id": job.id})

    def reinstall_os(self, req: SimRequest, params: dict[str, str]) -> Reply:
        key, option = _single_key(_body_object(req), {"os-reinstall"})
        stop_first = _os_option(option, key, REINSTALL_FIELDS)
        job = self.backend.reinstall_os(params["server_id"], stop_first=stop_first, now=clock.now())
        return Reply(200, {"job_id": job.id})

    def create_servers(self, req: SimRequest, params: dict[str, str]) -> Reply:
        """POST /v1/{project_id}/cloudservers (pay-per-use) and /v1.1/ (also yearly/monthly)."""
        prepaid_api = params["version"] == "1.1"
        spec = create_request.parse(req.json_body(InvalidParameterError), prepaid_api=prepaid_api)
        created = self.backend.create_servers(spec, clock.now())
        if created.job is None:
            # dry_run answers 202 when the request is valid:
            # https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html
            return Reply(202)
        body: dict[str, object] = {"job_id": created.job.id, "serverIds": created.server_ids}
        if created.order_id is not None:
            body["order_id"] = created.order_id
        return Reply(200, body)

    def delete_servers(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _body_object(req)
        unknown = sorted(set(data) - {"servers", "delete_publicip", "delete_volume"})
        if unknown:
            raise InvalidParameterError(f"unknown field(s): {unknown}")
        for key in ("delete_publicip", "delete_volume"):
            if data.get(key) is not None and not isinstance(data[key], bool):
                raise InvalidParameterError(f"'{key}' must be a boolean")
        servers = data.get("servers")
        if not isinstance(servers, list) or not all(
            isinstance(s, dict) and set(s) == {"id"} and isinstance(s["id"], str) for s in servers
        ):
            raise InvalidParameterError("'servers' must be a list of {\"id\": server id} objects")
        if len(servers) > 1000:
            raise InvalidParameterError("at most 1000 servers can be deleted at once")
        job = self.backend.delete_servers(
            [s["id"] for s in servers], delete_volumes=bool(data.get("delete_volume")), now=clock.now()
        )
        return Reply(200, {"job_id": job.id})
