"""The image's inputs and outputs, declared once.

`ImageSpec` is every input the dynamic resource takes (what the user sets plus what the component
adds: marker, region, project); `ImageOutputs` every value it computes; `ImageState` (both) is what
state records. Everything else derives from these: the props the component sends
(USER_INPUT_FIELDS), the output list (OUTPUT_FIELDS), check()'s field-by-field validation
(`validate_known_fields`), the outputs create/update/read return (`state_of`); the args class and
the resource's annotations are checked against them by tests/component/test_schema.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from .disks import DiskRequest, SourceDisks
from .rules import (
    MAX_SHARE_PROJECTS,
    Description,
    EnterpriseProjectId,
    ImageName,
    ImageTags,
    Marker,
    MemberProjectId,
    Problem,
    ProjectId,
    RamMb,
    Region,
    TimeoutMinutes,
    Uuid,
    is_unresolved,
    problems_from,
    ram_range_problem,
    share_problem,
)

DEFAULT_CREATE_TIMEOUT_MINUTES = 30


class ImageSpec(BaseModel):
    """The resolved inputs of one full-ECS image, as the provider receives them."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    backup_id: Uuid
    """The backup to make the image from; changing it replaces the image."""
    source: Literal["csbs", "cbr"] = "csbs"
    """The service the backup belongs to: CSBS (the console procedure) or CBR, which replaces it."""
    name: ImageName
    """Image name; changed in place."""
    marker: Marker
    """32 hex characters tying the image to this resource in this stack (set by the component)."""
    description: Description | None = None
    """Image description: at most 1024 characters, no carriage return, '<' or '>'; changed in place."""
    tags: ImageTags | None = None
    """Image tags (the marker tag is added on top); changed in place."""
    enterprise_project_id: EnterpriseProjectId | None = None
    """Changing it replaces the image."""
    min_ram: RamMb | None = None
    """Minimum memory in MB for ECSs made from the image (0 = no minimum); changed in place."""
    max_ram: RamMb | None = None
    """Maximum memory in MB for ECSs made from the image; changed in place."""
    adopt_image_id: Uuid | None = None
    """An existing full-ECS image of the backup to take over instead of creating one."""
    create_timeout_minutes: TimeoutMinutes = DEFAULT_CREATE_TIMEOUT_MINUTES
    """Deprecated (use custom_timeouts): 1-1440 minutes for creating the image, default 30."""
    share_with_project_ids: Annotated[list[MemberProjectId], Field(max_length=MAX_SHARE_PROJECTS)] | None = (
        None
    )
    """Projects to share the image with; only a CBR-sourced image can be shared (the component
    shares it through a pulumi-huaweicloud ImageShare child; the image resource only checks the rule)."""
    region: Region | None = None
    """Where the image lives (set by the component from the provider's settings)."""
    project_id: ProjectId | None = None
    """The project of the region the image lives in (set by the component from the settings)."""
    server_disks: list[DiskRequest] | None = None
    """What each of the component's `servers` asks of its disks (set by the component): check()
    plans every server's disks against `source_disks` at preview, so a broken disk rule fails the
    preview, before the image is made."""
    source_disks: SourceDisks | None = None
    """The image's original disks as the cloud records them (set by check() from the backup and
    EVS, then kept): what new servers get by default."""

    @model_validator(mode="after")
    def _cross_field_rules(self) -> ImageSpec:
        for _field, problem in cross_field_problems(self.model_dump()):
            raise ValueError(problem)
        return self


def cross_field_problems(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, rule) for each broken rule between fields whose values are known."""
    min_ram, max_ram = values.get("min_ram"), values.get("max_ram")
    source, projects = values.get("source"), values.get("share_with_project_ids")
    checks = [
        (
            "min_ram",
            isinstance(min_ram, int) and isinstance(max_ram, int) and ram_range_problem(min_ram, max_ram),
        ),
        (
            "share_with_project_ids",
            isinstance(source, str) and isinstance(projects, list) and share_problem(source, projects),
        ),
    ]
    return [(field, problem) for field, problem in checks if isinstance(problem, str)]


class ImageOutputs(BaseModel):
    """What the resource computes, besides the inputs it echoes."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    image_id: str | None = None
    """The IMS image id."""
    status: str | None = None
    """The image status when last read (queued/saving while IMS builds it, then active)."""
    job_id: str | None = None
    """The IMS job that built the image (None for an adopted image)."""
    min_disk: int | None = None
    """Minimum system-disk size in GB for ECSs made from the image."""
    os_version: str | None = None
    """Operating system of the image, as IMS reports it."""
    data_disks: list[dict[str, Any]] | None = None
    """The original data disks the image restores: {id, size (GB), type, iops, throughput} each
    (type None where no API records it any more)."""
    source_server_id: str | None = None
    """The ECS the backup was taken from (only ever read)."""
    source_server_name: str | None = None
    """The name of that ECS when the image was made."""
    source_server_status: str | None = None
    """The status of that ECS when the image was made (never changed by this component)."""
    create_started_at: float | None = None
    """When create() started (epoch seconds): the program's wait shares its timeout budget."""


class ImageState(ImageSpec, ImageOutputs):
    """Everything state records for one image: its inputs and its outputs."""


COMPONENT_INPUT_FIELDS = ("marker", "region", "project_id", "server_disks", "source_disks")
"""Inputs the component (or check()) fills in; the user never sets them."""

USER_INPUT_FIELDS = tuple(f for f in ImageSpec.model_fields if f not in COMPONENT_INPUT_FIELDS)
"""Inputs FullEcsImageArgs passes through to the resource, in declaration order."""

OUTPUT_FIELDS = tuple(ImageOutputs.model_fields)
"""Computed outputs of the dynamic resource, besides the inputs it echoes."""

REQUIRED_FIELDS = tuple(name for name, info in ImageSpec.model_fields.items() if info.is_required())


def state_of(spec: ImageSpec, outputs: Mapping[str, Any]) -> dict[str, Any]:
    """The full outputs of the resource: the inputs (normalized) plus every computed output."""
    known = {k: v for k, v in outputs.items() if k in ImageOutputs.model_fields}
    return ImageState.model_validate({**spec.model_dump(), **known}).model_dump(mode="json")


def _field_adapters() -> dict[str, TypeAdapter[Any]]:
    adapters: dict[str, TypeAdapter[Any]] = {}
    for name, info in ImageSpec.model_fields.items():
        annotation: Any = info.annotation
        adapters[name] = TypeAdapter(Annotated[annotation, *info.metadata] if info.metadata else annotation)
    return adapters


_ADAPTERS = _field_adapters()


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
            # plain JSON values, as the engine stores them (nested models become dicts and lists)
            normalized[name] = adapter.dump_python(adapter.validate_python(value), mode="json")
        except ValidationError as error:
            problems.extend(problems_from(error, name))
    problems.extend(Problem(field, rule) for field, rule in cross_field_problems(normalized))
    return normalized, problems


def spec_of(props: Mapping[str, Any]) -> ImageSpec | list[Problem]:
    """The validated spec from a resource's props (outputs ignored), or every broken rule."""
    try:
        return ImageSpec.model_validate({k: v for k, v in props.items() if k in ImageSpec.model_fields})
    except ValidationError as error:
        return problems_from(error)
