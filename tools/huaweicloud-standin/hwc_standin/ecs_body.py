"""STAND-IN huaweicloud provider (tests/demo only): the ECS create body built from Instance inputs.

As terraform-provider-huaweicloud `huaweicloud/services/ecs/resource_huaweicloud_compute_instance.go`
builds it (resourceComputeInstanceCreate, buildInstanceRootVolume, buildInstanceDataVolumes,
buildInstanceNicsRequest, buildInstanceSchedulerHints) with the JSON names of golangsdk
`openstack/ecs/v1/cloudservers/requests.go` (CreateOpts, RootVolume, DataVolume, Nic, ServerExtendParam).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

SYSTEM_DISK_TYPE = "GPSSD"  # Terraform's default when system_disk_type is not set


def _volume_metadata(kms_key_id: str | None) -> dict[str, str] | None:
    return {"__system__encrypted": "1", "__system__cmkid": kms_key_id} if kms_key_id else None


def drop_empty(value: dict[str, Any]) -> dict[str, Any]:
    """golangsdk omits zero values of `omitempty` fields."""
    return {k: v for k, v in value.items() if v not in (None, "", 0, [], {}, False)}


def create_body(inputs: dict[str, Any], settings_epid: str, vpc_id: str | None) -> dict[str, Any]:
    """`{"server": ...}` as cloudservers.CreateOpts.ToServerCreateMap builds it from the inputs."""
    root = drop_empty(
        {
            "volumetype": inputs.get("systemDiskType") or SYSTEM_DISK_TYPE,
            "size": inputs.get("systemDiskSize"),
            "iops": inputs.get("systemDiskIops"),
            "throughput": inputs.get("systemDiskThroughput"),
            "metadata": _volume_metadata(inputs.get("systemDiskKmsKeyId")),
            "cluster_type": "DSS" if inputs.get("systemDiskDssPoolId") else None,
            "cluster_id": inputs.get("systemDiskDssPoolId"),
        }
    )
    data_volumes = [
        {
            "size": disk.get("size") or 0,  # required: kept even when zero
            **drop_empty(
                {
                    "volumetype": disk.get("type"),
                    "iops": disk.get("iops"),
                    "throughput": disk.get("throughput"),
                    "extendparam": {"snapshotId": disk["snapshotId"]} if disk.get("snapshotId") else None,
                    "metadata": _volume_metadata(disk.get("kmsKeyId")),
                    "cluster_type": "DSS" if disk.get("dssPoolId") else None,
                    "cluster_id": disk.get("dssPoolId"),
                }
            ),
        }
        for disk in inputs.get("dataDisks") or []
    ]
    nics = [
        drop_empty(
            {"subnet_id": n.get("uuid"), "ip_address": n.get("fixedIpV4"), "ipv6_enable": n.get("ipv6Enable")}
        )
        for n in inputs.get("networks") or []
    ]
    extend = drop_empty(
        {
            "chargingMode": None,  # postPaid: Terraform sets chargingMode only for prePaid
            "marketType": "spot" if inputs.get("chargingMode") == "spot" else None,
            "spotPrice": inputs.get("spotMaximumPrice") if inputs.get("chargingMode") == "spot" else None,
            "enterprise_project_id": inputs.get("enterpriseProjectId") or settings_epid,
        }
    )
    metadata = drop_empty(
        {
            "op_svc_userid": inputs.get("userId"),
            "agency_name": inputs.get("agencyName"),
            "__support_agent_list": inputs.get("agentList"),
        }
    )
    hints = (inputs.get("schedulerHints") or [{}])[0]
    server = drop_empty(
        {
            "imageRef": inputs.get("imageId"),
            "flavorRef": inputs.get("flavorId") or inputs.get("flavorName"),
            "name": inputs.get("name"),
            "description": inputs.get("description"),
            "adminPass": inputs.get("adminPass"),
            "key_name": inputs.get("keyPair"),
            "vpcid": vpc_id,
            "nics": nics,
            "publicip": {"id": inputs["eipId"]} if inputs.get("eipId") else None,
            "root_volume": root,
            "data_volumes": data_volumes,
            "security_groups": [{"id": i} for i in inputs.get("securityGroupIds") or []],
            "availability_zone": inputs.get("availabilityZone"),
            "extendparam": extend,
            "metadata": metadata,
            "os:scheduler_hints": drop_empty(
                {
                    "group": hints.get("group"),
                    "fault_domain": hints.get("faultDomain"),
                    "tenancy": hints.get("tenancy"),
                    "dedicated_host_id": hints.get("dehId"),
                }
            ),
            "server_tags": [{"key": k, "value": v} for k, v in sorted((inputs.get("tags") or {}).items())],
            "auto_terminate_time": inputs.get("autoTerminateTime"),
        }
    )
    server["root_volume"] = root  # required
    if inputs.get("userData"):
        server["user_data"] = _base64(str(inputs["userData"]))
    return {"server": server}


def _base64(text: str) -> str:
    """Like ToServerCreateMap: text that already decodes as base64 is sent as is."""
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return base64.b64encode(text.encode()).decode()
    return text
