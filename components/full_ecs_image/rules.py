"""The IMS/ECS input rules as reusable pydantic types, and how a broken rule is reported.

Each Annotated type carries one documented rule; `schema.py` declares the image's fields with them.
A broken rule is a `Problem` (field path + rule, never the value, which may be secret).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.output import Unknown
from pydantic import AfterValidator, Field, ValidationError

MARKER_TAG_KEY = "managed-by-pulumi-full-ecs-image"
"""Image tag key this component sets on every image it creates or adopts (a contract with the simulator)."""

DELETING_PREFIX = "deleting-"
"""The marker tag's value becomes "deleting-<marker>" right before the image is deleted: whoever
scans the backup's images then waits for it to go instead of adopting it or refusing the backup."""

MAX_IMAGE_TAGS = 10
"""IMS allows at most 10 tags per image; the marker takes one of them
(https://support.huaweicloud.com/eu/api-ims/ims_03_0617.html)."""

# IMS image name: 1-128 chars, letters (incl. Chinese), digits, space, '-', '.', '_', no edge spaces
# (https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0607.html and the SDK's
# CreateWholeImageRequestBody text).
_NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fa5 ._-]{1,128}$")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HEX32_RE = re.compile(r"^[0-9a-f]{32}$")
_REGION_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_PROJECT_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
# ECS server name: 1-64 chars of letters, digits, '_', '-', '.' (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html).
_SERVER_NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fa5._-]{1,64}$")
_VOLUME_TYPES = ("SATA", "SAS", "SSD", "GPSSD", "ESSD", "GPSSD2", "ESSD2")


def _image_name(value: str) -> str:
    if not _NAME_RE.fullmatch(value) or value != value.strip(" "):
        raise ValueError(
            "must be 1-128 characters of letters, digits, spaces, '-', '.' or '_' "
            "and must not start or end with a space"
        )
    return value


def _description(value: str) -> str:
    if len(value) > 1024 or any(c in value for c in "\r<>"):
        raise ValueError("must be at most 1024 characters without carriage returns, '<' or '>'")
    return value


def _uuid(value: str) -> str:
    if not _UUID_RE.fullmatch(value):
        raise ValueError("must be a UUID such as 0a1b2c3d-0000-4000-8000-000000000001")
    return value.lower()


def _enterprise_project(value: str) -> str:
    if value != "0" and not _UUID_RE.fullmatch(value):
        raise ValueError('must be "0" (the default enterprise project) or an enterprise project UUID')
    return value


def _tags(value: dict[str, str]) -> dict[str, str]:
    problems = []
    if len(value) > MAX_IMAGE_TAGS - 1:
        problems.append(
            f"at most {MAX_IMAGE_TAGS - 1} tags (IMS allows {MAX_IMAGE_TAGS}; the marker uses one)"
        )
    for key, tag_value in value.items():
        if not 1 <= len(key) <= 36 or key != key.strip():
            problems.append(f"key {key!r} must be 1-36 characters without leading or trailing spaces")
        if key == MARKER_TAG_KEY:
            problems.append(f"key {MARKER_TAG_KEY!r} is reserved for the component's marker")
        # Tag values are not secret; the value itself is not echoed to keep messages short.
        if len(tag_value) > 43:
            problems.append(f"value of key {key!r} must be at most 43 characters")
        if tag_value != tag_value.strip():  # IMS trims it: state would never match the program
            problems.append(f"value of key {key!r} must not start or end with a space")
    if problems:
        raise ValueError("; ".join(problems))
    return value


def _matching(pattern: re.Pattern[str], rule: str) -> AfterValidator:
    """A validator that accepts what `pattern` matches and otherwise reports `rule`."""

    def check(value: str) -> str:
        if not pattern.fullmatch(value):  # fullmatch: `$` would also accept a trailing newline
            raise ValueError(rule)
        return value

    return AfterValidator(check)


ImageName = Annotated[str, AfterValidator(_image_name)]
Description = Annotated[str, AfterValidator(_description)]
Uuid = Annotated[str, AfterValidator(_uuid)]
EnterpriseProjectId = Annotated[str, AfterValidator(_enterprise_project)]
ImageTags = Annotated[dict[str, str], AfterValidator(_tags)]
RamMb = Annotated[int, Field(ge=0, le=1_048_576)]
TimeoutMinutes = Annotated[int, Field(ge=1, le=1440)]
Marker = Annotated[str, _matching(_HEX32_RE, "must be 32 lower-case hex characters")]
Region = Annotated[str, _matching(_REGION_RE, "must be a region id such as ap-southeast-1")]
ProjectId = Annotated[str, _matching(_PROJECT_RE, "must be a project id (letters, digits, '-')")]
MemberProjectId = Annotated[str, _matching(_HEX32_RE, "must be a project id: 32 lower-case hex characters")]
ServerName = Annotated[
    str, _matching(_SERVER_NAME_RE, "must be 1-64 characters of letters, digits, '.', '-' or '_'")
]
VolumeType = Annotated[str, AfterValidator(lambda v: _one_of(v, _VOLUME_TYPES))]
VolumeSizeGb = Annotated[int, Field(ge=10, le=32768)]
"""Data disk size in GB (EVS: 10-32768)."""
SystemDiskSizeGb = Annotated[int, Field(ge=1, le=1024)]
"""System disk size in GB (ECS root_volume: 1-1024)."""
NonEmpty = Annotated[str, Field(min_length=1, max_length=255)]


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return value


MAX_SHARE_PROJECTS = 10
"""A full-ECS image can be shared with at most 10 projects
(https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0218.html)."""

SHARE_RULE = (
    "only full-ECS images made from CBR backups can be shared; migrate the CSBS backup to CBR "
    'first (CSBS is being replaced by CBR), then set source = "cbr"'
)


def share_problem(source: str | None, projects: list[str] | None) -> str | None:
    """The sharing rule: projects to share with need a CBR-sourced image."""
    if projects and source != "cbr":
        return SHARE_RULE
    return None


def ram_range_problem(min_ram: int | None, max_ram: int | None) -> str | None:
    """The cross-field RAM rule: 0 <= min_ram <= max_ram when both are set."""
    if min_ram is not None and max_ram is not None and min_ram > max_ram:
        return "min_ram must not exceed max_ram (0 <= min_ram <= max_ram)"
    return None


@dataclass(frozen=True)
class Problem:
    """One broken rule: the dotted field path and the rule, never the offending value."""

    field: str
    rule: str

    def __str__(self) -> str:
        return f"{self.field}: {self.rule}"


def is_unresolved(value: Any) -> bool:
    """True for an Output, an awaitable or an Unknown anywhere inside the value (not validated here)."""
    if isinstance(value, pulumi.Output | Unknown):
        return True
    if isinstance(value, Mapping):
        return any(is_unresolved(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_unresolved(v) for v in value)
    return hasattr(value, "__await__")


KEYED_FIELDS = frozenset({"data_disks"})
"""Mapping fields whose keys are ids: a problem path shows the key as `["<id>"]`."""


def problems_from(error: ValidationError, prefix: str = "") -> list[Problem]:
    """Flattens pydantic errors into Problems with dotted paths (`servers[0].name`)."""
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        path = prefix
        keyed = False  # the part after a mapping field such as data_disks is a key: ["<key>"]
        for part in item["loc"]:
            if part == "[key]":
                continue
            if keyed:
                path += f'["{part}"]'
            else:
                path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
            keyed = part in KEYED_FIELDS and not keyed
        message = item["msg"].removeprefix("Value error, ")
        problems.append(Problem(path or "(inputs)", message))
    return problems


def format_problems(problems: list[Problem]) -> str:
    """One line per problem, for a single error that lists them all."""
    return "; ".join(str(p) for p in problems)
