"""STAND-IN `huaweicloud:Ims/imageShare:ImageShare` (tests/demo only).

Source followed: terraform-provider-huaweicloud
`huaweicloud/services/ims/resource_huaweicloud_images_image_share.go`:
create/update/delete call `POST|DELETE /v1/cloudimages/members` with `{"images": [id], "projects": [...]}`
and wait on the IMS job `GET /v1/{project_id}/jobs/{job_id}`; the ID is the source image ID; Read does
nothing (the state is kept as it is).
"""

from __future__ import annotations

from typing import Any

from hwc_standin.api import ApiError, Client

TIMEOUT = 5 * 60.0  # Terraform's default create/delete timeout for this resource


def members_job(client: Client, method: str, body: dict[str, Any], resource: str, doing: str) -> None:
    """One `/v1/cloudimages/members` call, then its IMS job: shared by the share and the share
    accepter, as the Terraform provider shares waitForImageShareOrAcceptJobSuccess."""
    answer = client.call(method, "ims", "v1/cloudimages/members", body) or {}
    job_id = answer.get("job_id")
    if not job_id:
        raise ApiError(f"unable to find the job ID of the {resource} from the API response")
    client.wait_job("ims", str(job_id), TIMEOUT, doing)


def _members(client: Client, method: str, image_id: str, projects: list[str]) -> None:
    """dealImageMembers: one members call, then its job."""
    verb = "creating" if method == "POST" else "deleting"
    body = {"images": [image_id], "projects": projects}
    members_job(client, method, body, "IMS image share", f"{verb} IMS image share of {image_id}")


def outputs(client: Client, inputs: dict[str, Any]) -> dict[str, Any]:
    return {**inputs, "region": inputs.get("region") or client.settings.region}


def create(client: Client, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    image_id = str(inputs["sourceImageId"])
    _members(client, "POST", image_id, list(inputs.get("targetProjectIds") or []))
    return image_id, outputs(client, inputs)


def update(client: Client, image_id: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    old = set(olds.get("targetProjectIds") or [])
    new = set(news.get("targetProjectIds") or [])
    if new - old:
        _members(client, "POST", image_id, sorted(new - old))
    if old - new:
        _members(client, "DELETE", image_id, sorted(old - new))
    return outputs(client, news)


def delete(client: Client, image_id: str, props: dict[str, Any]) -> None:
    _members(client, "DELETE", image_id, list(props.get("targetProjectIds") or []))
