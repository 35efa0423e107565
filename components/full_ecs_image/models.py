"""Input rules (pydantic v2) shared by construction-time validation and the provider's check().

The reusable Annotated types below carry the IMS rules; `ImageSpec` is the spec the provider
validates, and `validate_known_fields` applies the same types field by field to whichever values are
already known (plain values in the program, resolved values in check()), so both places report the
same rule for the same field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import pulumi
from pulumi.output import Unknown
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

MARKER_TAG_KEY = "managed-by-pulumi-full-ecs-image"
"""Image tag key this component sets on every image it creates or adopts (a contract with the simulator)."""

MAX_IMAGE_TAGS = 10
"""IMS allows at most 10 tags per image (API reference 1.7); the marker takes one of them."""

# IMS image name: 1-128 chars, letters (incl. Chinese), digits, space, '-', '.', '_', no edge spaces
# (API reference 1.1, from the IMS API doc and SDK model text).
_NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fa5 ._-]{1,128}$")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_HEX32_RE = re.compile(r"^[0-9a-f]{32}$")
_REGION_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_PROJECT_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
# ECS server name: 1-64 chars of letters, digits, '_', '-', '.' (API reference 3.2).
_SERVER_NAME_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fa5._-]{1,64}$")
_VOLUME_TYPES = ("SATA", "SAS", "SSD", "GPSSD", "ESSD", "GPSSD2", "ESSD2")


def _image_name(value: str) -> str:
    if not _NAME_RE.match(value) or value != value.strip(" "):
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
    if not _UUID_RE.match(value):
        raise ValueError("must be a UUID such as 0a1b2c3d-0000-4000-8000-000000000001")
    return value.lower()


def _enterprise_project(value: str) -> str:
    if value != "0" and not _UUID_RE.match(value):
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
    if problems:
        raise ValueError("; ".join(problems))
    return value


def _marker(value: str) -> str:
    if not _HEX32_RE.match(value):
        raise ValueError("must be 32 lower-case hex characters")
    return value


def _region(value: str) -> str:
    if not _REGION_RE.match(value):
        raise ValueError("must be a region id such as ap-southeast-1")
    return value


def _project_id(value: str) -> str:
    if not _PROJECT_RE.match(value):
        raise ValueError("must be a project id (letters, digits, '-')")
    return value


def _server_name(value: str) -> str:
    if not _SERVER_NAME_RE.match(value):
        raise ValueError("must be 1-64 characters of letters, digits, '.', '-' or '_'")
    return value


ImageName = Annotated[str, AfterValidator(_image_name)]
Description = Annotated[str, AfterValidator(_description)]
Uuid = Annotated[str, AfterValidator(_uuid)]
EnterpriseProjectId = Annotated[str, AfterValidator(_enterprise_project)]
ImageTags = Annotated[dict[str, str], AfterValidator(_tags)]
RamMb = Annotated[int, Field(ge=0, le=1_048_576)]
TimeoutMinutes = Annotated[int, Field(ge=1, le=1440)]
Marker = Annotated[str, AfterValidator(_marker)]
Region = Annotated[str, AfterValidator(_region)]
ProjectId = Annotated[str, AfterValidator(_project_id)]
ServerName = Annotated[str, AfterValidator(_server_name)]
VolumeType = Annotated[str, AfterValidator(lambda v: _one_of(v, _VOLUME_TYPES))]
VolumeSizeGb = Annotated[int, Field(ge=10, le=32768)]
NonEmpty = Annotated[str, Field(min_length=1, max_length=255)]


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return value


def ram_range_problem(min_ram: int | None, max_ram: int | None) -> str | None:
    """The cross-field RAM rule: 0 <= min_ram <= max_ram when both are set."""
    if min_ram is not None and max_ram is not None and min_ram > max_ram:
        return "min_ram must not exceed max_ram (0 <= min_ram <= max_ram)"
    return None


class ImageSpec(BaseModel):
    """The resolved inputs of one full-ECS image, as the provider receives them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    backup_id: Uuid
    name: ImageName
    marker: Marker
    description: Description | None = None
    tags: ImageTags | None = None
    enterprise_project_id: EnterpriseProjectId | None = None
    min_ram: RamMb | None = None
    max_ram: RamMb | None = None
    adopt_image_id: Uuid | None = None
    create_timeout_minutes: TimeoutMinutes = 30
    region: Region | None = None
    project_id: ProjectId | None = None

    @model_validator(mode="after")
    def _ram_range(self) -> ImageSpec:
        problem = ram_range_problem(self.min_ram, self.max_ram)
        if problem:
            raise ValueError(problem)
        return self


class DataDiskOverride(BaseModel):
    """Type and size of one data disk restored from the image, keyed by its original volume id."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: VolumeType
    size: VolumeSizeGb


class ServerSpec(BaseModel):
    """A NEW ECS created from the waited image (an existing server never gets this image)."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    name: ServerName
    flavor_id: NonEmpty
    subnet_id: Uuid
    availability_zone: NonEmpty | None = None
    admin_pass: str | pulumi.Output[str] | None = None
    key_pair: NonEmpty | None = None
    security_group_ids: list[Uuid] = Field(default_factory=list)
    system_disk_type: VolumeType | None = None
    data_disks: dict[Uuid, DataDiskOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_login(self) -> ServerSpec:
        if (self.admin_pass is None) == (self.key_pair is None):
            raise ValueError("set exactly one of admin_pass (a secret) or key_pair")
        return self


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


def problems_from(error: ValidationError, prefix: str = "") -> list[Problem]:
    """Flattens pydantic errors into Problems with dotted paths (`servers[0].name`)."""
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        path = prefix
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
        message = item["msg"].removeprefix("Value error, ")
        problems.append(Problem(path or "(inputs)", message))
    return problems


def _field_adapters() -> dict[str, TypeAdapter[Any]]:
    adapters: dict[str, TypeAdapter[Any]] = {}
    for name, info in ImageSpec.model_fields.items():
        annotation: Any = info.annotation
        adapters[name] = TypeAdapter(Annotated[annotation, *info.metadata] if info.metadata else annotation)
    return adapters


_ADAPTERS = _field_adapters()
REQUIRED_FIELDS = tuple(name for name, info in ImageSpec.model_fields.items() if info.is_required())


def validate_known_fields(
    values: Mapping[str, Any], *, skip: Callable[[Any], bool] = is_unresolved
) -> tuple[dict[str, Any], list[Problem]]:
    """Validates every known value against ImageSpec's field types and the cross-field rules.

    Returns the normalized known values (defaults filled) and every problem found, so a caller can
    report them all at once. Values for which `skip` is true (Outputs, Unknowns) are passed through.
    """
    problems: list[Problem] = []
    normalized: dict[str, Any] = {}
    for name in values:
        if name not in _ADAPTERS:
            problems.append(Problem(name, "is not an input of FullEcsImage"))
    for name, adapter in _ADAPTERS.items():
        if name not in values or values[name] is None:
            if name in REQUIRED_FIELDS:
                problems.append(Problem(name, "is required"))
            else:
                normalized[name] = ImageSpec.model_fields[name].default
            continue
        value = values[name]
        if skip(value):
            normalized[name] = value
            continue
        try:
            normalized[name] = adapter.validate_python(value)
        except ValidationError as error:
            problems.extend(problems_from(error, name))
    min_ram, max_ram = normalized.get("min_ram"), normalized.get("max_ram")
    if isinstance(min_ram, int) and isinstance(max_ram, int):
        problem = ram_range_problem(min_ram, max_ram)
        if problem:
            problems.append(Problem("min_ram", problem))
    return normalized, problems


def format_problems(problems: list[Problem]) -> str:
    """One line per problem, for a single error that lists them all."""
    return "; ".join(str(p) for p in problems)
