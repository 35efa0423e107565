"""IMS image sharing (members), as Terraform's huaweicloud_images_image_share uses it.

Routes (the resource's `// @API` lines, terraform-provider-huaweicloud
huaweicloud/services/ims/resource_huaweicloud_images_image_share.go,
https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/huaweicloud/services/ims/resource_huaweicloud_images_image_share.go):
POST and DELETE /v1/cloudimages/members with {"images": [...], "projects": [...]} answer {"job_id"},
then GET /v1/{project_id}/jobs/{job_id} until SUCCESS. The members change when the job finishes.

Rules (https://support.huaweicloud.com/intl/tr-tr/api-ims/ims_03_0607.html,
https://support.huaweicloud.com/intl/tr-tr/usermanual-ims/ims_01_0218.html):
only full-ECS images made from CBR backups can be shared (CSBS-based: IMG.0135), with at most 10
projects. A member added by sharing is "pending" until the other project accepts it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from simulator.ims import exceptions as exc

if TYPE_CHECKING:
    from simulator.ims.records import Image

MAX_MEMBERS = 10
# unconfirmed: the job_type strings of the member jobs.
JOB_TYPES = {"add": "imsBatchAddMembersJob", "delete": "imsBatchDeleteMembersJob"}
PROJECT_RE = re.compile(r"^[0-9a-f]{32}$")  # Huawei Cloud project ids: 32 lower-case hex characters


def parse_body(data: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(image ids, project ids) of a batch add/delete body (huaweicloudsdkims BatchAddMembersRequestBody)."""
    unknown = sorted(set(data) - {"images", "projects", "domains", "organizations"})
    if unknown:
        raise exc.MalformedRequestError(f"unknown field(s) {unknown}")
    images, projects = data.get("images"), data.get("projects")
    if not isinstance(images, list) or not images or not all(isinstance(i, str) and i for i in images):
        raise exc.MalformedRequestError("field 'images' must be a non-empty list of image ids")
    if data.get("domains") or data.get("organizations"):
        # Sharing with accounts or organizations exists in the SDK model but is not simulated.
        raise exc.MalformedRequestError("sharing with 'domains' or 'organizations' is not simulated")
    if not isinstance(projects, list) or not projects or not all(isinstance(p, str) for p in projects):
        raise exc.MalformedRequestError("field 'projects' must be a non-empty list of project ids")
    if len(projects) > MAX_MEMBERS:
        raise exc.MalformedRequestError(f"an image can be shared with at most {MAX_MEMBERS} projects")
    for project in projects:
        if not PROJECT_RE.match(project):
            raise exc.MalformedRequestError(f"'{project}' is not a project id (32 hexadecimal characters)")
    if len(set(images)) != len(images) or len(set(projects)) != len(projects):
        raise exc.MalformedRequestError("fields 'images' and 'projects' must not repeat an id")
    return list(images), list(projects)


def check_shareable(image: Image) -> None:
    if image.source != "CBR":
        raise exc.ShareRefusedError(image.id)
    if image.status != "active":
        raise exc.ImageNotActiveError(image.id, image.status)


def check_add(images: list[Image], projects: list[str], owner: str) -> None:
    if owner in projects:
        raise exc.MalformedRequestError(f"an image cannot be shared with its own project {owner}")
    for image in images:
        check_shareable(image)
        total = {m["member_id"] for m in image.members} | set(projects)
        if len(total) > MAX_MEMBERS:
            raise exc.MalformedRequestError(
                f"image {image.id} would be shared with {len(total)} projects; at most {MAX_MEMBERS}"
            )


def apply(images: list[Image], action: str, projects: list[str]) -> None:
    """Add (idempotent: an existing member keeps its status) or remove (a non-member is ignored)."""
    for image in images:
        current = {m["member_id"] for m in image.members}
        if action == "add":
            image.members += [{"member_id": p, "status": "pending"} for p in projects if p not in current]
        else:
            image.members = [m for m in image.members if m["member_id"] not in projects]


# Replying to a share from the target project: PUT /v1/cloudimages/members
# (https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0625.html): images, project_id (the caller's),
# status accepted|rejected, vault_id (mandatory to accept a full-ECS image made from a CBR backup). An
# accepted image is listed in the target project and can make its ECSs; a rejected one is not listed.
REPLY_JOB_TYPE = "imsBatchUpdateMembersJob"  # unconfirmed: the job_type string
REPLY_STATUSES = ("accepted", "rejected")


def parse_reply(data: dict[str, Any]) -> tuple[list[str], str, str, str | None]:
    """(image ids, project id, status, vault id) of a reply body
    (huaweicloudsdkims BatchUpdateMembersRequestBody)."""
    unknown = sorted(set(data) - {"images", "project_id", "status", "vault_id"})
    if unknown:
        raise exc.MalformedRequestError(f"unknown field(s) {unknown}")
    images, project, status, vault = (data.get(k) for k in ("images", "project_id", "status", "vault_id"))
    if not isinstance(images, list) or not images or not all(isinstance(i, str) and i for i in images):
        raise exc.MalformedRequestError("field 'images' must be a non-empty list of image ids")
    if not isinstance(project, str) or not PROJECT_RE.match(project):
        raise exc.MalformedRequestError("field 'project_id' must be a project id (32 hexadecimal characters)")
    if status not in REPLY_STATUSES:
        raise exc.MalformedRequestError(f"field 'status' must be accepted or rejected, got {status!r}")
    if vault is not None and (not isinstance(vault, str) or not vault):
        raise exc.MalformedRequestError("field 'vault_id' must be a vault id")
    return list(images), project, str(status), vault


def reply(images: list[Image], project: str, status: str) -> None:
    for image in images:
        for member in image.members:
            if member["member_id"] == project:
                member["status"] = status
