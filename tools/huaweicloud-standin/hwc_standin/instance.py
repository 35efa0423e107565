"""STAND-IN `huaweicloud:Ecs/instance:Instance` (tests/demo only): the ECS calls Terraform makes.

Source followed: terraform-provider-huaweicloud
`huaweicloud/services/ecs/resource_huaweicloud_compute_instance.go`
(resourceComputeInstanceCreate/Read/Update/Delete, buildInstanceRootVolume, buildInstanceDataVolumes,
buildInstanceNicsRequest, getVpcID) and golangsdk `openstack/ecs/v1/cloudservers/requests.go` (JSON names).
Stand-in simplifications: postPaid only (no BSS orders); the VPC subnet lookup for `vpcid` runs only when
a `vpc` endpoint is configured (the simulator has no VPC service); block_device (pci_address) and port
lookups are skipped; Update changes only name/description (others fail clearly) and state-only flags.
"""

from __future__ import annotations

import os
import time
from typing import Any

from hwc_standin.api import ApiError, Client
from hwc_standin.ecs_body import create_body, drop_empty
from hwc_standin.schema import UNKNOWN

TIMEOUT = 30 * 60.0  # Terraform's default create/update/delete timeout for this resource
_STATE_ONLY = {"stopBeforeDestroy", "deleteDisksOnTermination", "deleteEipOnTermination", "privateKey"}
_UPDATABLE = {"name", "description"} | _STATE_ONLY


def computed_unknowns(inputs: dict[str, Any]) -> dict[str, Any]:
    """Preview outputs: the inputs, with what only the cloud can tell left unknown."""
    computed = ("accessIpV4", "accessIpV6", "publicIp", "status", "systemDiskId", "volumeAttacheds")
    return {**inputs, **dict.fromkeys(computed, UNKNOWN), "createdAt": UNKNOWN, "updatedAt": UNKNOWN}


def create(client: Client, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if inputs.get("chargingMode") == "prePaid":
        raise ApiError("the huaweicloud stand-in does not support chargingMode prePaid (no BSS orders)")
    image_id = inputs.get("imageId") or _image_id_by_name(client, str(inputs.get("imageName") or ""))
    body = create_body(
        {**inputs, "imageId": image_id}, client.settings.enterprise_project_id, _vpc_id(client, inputs)
    )
    # postPaid: cloudservers.Create with the v1.1 client, then WaitForJobSuccess / GetJobEntity(server_id).
    created = client.call("POST", "ecs", "v1.1/{project_id}/cloudservers", body)
    job = client.wait_job("ecs", created["job_id"], TIMEOUT, f"server {inputs.get('name')!r} to be created")
    sub_jobs = (job.get("entities") or {}).get("sub_jobs") or []
    server_id = next(
        (s["entities"]["server_id"] for s in sub_jobs if (s.get("entities") or {}).get("server_id")),
        (created.get("serverIds") or [None])[0],
    )
    if not server_id:
        raise ApiError(f"error creating server: job {created['job_id']} names no server_id")
    outputs = read(client, server_id, inputs)
    if outputs is None:
        raise ApiError(f"error creating server: server {server_id} not found after its job succeeded")
    return server_id, outputs


def _vpc_id(client: Client, inputs: dict[str, Any]) -> str:
    """getVpcID: the first network's subnet, `GET /v1/{project_id}/subnets/{subnet_id}` -> subnet.vpc_id.

    Stand-in only: without a `vpc` endpoint in `huaweicloud:endpoints` (the simulator has no VPC service)
    the VPC ID comes from $HWC_STANDIN_VPC_ID instead of a call to the public VPC endpoint.
    """
    networks = inputs.get("networks") or []
    subnet_id = networks[0].get("uuid") if networks else None
    if not subnet_id:
        raise ApiError("network ID should not be empty")
    if "vpc" in client.settings.endpoints:
        subnet = client.call("GET", "vpc", f"v1/{{project_id}}/subnets/{subnet_id}")
        return str(subnet["subnet"]["vpc_id"])
    vpc_id = os.environ.get("HWC_STANDIN_VPC_ID", "")
    if not vpc_id:
        raise ApiError(
            "the huaweicloud stand-in needs a `vpc` endpoint in huaweicloud:endpoints (to look up the VPC of "
            f"subnet {subnet_id}) or the VPC ID in $HWC_STANDIN_VPC_ID"
        )
    return vpc_id


def _image_id_by_name(client: Client, name: str) -> str:
    """getImageIDFromConfig: `GET /v2/cloudimages?name=...&limit=1`."""
    images = client.call("GET", "ims", f"v2/cloudimages?name={name}&limit=1").get("images") or []
    if not images or images[0].get("name") != name:
        raise ApiError(f"unable to find images {name!r}: Maybe not existed")
    return str(images[0]["id"])


def read(client: Client, server_id: str, inputs: dict[str, Any]) -> dict[str, Any] | None:
    """resourceComputeInstanceRead; None when the server is gone (404 or DELETED)."""
    server = _get_server(client, server_id)
    if server is None:
        return None
    out = dict(inputs)
    flavor = server.get("flavor") or {}
    out.update(
        region=client.settings.region,
        name=server.get("name"),
        status=server.get("status"),
        availabilityZone=server.get("OS-EXT-AZ:availability_zone"),
        enterpriseProjectId=server.get("enterprise_project_id"),
        description=server.get("description") or inputs.get("description") or "",
        flavorId=flavor.get("id"),
        flavorName=flavor.get("name"),
        imageId=(server.get("image") or {}).get("id"),
        createdAt=server.get("created"),
        updatedAt=server.get("updated"),
        chargingMode=inputs.get("chargingMode") or "postPaid",
        securityGroupIds=[g["id"] for g in server.get("security_groups") or [] if "id" in g]
        or inputs.get("securityGroupIds")
        or [],
    )
    out["imageName"] = _image_name(client, str(out["imageId"]))
    if server.get("key_name"):
        out["keyPair"] = server["key_name"]
    fixed = [
        a
        for addresses in (server.get("addresses") or {}).values()
        for a in addresses
        if a.get("OS-EXT-IPS:type", "fixed") == "fixed" and a.get("version") in (4, "4")
    ]
    out["networks"] = [
        {
            **n,
            "fixedIpV4": fixed[i]["addr"] if i < len(fixed) else n.get("fixedIpV4", ""),
            "mac": fixed[i].get("OS-EXT-IPS-MAC:mac_addr", "") if i < len(fixed) else "",
            "port": fixed[i].get("OS-EXT-IPS:port_id", "") if i < len(fixed) else "",
        }
        for i, n in enumerate(inputs.get("networks") or [])
    ]
    out["accessIpV4"] = server.get("accessIPv4") or (
        out["networks"][0]["fixedIpV4"] if out["networks"] else ""
    )
    out["accessIpV6"] = server.get("accessIPv6") or ""
    out["publicIp"] = next(
        (
            a["addr"]
            for addresses in (server.get("addresses") or {}).values()
            for a in addresses
            if a.get("OS-EXT-IPS:type") == "floating"
        ),
        "",
    )
    out["volumeAttacheds"] = []
    for attached in server.get("os-extended-volumes:volumes_attached") or []:
        volume = client.call("GET", "evs", f"v2/{{project_id}}/cloudvolumes/{attached['id']}")["volume"]
        boot_index = int(attached.get("bootIndex") or -1)  # block_device's boot_index, here from the server
        out["volumeAttacheds"].append(
            {
                "volumeId": attached["id"],
                "bootIndex": boot_index,
                "size": volume.get("size"),
                "type": volume.get("volume_type"),
                "pciAddress": "",
                "kmsKeyId": (volume.get("metadata") or {}).get("__system__cmkid", ""),
            }
        )
        if boot_index == 0:
            out.update(systemDiskId=attached["id"], systemDiskSize=volume.get("size"))
            out["systemDiskType"] = volume.get("volume_type")
    out.setdefault("deleteEipOnTermination", True)
    out.setdefault("stopBeforeDestroy", False)
    return out


def _get_server(client: Client, server_id: str) -> dict[str, Any] | None:
    """`GET /v1/{project_id}/cloudservers/{id}`; None on 404 or DELETED/SOFT_DELETED
    (ServerV1StateRefreshFunc)."""
    try:
        server: dict[str, Any] = client.call("GET", "ecs", f"v1/{{project_id}}/cloudservers/{server_id}")[
            "server"
        ]
    except ApiError as error:
        if error.status == 404:
            return None
        raise
    return None if server.get("status") in ("DELETED", "SOFT_DELETED") else server


def _image_name(client: Client, image_id: str) -> str:
    """setImageInformation: "Image not found" when the image is gone."""
    try:
        images = client.call("GET", "ims", f"v2/cloudimages?id={image_id}&limit=1").get("images") or []
    except ApiError:
        return "Image not found"
    return str(images[0].get("name")) if images else "Image not found"


def update(
    client: Client, server_id: str, olds: dict[str, Any], news: dict[str, Any], changed: list[str]
) -> dict[str, Any]:
    unsupported = sorted(set(changed) - _UPDATABLE)
    if unsupported:
        raise ApiError(
            f"the huaweicloud stand-in cannot update {unsupported} in place (only name/description)"
        )
    if {"name", "description"} & set(changed):
        body = {"server": drop_empty({"name": news.get("name"), "description": news.get("description")})}
        client.call("PUT", "ecs", f"v1/{{project_id}}/cloudservers/{server_id}", body)
    outputs = read(client, server_id, news)
    if outputs is None:
        raise ApiError(f"error updating server {server_id}: it no longer exists")
    return outputs


def delete(client: Client, server_id: str, props: dict[str, Any]) -> None:
    """postPaid delete: POST cloudservers/delete, wait for the job, then for the server to be gone."""
    if _get_server(client, server_id) is None:  # already gone: nothing to delete (stand-in shortcut)
        return
    # cloudservers.DeleteOpts: both flags are `omitempty`, so only a true one is sent.
    body: dict[str, Any] = {"servers": [{"id": server_id}]}
    if props.get("deleteEipOnTermination", True) is not False:  # Terraform default: true
        body["delete_publicip"] = True
    if props.get("deleteDisksOnTermination"):
        body["delete_volume"] = True
    job = client.call("POST", "ecs", "v1/{project_id}/cloudservers/delete", body)
    client.wait_job("ecs", job["job_id"], TIMEOUT, f"server {server_id} to be deleted")
    deadline = time.monotonic() + TIMEOUT  # "Instance may still exist after Order/Job succeed."
    while _get_server(client, server_id) is not None:
        if time.monotonic() > deadline:
            raise ApiError(f"error waiting for server {server_id} to be deleted")
        client.sleep(client.poll_seconds)
