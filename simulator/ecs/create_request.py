"""Parsing and checking the body of POST /v1[.1]/{project_id}/cloudservers
(https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html).

Field names and types follow the official SDK models (huaweicloudsdkecs v2 PostPaidServer*,
PrePaidServer*). The SDK drops unset fields, but raw callers may send optional fields as null, so
null is read as absent everywhere. Unknown fields are refused with Ecs.0005.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from simulator.ecs.exceptions import InvalidParameterError

# Every field of PostPaidServer / PrePaidServer (same set in 3.1.219).
SERVER_FIELDS = {
    "auto_terminate_time", "adminPass", "availability_zone", "batch_create_in_multi_az", "count",
    "data_volumes", "extendparam", "flavorRef", "imageRef", "isAutoRename", "key_name", "metadata",
    "name", "nics", "os:scheduler_hints", "publicip", "root_volume", "security_groups", "server_tags",
    "tags", "user_data", "vpcid", "description", "cpu_options", "security_options",
    "serial_console_options", "metadata_options", "enclave_options",
}  # fmt: skip
ROOT_FIELDS = {"volumetype", "size", "iops", "throughput", "hw:passthrough", "cluster_type", "cluster_id",
               "extendparam", "metadata"}  # fmt: skip
DATA_FIELDS = ROOT_FIELDS | {"shareable", "multiattach", "data_image_id", "delete_on_termination"}
DISK_EXTEND_FIELDS = {"resourceSpecCode", "resourceType", "snapshotId"}
NIC_FIELDS = {"subnet_id", "port_id", "ip_address", "ipv6_enable", "ipv6_bandwidth", "allowed_address_pairs",
              "efi_enable"}  # fmt: skip
# PostPaidServerExtendParam and PrePaidServerExtendParam together.
EXTEND_FIELDS = {
    "chargingMode", "regionID", "periodType", "periodNum", "isAutoRenew", "isAutoPay",
    "enterprise_project_id", "support_auto_recovery", "marketType", "spotPrice", "diskPrior",
    "spot_duration_hours", "interruption_policy", "spot_duration_count", "CB_CSBS_BACKUP",
}  # fmt: skip
VOLUME_TYPES = ("SATA", "SAS", "SSD", "GPSSD", "ESSD", "GPSSD2", "ESSD2", "co-p1", "uh-l1")
# Server names: 1-64 characters, letters (Chinese too), digits, "_", "-", "."
# (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html).
NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fa5._-]{1,64}$")
# Flavor names as ECS spells them: <family>.<size>.<memory-to-vCPU ratio>, e.g. s6.large.2.
FLAVOR_RE = re.compile(r"^[a-z][a-z0-9]*\.(small|medium|large|(\d*)xlarge)\.(\d+)$")
MAX_COUNT = 500  # unconfirmed: the per-request upper bound of "count"


@dataclass
class DiskSpec:
    volume_type: str
    size: int  # 0: use the default (min_disk for the system disk)
    multiattach: bool = False
    snapshot_id: str | None = None
    iops: int | None = None
    throughput: int | None = None


@dataclass
class CreateServersSpec:
    name: str
    image_id: str
    flavor_id: str
    vcpus: int
    ram: int  # MB
    vpc_id: str
    nics: list[tuple[str, str | None]]  # (subnet_id, fixed ip or None)
    root: DiskSpec
    data: list[DiskSpec]
    availability_zone: str | None
    count: int
    auto_rename: bool
    security_group_ids: list[str]
    key_name: str
    metadata: dict[str, str]
    tags: list[dict[str, str]]
    description: str
    enterprise_project_id: str
    prepaid: bool
    dry_run: bool = False


def _bad(message: str) -> InvalidParameterError:
    return InvalidParameterError(message)


def _object(value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(f"'{where}' must be an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _bad(f"unknown field(s) in '{where}': {unknown}")
    return {k: v for k, v in value.items() if v is not None}


def _typed(data: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        word = {str: "a string", int: "an integer", bool: "a boolean", list: "a list", dict: "an object"}
        raise _bad(f"'{where}.{key}' must be {word.get(kind, kind.__name__)}")
    return value


def _required_text(data: dict[str, Any], key: str, where: str) -> str:
    value = _typed(data, key, str, where)
    if not value:
        raise _bad(f"'{where}.{key}' is required")
    text: str = value
    return text


def _flag(data: dict[str, Any], key: str, where: str) -> bool | None:
    """Booleans that PrePaidServerExtendParam types as strings ("true"/"false")."""
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise _bad(f"'{where}.{key}' must be true or false, got {value!r}")


def flavor_size(flavor_id: str) -> tuple[int, int]:
    """(vCPUs, RAM in MB) from the flavor name; unknown shapes are refused."""
    match = FLAVOR_RE.match(flavor_id)
    if match is None:
        raise _bad(f"flavorRef '{flavor_id}' is not a flavor of this region")
    size, multiple, ratio = match.group(1), match.group(2), int(match.group(3))
    vcpus = {"small": 1, "medium": 1, "large": 2}.get(size) or 4 * int(multiple or 1)
    return vcpus, vcpus * ratio * 1024


def _disk(raw: Any, where: str, *, data: bool) -> DiskSpec:
    disk = _object(raw, where, DATA_FIELDS if data else ROOT_FIELDS)
    volume_type = _required_text(disk, "volumetype", where)
    if volume_type not in VOLUME_TYPES:
        raise _bad(f"'{where}.volumetype' must be one of {', '.join(VOLUME_TYPES)}, got '{volume_type}'")
    iops, throughput = _provisioned(disk, volume_type, where)
    size = _typed(disk, "size", int, where)
    if data and size is None:
        raise _bad(f"'{where}.size' is required")
    if data and not 10 <= size <= 32768:
        raise _bad(f"'{where}.size' must be from 10 to 32768 GB, got {size}")
    if not data and size is not None and not 0 <= size <= 1024:
        raise _bad(f"'{where}.size' must be from 1 to 1024 GB (0: the image's min_disk), got {size}")
    multiattach = bool(_typed(disk, "multiattach", bool, where) or _typed(disk, "shareable", bool, where))
    snapshot_id = None
    if disk.get("extendparam") is not None:
        extend = _object(disk["extendparam"], f"{where}.extendparam", DISK_EXTEND_FIELDS)
        snapshot_id = _typed(extend, "snapshotId", str, f"{where}.extendparam")
        if snapshot_id is not None and not data:
            raise _bad(f"'{where}.extendparam.snapshotId' is for data disks only")
    if data and disk.get("data_image_id") is not None:
        raise _bad(f"'{where}.data_image_id' takes a data-disk image, not simulated")
    return DiskSpec(volume_type, size or 0, multiattach, snapshot_id or None, iops, throughput)


# Provisioned performance (ECS create, root_volume/data_volumes iops and throughput:
# https://support.huaweicloud.com/intl/en-us/api-ecs/ecs_02_0101.html; ranges per type from EVS disk types,
# https://support.huaweicloud.com/intl/en-us/productdesc-evs/en-us_topic_0014580744.html): GPSSD2 needs both,
# ESSD2 needs iops and takes no throughput, other types take neither.
IOPS_RANGE = {"GPSSD2": (3000, 128000), "ESSD2": (100, 256000)}
THROUGHPUT_RANGE = {"GPSSD2": (125, 1000)}


def _provisioned(disk: dict[str, Any], volume_type: str, where: str) -> tuple[int | None, int | None]:
    iops = _typed(disk, "iops", int, where)
    throughput = _typed(disk, "throughput", int, where)
    for field, value, ranges in (("iops", iops, IOPS_RANGE), ("throughput", throughput, THROUGHPUT_RANGE)):
        if volume_type not in ranges:
            if value is not None:
                raise _bad(
                    f"'{where}.{field}' applies only to {' and '.join(ranges)} disks, not {volume_type}"
                )
            continue
        if value is None:
            raise _bad(f"'{where}.{field}' is required for volume type {volume_type}")
        low, high = ranges[volume_type]
        if not low <= value <= high:
            raise _bad(
                f"'{where}.{field}' must be from {low} to {high} for volume type {volume_type}, got {value}"
            )
    return iops, throughput


def _nics(raw: Any) -> list[tuple[str, str | None]]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 12:
        raise _bad("'server.nics' must list 1 to 12 NICs")
    nics = []
    for index, item in enumerate(raw):
        where = f"server.nics[{index}]"
        nic = _object(item, where, NIC_FIELDS)
        subnet_id = _required_text(nic, "subnet_id", where)
        fixed = _typed(nic, "ip_address", str, where) or None
        if fixed is not None:
            try:
                ipaddress.IPv4Address(fixed)
            except ValueError:
                raise _bad(f"'{where}.ip_address' is not an IPv4 address: '{fixed}'") from None
        nics.append((subnet_id, fixed))
    return nics


def _tags(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list) or len(raw) > 10:
        raise _bad("'server.server_tags' must be a list of at most 10 {key, value} objects")
    tags = []
    for index, item in enumerate(raw):
        tag = _object(item, f"server.server_tags[{index}]", {"key", "value"})
        key, value = _required_text(tag, "key", "server_tags"), _typed(tag, "value", str, "server_tags") or ""
        if len(key) > 36 or len(value) > 43:
            raise _bad(f"server tag '{key}': key must be 1-36 and value 0-43 characters")
        tags.append({"key": key, "value": value})
    keys = [t["key"] for t in tags]
    if len(set(keys)) != len(keys):
        raise _bad("'server.server_tags' must not repeat a key")
    return tags


def _extend(raw: Any, *, prepaid_api: bool) -> tuple[bool, str]:
    """(prepaid, enterprise project id) from server.extendparam."""
    extend = _object(raw, "server.extendparam", EXTEND_FIELDS)
    mode = extend.get("chargingMode")
    # PostPaidServerExtendParam types chargingMode as int (0 = pay-per-use); PrePaid as a string.
    if mode in (None, 0, "postPaid"):
        prepaid = False
    elif mode in (1, "prePaid"):
        prepaid = True
    else:
        raise _bad(f"'server.extendparam.chargingMode' must be postPaid or prePaid, got {mode!r}")
    if prepaid and not prepaid_api:
        raise _bad("prePaid servers are created with POST /v1.1/{project_id}/cloudservers")
    if prepaid:
        period = extend.get("periodType")
        if period not in ("month", "year"):
            raise _bad(f"'server.extendparam.periodType' must be month or year, got {period!r}")
        number = _typed(extend, "periodNum", int, "server.extendparam")
        if number is None or not 1 <= number <= (9 if period == "month" else 3):
            raise _bad(f"'server.extendparam.periodNum' is out of range for {period}: {number}")
    for key in ("isAutoPay", "isAutoRenew"):
        _flag(extend, key, "server.extendparam")
    project = _typed(extend, "enterprise_project_id", str, "server.extendparam") or "0"
    return prepaid, project


def parse(data: Any, *, prepaid_api: bool) -> CreateServersSpec:
    if not isinstance(data, dict):
        raise _bad("the request body must be a JSON object")
    top = _object(data, "body", {"server", "dry_run"})
    dry_run = _typed(top, "dry_run", bool, "body") or False
    server = _object(top.get("server"), "server", SERVER_FIELDS)
    name = _required_text(server, "name", "server")
    if not NAME_RE.match(name):
        raise _bad(f"'server.name' must be 1-64 letters, digits, '_', '-' or '.', got '{name}'")
    image_id = _required_text(server, "imageRef", "server")
    flavor_id = _required_text(server, "flavorRef", "server")
    vcpus, ram = flavor_size(flavor_id)
    vpc_id = _required_text(server, "vpcid", "server")
    if "root_volume" not in server:
        raise _bad("'server.root_volume' is required")
    root = _disk(server["root_volume"], "server.root_volume", data=False)
    volumes = _typed(server, "data_volumes", list, "server") or []
    if len(volumes) > 23:
        raise _bad("'server.data_volumes' may list at most 23 disks")
    data_disks = [_disk(v, f"server.data_volumes[{i}]", data=True) for i, v in enumerate(volumes)]
    count = _typed(server, "count", int, "server")
    count = 1 if count is None else count
    if not 1 <= count <= MAX_COUNT:
        raise _bad(f"'server.count' must be from 1 to {MAX_COUNT}, got {count}")
    nics = _nics(server.get("nics"))
    if count > 1 and any(ip for _, ip in nics):
        raise _bad("'nics[].ip_address' cannot be given when count is more than 1")
    if server.get("adminPass") and server.get("key_name"):
        raise _bad("give either 'server.adminPass' or 'server.key_name', not both")
    user_data = _typed(server, "user_data", str, "server")
    if user_data is not None:
        try:
            decoded = base64.b64decode(user_data, validate=True)
        except (binascii.Error, ValueError):
            raise _bad("'server.user_data' must be base64-encoded") from None
        if len(decoded) > 32 * 1024:
            raise _bad("'server.user_data' must be at most 32 KB before encoding")
    groups = _typed(server, "security_groups", list, "server") or []
    group_ids = [_required_text(_object(g, "server.security_groups[]", {"id"}), "id", "security_groups")
                 for g in groups]  # fmt: skip
    metadata = _typed(server, "metadata", dict, "server") or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise _bad("'server.metadata' must map strings to strings")
    description = _typed(server, "description", str, "server") or ""
    if len(description) > 85 or "<" in description or ">" in description:
        raise _bad("'server.description' must be at most 85 characters without '<' or '>'")
    for key in ("tags",):
        legacy = _typed(server, key, list, "server")
        if legacy is not None and not all(isinstance(t, str) for t in legacy):
            raise _bad("'server.tags' must be a list of strings")
    for key in ("isAutoRename", "batch_create_in_multi_az"):
        _typed(server, key, bool, "server")
    for key in ("os:scheduler_hints", "publicip", "cpu_options", "security_options",
                "serial_console_options", "metadata_options", "enclave_options"):  # fmt: skip
        _typed(server, key, dict, "server")
    for key in ("availability_zone", "auto_terminate_time", "adminPass", "key_name"):
        _typed(server, key, str, "server")
    prepaid, project = _extend(server.get("extendparam") or {}, prepaid_api=prepaid_api)
    return CreateServersSpec(
        name=name,
        image_id=image_id,
        flavor_id=flavor_id,
        vcpus=vcpus,
        ram=ram,
        vpc_id=vpc_id,
        nics=nics,
        root=root,
        data=data_disks,
        availability_zone=server.get("availability_zone") or None,
        count=count,
        auto_rename=server.get("isAutoRename", True),
        security_group_ids=group_ids,
        key_name=server.get("key_name") or "",
        metadata=dict(metadata),
        tags=_tags(server.get("server_tags") or []),
        description=description,
        enterprise_project_id=project,
        prepaid=prepaid,
        dry_run=dry_run,
    )
