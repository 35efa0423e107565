"""Fuzzing FullEcsImage's inputs with hypothesis.

1. Every value of every input (alone and in combination, and every `servers` entry) either
   validates or yields problems that name the fuzzed field (or a path under it); no other exception.
   Checked through the three entry points: the component's `_validate` (FullEcsImageArgs at
   construction), `validate_known_fields` and the provider's `check` (unconfigured: it must not reach
   for the cloud on invalid inputs).
2. The validator and the simulator's IMS agree: a create body the validator accepts is accepted by
   `POST /v1/cloudimages/wholeimages/action`, and a body the simulator refuses for a field rule was
   refused by the validator first.

Reproducible: derandomized and no example database (hypothesis only caches source constants under
.hypothesis/, which it gitignores itself). The bugs the fuzzing found (fixed since) are kept as
plain tests at the end, with the exact inputs. For a wider local search, raise max_examples and drop
derandomize.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from pulumi.dynamic import CheckFailure

from hwc_full_ecs_image.component import FullEcsImageArgs, validate_args
from hwc_full_ecs_image.errors import ApiError
from hwc_full_ecs_image.plan import create_body, user_tags
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.rules import MARKER_TAG_KEY, Problem
from hwc_full_ecs_image.schema import ImageSpec, validate_known_fields
from hwc_full_ecs_image.servers import ServerSpec, parse_servers
from simulator import seed
from simulator.testing import RunningSimulator

from . import strategies as fuzz
from .helpers import cloud

BACKUP = seed.BACKUP_AVAILABLE
MARKER = "0123456789abcdef0123456789abcdef"
BASE: dict[str, Any] = {"backup_id": BACKUP, "name": "web01-full"}
"""The required inputs, valid: a fuzzed field is the only one that can be wrong."""

ARGS_FIELDS = tuple(f.name for f in FullEcsImageArgs.__dataclass_fields__.values())
SPEC_FIELDS = tuple(ImageSpec.model_fields)
COMPONENT_ONLY = ("servers", "share_acceptors")
"""FullEcsImageArgs fields that make children, not inputs of the image resource."""

PURE = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Pure validation (26 parametrized cases use it): no I/O."""

ROUND_TRIPS = settings(
    PURE,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
"""One simulator reset and one POST per example (plus three reads when both sides accept)."""

FIELD_CODES = frozenset({"IMG.0001", "IMG.0002", "IMG.0003", "IMG.0004", "IMG.0013", "IMG.0116"})
"""IMS codes for a broken field rule on create (malformed/tag/RAM, name length, name format,
description, name missing, tag quota). The backup is fresh and usable, so any other code fails."""


def under(path: str, fields: set[str] | tuple[str, ...]) -> bool:
    """True when `path` is one of `fields` or a path under one (`tags.k`, `servers[0].name`)."""
    return any(path == f or path.startswith((f + ".", f + "[")) for f in fields)


def assert_named(problems: list[Problem], fields: set[str] | tuple[str, ...]) -> None:
    stray = [str(p) for p in problems if not under(p.field, fields)]
    assert not stray, f"problems outside the fuzzed fields {sorted(fields)}: {stray}"
    assert all(p.rule.strip() for p in problems), problems


def failures(found: list[CheckFailure]) -> list[tuple[str, str]]:
    return [(f.property, f.reason) for f in found]


def args_with(values: dict[str, Any]) -> FullEcsImageArgs:
    return FullEcsImageArgs(**{**BASE, **values})


# ---------------------------------------------------------------- 1. field-named problems, never a crash


@pytest.mark.parametrize("field", ARGS_FIELDS)
@PURE
@given(data=st.data())
def test_each_args_field_validates_or_names_itself(field: str, data: st.DataObject) -> None:
    value = data.draw(fuzz.field_values(field), label=field)
    servers, _, problems = validate_args(args_with({field: value}), MARKER)
    assert_named(problems, {field})
    event(f"{field}: {'valid' if not problems else 'invalid'}")
    if field not in COMPONENT_ONLY:
        assert servers == []
        # What the construction-time check accepts, the provider's model accepts as well.
        if not problems and value is not None:
            ImageSpec.model_validate({**BASE, "marker": MARKER, field: value})


@settings(PURE, max_examples=150)
@given(
    values=st.fixed_dictionaries(
        {"backup_id": fuzz.field_values("backup_id"), "name": fuzz.field_values("name")},
        optional={f: fuzz.field_values(f) for f in ARGS_FIELDS if f not in BASE},
    )
)
def test_args_fields_in_combination(values: dict[str, Any]) -> None:
    servers, _, problems = validate_args(FullEcsImageArgs(**values), MARKER)
    assert_named(problems, set(values))
    event(f"{len(problems)} problem(s)")
    if not problems:
        spec = ImageSpec.model_validate(
            {
                "marker": MARKER,
                **{k: v for k, v in values.items() if k not in COMPONENT_ONLY and v is not None},
            }
        )
        create_body(spec)  # a valid spec always makes a body
        assert len(servers) == len(values.get("servers") or [])


UNCONFIGURED = ("", "the provider was not configured")


@pytest.mark.parametrize("field", SPEC_FIELDS)
@PURE
@given(data=st.data())
def test_known_fields_and_unconfigured_check_name_the_field(field: str, data: st.DataObject) -> None:
    """validate_known_fields names the field; check() reports the same problems as CheckFailures,
    plus (an unconfigured provider has no settings) the settings failure, and makes no request."""
    value = data.draw(fuzz.field_values(field), label=field)
    news = {**BASE, "marker": MARKER, field: value, "__provider": "urn:pulumi:provider"}
    normalized, problems = validate_known_fields({k: v for k, v in news.items() if k != "__provider"})
    assert_named(problems, {field})
    result = FullEcsImageProvider().check({}, news)
    if problems:
        assert failures(result.failures) == [(p.field, p.rule) for p in problems] + [UNCONFIGURED]
        return
    assert ImageSpec.model_validate(normalized).model_dump(mode="json") == normalized
    assert failures(result.failures) == [UNCONFIGURED]
    # The same backup as the recorded inputs: no preflight; only the settings failure.
    assert failures(FullEcsImageProvider().check(normalized, news).failures) == [UNCONFIGURED]
    # Refused by the preflight: check() hands back the inputs as given (without the provider key).
    assert result.inputs == {k: v for k, v in news.items() if k != "__provider"}


@PURE
@given(
    unknown=st.dictionaries(
        fuzz.texts(40).filter(lambda k: k not in ImageSpec.model_fields and k != "__provider"),
        fuzz.json_values(),
        min_size=1,
        max_size=4,
    )
)
def test_unknown_inputs_are_named(unknown: dict[str, Any]) -> None:
    _, problems = validate_known_fields({**BASE, "marker": MARKER, **unknown})
    assert {p.field for p in problems} == set(unknown)


@settings(PURE, max_examples=150)
@given(
    entries=st.lists(
        st.one_of(fuzz.server_entries(), st.builds(ServerSpec, name=st.sampled_from(("spec01", "web01")))),
        max_size=5,
    )
)
def test_servers_entries_parse_or_name_their_index(entries: list[Any]) -> None:
    specs, problems = parse_servers(entries)
    broken = {int(p.field[len("servers[") :].split("]")[0]) for p in problems if p.field != "servers"}
    assert all(p.field == "servers" or p.field.startswith("servers[") for p in problems), problems
    assert len(specs) + len(broken) == len(entries)
    # An entry that parsed parses again as a ServerSpec (passes through unchanged).
    again, again_problems = parse_servers(specs)
    assert again == specs
    assert [p.field for p in again_problems] == [p.field for p in problems if p.field == "servers"]
    event(f"{len(specs)} parsed, {len(broken)} refused")


# ---------------------------------------------------------------- 2. agreement with the simulator


def _raw_body(values: dict[str, Any]) -> dict[str, Any]:
    """The create body plan.create_body would send for these values, unvalidated."""
    tags = {**(values.get("tags") or {}), MARKER_TAG_KEY: MARKER}
    body: dict[str, Any] = {
        "name": values["name"],
        "backup_id": BACKUP,
        "whole_image_type": "CSBS",
        "image_tags": [{"key": k, "value": v} for k, v in sorted(tags.items())],
    }
    if values.get("description"):
        body["description"] = values["description"]
    for ram in ("min_ram", "max_ram"):
        if values.get(ram) is not None:
            body[ram] = values[ram]
    return body


def _post(sim: RunningSimulator, body: dict[str, Any]) -> str | None:
    """None when the simulator accepts the body, else its error code."""
    try:
        job_id = cloud(sim, "create_whole_image", body)
    except ApiError as error:
        return error.code
    assert job_id
    return None


def _stored(sim: RunningSimulator) -> dict[str, Any]:
    """The in-place fields of the image made from BACKUP, as the simulator keeps them."""
    (image,) = cloud(sim, "list_whole_images", BACKUP)
    tags = cloud(sim, "list_image_tags", image.id)
    assert tags.get(MARKER_TAG_KEY) == MARKER
    return {
        "name": image.name,
        "description": image.description or None,
        "tags": user_tags(tags) or None,
        "min_ram": image.min_ram or None,
        "max_ram": image.max_ram,
    }


def _declared(normalized: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": normalized["name"],
        "description": normalized["description"] or None,
        "tags": normalized["tags"] or None,
        "min_ram": normalized["min_ram"] or None,
        "max_ram": normalized["max_ram"],
    }


@ROUND_TRIPS
@given(
    values=st.fixed_dictionaries(
        {"name": fuzz.names()},
        optional={
            "description": fuzz.descriptions(),
            "tags": fuzz.tags(),
            "min_ram": fuzz.rams(),
            "max_ram": fuzz.rams(),
        },
    )
)
@example(values={"name": "x" * 128, "tags": {f"k{i}": "v" * 43 for i in range(9)}})
@example(values={"name": "中" * 128, "description": "d" * 1024, "min_ram": 1_048_576, "max_ram": 1_048_576})
@example(values={"name": "x" * 129})
@example(values={"name": " x"})
@example(values={"name": "web01", "tags": {f"k{i}": "v" for i in range(10)}})
@example(values={"name": "web01", "tags": {"k" * 37: "v"}})
@example(values={"name": "web01", "tags": {"k": "v" * 44}})
@example(values={"name": "web01", "description": "a<b"})
@example(values={"name": "web01", "min_ram": 2048, "max_ram": 1024})
def test_validator_and_simulator_agree(sim: RunningSimulator, values: dict[str, Any]) -> None:
    sim.control.reset("default")  # a backup makes one image: a fresh one each time
    normalized, problems = validate_known_fields({"backup_id": BACKUP, "marker": MARKER, **values})
    if not problems:
        body = create_body(ImageSpec.model_validate(normalized))
        assert _raw_body(values) == body  # the raw body below is what the component would send
        code = _post(sim, body)
        assert code is None, f"validator accepted {values!r} but the simulator answered {code}"
        event("both accept")
        assert _stored(sim) == _declared(normalized), f"{values!r} is not stored as declared"
        return
    code = _post(sim, _raw_body(values))
    if code is None:
        # The validator is stricter than IMS here (9 user tags, max RAM, key edge spaces...): fine.
        event("validator stricter: " + ", ".join(sorted({p.field.split(".")[0] for p in problems})))
        return
    assert code in FIELD_CODES, f"{values!r}: unexpected simulator code {code}"
    event(f"both reject ({code})")


# ---------------------------------------------------------------- bugs fuzzing found (fixed), kept as tests


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("name", "web01\n"),
        pytest.param("backup_id", BACKUP + "\n"),
        pytest.param("adopt_image_id", BACKUP + "\n"),
        pytest.param("enterprise_project_id", BACKUP + "\n"),
        pytest.param("marker", MARKER + "\n"),
        pytest.param("region", "ap-southeast-1\n"),
        pytest.param("project_id", "abc\n"),
        pytest.param("share_with_project_ids", [MARKER + "\n"]),
    ],
)
def test_trailing_newline_is_refused(field: str, value: Any) -> None:
    _, problems = validate_known_fields({**BASE, "marker": MARKER, "source": "cbr", field: value})
    assert [p.field for p in problems if p.field.split("[")[0] == field]


def test_server_name_with_trailing_newline_is_refused() -> None:
    _, problems = parse_servers([{"name": "web01\n"}])
    assert [p.field for p in problems] == ["servers[0].name"]


def test_name_of_128_chars_and_a_newline_is_refused(sim: RunningSimulator) -> None:
    """Once the one validator/simulator disagreement: the validator accepted these 129 characters, the
    simulator (like IMS) refuses the name as longer than 128 (IMG.0002)."""
    values = {"name": "x" * 128 + "\n"}
    _, problems = validate_known_fields({"backup_id": BACKUP, "marker": MARKER, **values})
    code = _post(sim, _raw_body(values))
    assert code in ("IMG.0002", "IMG.0003")
    assert problems


def test_tag_value_is_stored_as_declared(sim: RunningSimulator) -> None:
    """Either the validator refuses the value, or the cloud keeps it as declared."""
    values = {"name": "web01", "tags": {"env": " prod"}}
    normalized, problems = validate_known_fields({"backup_id": BACKUP, "marker": MARKER, **values})
    if problems:
        return
    assert _post(sim, create_body(ImageSpec.model_validate(normalized))) is None
    assert _stored(sim)["tags"] == {"env": " prod"}


@pytest.mark.parametrize("value", [5, True, 1.5, "web", {"name": "web"}])
def test_servers_scalar_is_a_field_problem(value: Any) -> None:
    _, _, problems = validate_args(args_with({"servers": value}), MARKER)
    assert [p.field for p in problems] == ["servers"]
