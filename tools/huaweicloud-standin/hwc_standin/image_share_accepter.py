"""STAND-IN `huaweicloud:Ims/imageShareAccepter:ImageShareAccepter` (tests/demo only).

Source followed: terraform-provider-huaweicloud
`huaweicloud/services/ims/resource_huaweicloud_images_image_share_accepter.go` and its docs ("Creating
resource means accepting shared image, while destroying resource means rejecting shared image"): create and
delete call `PUT /v1/cloudimages/members` in the ACCEPTING project (this provider's credentials) with
`{"images": [image_id], "project_id": <own project>, "status": "accepted"|"rejected", "vault_id": ...}` and
wait for the IMS job (API: https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0625.html; vault_id is
mandatory to accept a full-ECS image made from a CBR backup). The ID is the image ID; read checks that the
image is still visible to this project (`GET /v2/cloudimages?id=`).
"""

from __future__ import annotations

from typing import Any

from hwc_standin.api import Client
from hwc_standin.image_share import members_job, outputs


def _reply(client: Client, image_id: str, status: str, vault_id: str | None) -> None:
    body: dict[str, Any] = {"images": [image_id], "project_id": client.settings.project_id, "status": status}
    if vault_id:
        body["vault_id"] = vault_id
    verb = "accepting" if status == "accepted" else "rejecting"
    members_job(client, "PUT", body, "IMS image share accepter", f"{verb} shared IMS image {image_id}")


def create(client: Client, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    image_id = str(inputs["imageId"])
    _reply(client, image_id, "accepted", inputs.get("vaultId"))
    return image_id, outputs(client, inputs)


def read(client: Client, image_id: str, props: dict[str, Any]) -> dict[str, Any] | None:
    listed = client.call("GET", "ims", f"v2/cloudimages?id={image_id}") or {}
    return props if listed.get("images") else None


def delete(client: Client, image_id: str, props: dict[str, Any]) -> None:
    _reply(client, image_id, "rejected", props.get("vaultId"))
