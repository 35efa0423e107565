"""STAND-IN huaweicloud provider: type tokens and the property names it serves (tests/demo only).

The names are pulumi_huaweicloud 0.0.12's own (`@pulumi.getter(name=...)` in `ecs/instance.py`
`InstanceArgs`/`_InstanceState`, `ecs/_inputs.py` `Instance*Args`, `ims/image_share.py`);
tests/standin/test_schema.py checks these tables against the installed package. Which inputs force a
replacement follows `ForceNew` in terraform-provider-huaweicloud
`huaweicloud/services/ecs/resource_huaweicloud_compute_instance.go` and
`huaweicloud/services/ims/resource_huaweicloud_images_image_share.go`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

INSTANCE = "huaweicloud:Ecs/instance:Instance"
IMAGE_SHARE = "huaweicloud:Ims/imageShare:ImageShare"
ACCEPTER = "huaweicloud:Ims/imageShareAccepter:ImageShareAccepter"
# The engine's marker for a value not known yet (preview); pulumi/sdk resource/properties.go.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
# A secret on the wire is {SIG_KEY: SECRET_SIG, "value": v} (pulumi/sdk resource/properties.go);
# Configure gets secret config that way even from a provider that does not accept secrets.
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"  # noqa: S105 (a type signature, not a password)

INSTANCE_INPUTS = frozenset(
    {
        "adminPass", "agencyName", "agentList", "autoPay", "autoRenew", "autoTerminateTime",
        "availabilityZone", "bandwidth", "chargingMode", "dataDisks", "deleteDisksOnTermination",
        "deleteEipOnTermination", "description", "eipId", "eipType", "enterpriseProjectId", "flavorId",
        "flavorName", "hostname", "imageId", "imageName", "keyPair", "metadata", "name", "networks",
        "period", "periodUnit", "powerAction", "privateKey", "region", "schedulerHints",
        "securityGroupIds", "securityGroups", "spotDuration", "spotDurationCount", "spotMaximumPrice",
        "stopBeforeDestroy", "systemDiskDssPoolId", "systemDiskIops", "systemDiskKmsKeyId",
        "systemDiskSize", "systemDiskThroughput", "systemDiskType", "tags", "userData", "userId",
    }
)  # fmt: skip
# Outputs only (`_InstanceState` minus `InstanceArgs`).
INSTANCE_COMPUTED = frozenset(
    {
        "accessIpV4", "accessIpV6", "createdAt", "expiredTime", "publicIp", "status", "systemDiskId",
        "updatedAt", "volumeAttacheds",
    }
)  # fmt: skip
# Element names of the list/object inputs (`ecs/_inputs.py`).
INSTANCE_NESTED: dict[str, frozenset[str]] = {
    "bandwidth": frozenset({"chargeMode", "extendParam", "id", "shareType", "size"}),
    "dataDisks": frozenset({"dssPoolId", "iops", "kmsKeyId", "size", "snapshotId", "throughput", "type"}),
    "networks": frozenset(
        {"accessNetwork", "fixedIpV4", "fixedIpV6", "ipv6Enable", "mac", "port", "sourceDestCheck", "uuid"}
    ),
    "schedulerHints": frozenset({"dehId", "faultDomain", "group", "tenancy"}),
}
VOLUME_ATTACHED = frozenset({"bootIndex", "kmsKeyId", "pciAddress", "size", "type", "volumeId"})
# ForceNew in the Terraform schema (nested ForceNew makes the whole list replace here).
INSTANCE_REPLACES = frozenset(
    {
        "region", "availabilityZone", "imageId", "imageName", "networks", "systemDiskType",
        "systemDiskKmsKeyId", "systemDiskIops", "systemDiskThroughput", "systemDiskDssPoolId", "dataDisks",
        "schedulerHints", "eipId", "eipType", "bandwidth", "spotMaximumPrice", "spotDuration",
        "spotDurationCount", "userId",
    }
)  # fmt: skip

IMAGE_SHARE_INPUTS = frozenset({"region", "sourceImageId", "targetProjectIds"})
IMAGE_SHARE_REPLACES = frozenset({"region", "sourceImageId"})

# pulumi_huaweicloud 0.0.12 ims/image_share_accepter.py; every input ForceNew
# (resource_huaweicloud_images_image_share_accepter.go).
ACCEPTER_INPUTS = frozenset({"imageId", "region", "vaultId"})

INPUTS = {INSTANCE: INSTANCE_INPUTS, IMAGE_SHARE: IMAGE_SHARE_INPUTS, ACCEPTER: ACCEPTER_INPUTS}
NESTED: dict[str, dict[str, frozenset[str]]] = {INSTANCE: INSTANCE_NESTED, IMAGE_SHARE: {}, ACCEPTER: {}}
REPLACES = {INSTANCE: INSTANCE_REPLACES, IMAGE_SHARE: IMAGE_SHARE_REPLACES, ACCEPTER: ACCEPTER_INPUTS}
# Either name of each pair is enough (Terraform: image_id/image_name, flavor_id/flavor_name).
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    INSTANCE: (("name",), ("networks",), ("imageId", "imageName"), ("flavorId", "flavorName")),
    IMAGE_SHARE: (("sourceImageId",), ("targetProjectIds",)),
    ACCEPTER: (("imageId",),),
}
# Required fields of nested elements (Terraform: data_disks.type and .size, networks.uuid are Required;
# the real plugin's Check refuses an element without them).
NESTED_REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    INSTANCE: {"dataDisks": ("type", "size"), "networks": ("uuid",)},
}


def python_name(name: str) -> str:
    """The SDK's Python name of a property: `fixedIpV4` -> `fixed_ip_v4`, `imageId` -> `image_id`."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def check_names(type_token: str, news: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(property, reason) for every input name the real schema lacks, and for missing required inputs."""
    if type_token not in INPUTS:
        return [("", f"the huaweicloud stand-in does not serve resource type {type_token!r}")]
    known = INPUTS[type_token]
    failures = [
        (name, f"{type_token} has no input property {name!r} (pulumi-huaweicloud 0.0.12 schema)")
        for name in sorted(news)
        if name not in known and not name.startswith("__")
    ]
    for name, allowed in NESTED[type_token].items():
        value = news.get(name)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            failures += [
                (
                    f"{name}[{index}].{key}",
                    f"{name}[{index}].{key}: {name} elements have no property {key!r} (pulumi-huaweicloud "
                    "0.0.12 schema)",
                )
                for key in sorted(item)
                if key not in allowed
            ]
            failures += [
                (f"{name}[{index}].{key}", f"missing required property '{key}' of {name}[{index}]")
                for key in NESTED_REQUIRED.get(type_token, {}).get(name, ())
                if item.get(key) in (None, "")
            ]
    for alternatives in REQUIRED[type_token]:
        if all(news.get(name) in (None, "", []) for name in alternatives):
            failures.append(
                (alternatives[0], f"missing required property {' or '.join(map(repr, alternatives))}")
            )
    return failures


def is_unknown(value: Any) -> bool:
    if value == UNKNOWN:
        return True
    if isinstance(value, list):
        return any(is_unknown(v) for v in value)
    if isinstance(value, dict):
        return any(is_unknown(v) for v in value.values())
    return False


def normalize(value: Any) -> Any:
    """Secrets unwrapped, and integral floats made ints (Struct numbers arrive as floats: sizes, iops)."""
    if isinstance(value, dict) and value.get(SIG_KEY) == SECRET_SIG:
        return normalize(value.get("value"))
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    return value


def diff(type_token: str, olds: Mapping[str, Any], news: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(changed input names, those among them that force a replacement)."""
    keys = sorted((set(olds) | set(news)) & INPUTS.get(type_token, frozenset()))
    changed = [k for k in keys if _differs(k, olds.get(k), news.get(k))]
    return changed, [k for k in changed if k in REPLACES.get(type_token, frozenset())]


def _differs(name: str, old: Any, new: Any) -> bool:
    if is_unknown(new):
        return True
    if name in ("targetProjectIds", "securityGroupIds", "securityGroups"):  # TypeSet: order does not count
        return sorted(map(str, old or [])) != sorted(map(str, new or []))
    return bool(normalize(old) != normalize(new)) and not (
        old in (None, "", [], {}) and new in (None, "", [], {})
    )
