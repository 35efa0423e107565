"""IMS handlers: parse the request, call the backend, serialise. Rules live in models.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from simulator import clock
from simulator.ims import exceptions as exc
from simulator.ims import members
from simulator.ims.models import ImsBackend
from simulator.ims.records import CreateWholeImage, PatchOp, legacy_tag, normalise_tag
from simulator.wire import Reply, SimRequest

CREATE_FIELDS = {
    "name",
    "description",
    "backup_id",
    "whole_image_type",
    "tags",
    "image_tags",
    "enterprise_project_id",
    "min_ram",
    "max_ram",
    "instance_id",
    "vault_id",
}
PATCH_TYPES = ("application/json", "application/openstack-images-v2.1-json-patch")


def _object(req: SimRequest, *, allow_empty: bool = False) -> dict[str, Any]:
    if not req.body.strip() and not allow_empty:
        raise exc.EmptyBodyError()
    data = req.json_body(exc.MalformedRequestError, allow_empty=allow_empty)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise exc.MalformedRequestError("the request body must be a JSON object")
    return data


TYPE_WORDS = {str: "a string", int: "an integer", bool: "a boolean", list: "a list", dict: "an object"}


def _optional(data: dict[str, Any], key: str, kind: type) -> Any:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise exc.MalformedRequestError(f"field '{key}' must be {TYPE_WORDS.get(kind, kind.__name__)}")
    return value


def _tag_list(raw: Any, field: str, *, for_delete: bool = False) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise exc.MalformedRequestError(f"field '{field}' must be a list of {{key, value}} objects")
    tags = []
    for item in raw:
        # ResourceTag/TagKeyValue (https://support.huaweicloud.com/eu/api-ims/ims_03_0617.html): key and value
        # are both mandatory; an empty string is a valid value, a missing one is not.
        if not isinstance(item, dict) or set(item) != {"key", "value"}:
            raise exc.MalformedRequestError(
                f"each entry of '{field}' must be an object with both 'key' and 'value' (value may be '')"
            )
        tags.append(normalise_tag(item["key"], item["value"], for_delete=for_delete))
    return tags


class JobLike(Protocol):
    def to_api(self) -> dict[str, Any]: ...


class ImsResponses:
    def __init__(self, backend: ImsBackend, *, other_jobs: Callable[[str], JobLike | None]) -> None:
        self.backend = backend
        # ECS answers GET /v1/{project_id}/jobs/{job_id} too (same path on its own endpoint). On the
        # simulator's single base URL this route serves both, so ECS jobs are looked up here.
        self.other_jobs = other_jobs

    def create_whole_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        unknown = sorted(set(data) - CREATE_FIELDS)
        if unknown:
            # Assumption: IMS validates its body strictly; unknown fields are rejected, not ignored.
            raise exc.MalformedRequestError(f"unknown field(s) {unknown}")
        # The official Go SDK always sends "instance_id": "" beside backup_id (CreateWholeImageRequestBody
        # has no omitempty on it), and the cloud takes that: an empty instance_id means "none".
        if data.get("instance_id") not in (None, "") or data.get("vault_id") is not None:
            raise exc.MalformedRequestError(
                "creating a full-ECS image from an ECS (instance_id) is not simulated"
            )
        if "name" not in data or data["name"] is None:
            raise exc.NameMissingError()
        name = _optional(data, "name", str)
        backup_id = _optional(data, "backup_id", str)
        if not backup_id:
            raise exc.BackupIdMissingError()
        # OTC copy: whole_image_type defaults to CSBS when omitted (unconfirmed on Huawei Cloud).
        whole_image_type = _optional(data, "whole_image_type", str) or "CSBS"
        if whole_image_type not in ("CSBS", "CBR"):
            raise exc.MalformedRequestError(f"whole_image_type must be CSBS or CBR, got '{whole_image_type}'")
        if data.get("tags") is not None and data.get("image_tags") is not None:
            raise exc.MalformedRequestError("use either 'tags' or 'image_tags', not both")
        if data.get("tags") is not None:
            legacy = data["tags"]
            if not isinstance(legacy, list) or not all(isinstance(t, str) for t in legacy):
                raise exc.MalformedRequestError("field 'tags' must be a list of 'key.value' strings")
            tags = [legacy_tag(t) for t in legacy]
        else:
            tags = _tag_list(data.get("image_tags") or [], "image_tags")
        min_ram = _optional(data, "min_ram", int) or 0
        max_ram = _optional(data, "max_ram", int)
        for key, value in (("min_ram", min_ram), ("max_ram", max_ram)):
            if value is not None and value < 0:
                raise exc.MalformedRequestError(f"field '{key}' must not be negative")
        spec = CreateWholeImage(
            name=name,
            backup_id=backup_id,
            whole_image_type=whole_image_type,
            description=_optional(data, "description", str),
            tags=tags,
            enterprise_project_id=_optional(data, "enterprise_project_id", str) or "0",
            min_ram=min_ram,
            max_ram=max_ram,
        )
        job = self.backend.create_whole_image(spec, clock.now())
        return Reply(200, {"job_id": job.id})

    def show_job(self, req: SimRequest, params: dict[str, str]) -> Reply:
        other = self.other_jobs(params["job_id"])
        if other is not None:
            return Reply(200, other.to_api())
        return Reply(200, self.backend.get_job(params["job_id"]).to_api())

    def show_job_progress(self, req: SimRequest, params: dict[str, str]) -> Reply:
        return Reply(200, self.backend.get_job(params["job_id"]).to_api(progress_at=clock.now()))

    def list_images(self, req: SimRequest, params: dict[str, str]) -> Reply:
        query = {key: req.arg(key) for key, _ in req.query}
        return Reply(200, {"images": [i.to_api() for i in self.backend.list_images(query)]})

    def glance_show_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        return Reply(200, self.backend.visible_image(params["image_id"]).to_api())

    def update_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        content_type = (req.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type not in PATCH_TYPES:
            raise exc.ImsError(
                "IMG.0001",
                f"The request message format is invalid: Content-Type '{content_type}' is not one of "
                f"{', '.join(PATCH_TYPES)}.",
                status=415,
            )
        data = req.json_body(exc.MalformedRequestError)
        if not isinstance(data, list) or not data:
            raise exc.MalformedRequestError("the body must be a non-empty JSON array of patch operations")
        ops = []
        for item in data:
            if not isinstance(item, dict) or set(item) - {"op", "path", "value"}:
                raise exc.MalformedRequestError(
                    "each patch operation must be an object with op, path and value"
                )
            if not isinstance(item.get("op"), str) or not isinstance(item.get("path"), str):
                raise exc.MalformedRequestError("patch 'op' and 'path' must be strings")
            if item["op"] != "remove" and "value" not in item:
                raise exc.MalformedRequestError(f"patch operation on '{item['path']}' needs a value")
            ops.append(PatchOp(item["op"], item["path"], item.get("value")))
        image = self.backend.update_image(params["image_id"], ops, clock.now())
        return Reply(200, image.to_api())

    def delete_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req, allow_empty=True)
        unknown = sorted(set(data) - {"delete_backup"})
        if unknown:
            raise exc.MalformedRequestError(f"unknown field(s) {unknown}")
        delete_backup = data.get("delete_backup", False)
        if not isinstance(delete_backup, bool):
            raise exc.MalformedRequestError("field 'delete_backup' must be a boolean")
        self.backend.delete_image(params["image_id"], delete_backup=delete_backup, now=clock.now())
        return Reply(204)

    def list_image_tags(self, req: SimRequest, params: dict[str, str]) -> Reply:
        return Reply(200, {"tags": self.backend.list_tags(params["image_id"])})

    def batch_image_tags(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        if set(data) - {"action", "tags"}:
            raise exc.MalformedRequestError(f"unknown field(s) {sorted(set(data) - {'action', 'tags'})}")
        action = data.get("action")
        # case-sensitive (https://support.huaweicloud.com/eu/api-ims/ims_03_0617.html)
        if action not in ("create", "delete"):
            raise exc.MalformedRequestError(f"action must be 'create' or 'delete', got {action!r}")
        tags = _tag_list(data.get("tags"), "tags", for_delete=action == "delete")
        if not tags:
            raise exc.MalformedRequestError("field 'tags' must not be empty")
        self.backend.batch_tags(params["image_id"], action, tags)
        return Reply(204)

    def add_image_tag(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        if set(data) != {"tag"}:
            raise exc.MalformedRequestError('the body must be {"tag": {"key": ..., "value": ...}}')
        tag = _tag_list([data["tag"]], "tag")[0]
        self.backend.add_tag(params["image_id"], tag)
        return Reply(204)

    def delete_image_tag(self, req: SimRequest, params: dict[str, str]) -> Reply:
        normalise_tag(params["key"], "", for_delete=True)
        self.backend.delete_tag(params["image_id"], params["key"])
        return Reply(204)

    def share_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        images, projects = members.parse_body(_object(req))
        job = self.backend.member_job("add", images, projects, clock.now())
        return Reply(200, {"job_id": job.id})

    def unshare_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        images, projects = members.parse_body(_object(req))
        job = self.backend.member_job("delete", images, projects, clock.now())
        return Reply(200, {"job_id": job.id})

    def update_image_members(self, req: SimRequest, params: dict[str, str]) -> Reply:
        images, project, status, vault_id = members.parse_reply(_object(req))
        job = self.backend.reply_job(images, project, status, vault_id, clock.now())
        return Reply(200, {"job_id": job.id})

    def add_image_member(self, req: SimRequest, params: dict[str, str]) -> Reply:
        data = _object(req)
        member = data.get("member")
        if set(data) != {"member"} or not isinstance(member, str) or not members.PROJECT_RE.match(member):
            raise exc.MalformedRequestError('the body must be {"member": project id (32 hex characters)}')
        image = self.backend.add_member(params["image_id"], member)
        now = clock.iso_z(clock.now())
        return Reply(
            200,
            {
                "member_id": member,
                "image_id": image.id,
                "status": "pending",
                "created_at": now,
                "updated_at": now,
                "schema": "/v2/schemas/member",
            },
        )

    def export_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        self.backend.export_image(params["image_id"])
        return Reply(200)  # unreachable: full-ECS images cannot be exported

    def copy_image(self, req: SimRequest, params: dict[str, str]) -> Reply:
        self.backend.copy_image(params["image_id"])
        return Reply(200)  # unreachable: full-ECS images cannot be replicated
