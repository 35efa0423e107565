"""The pydantic input rules: each rule, and every problem reported at once."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.output import UNKNOWN, Unknown
from pydantic import ValidationError

from hwc_full_ecs_image.rules import MARKER_TAG_KEY
from hwc_full_ecs_image.schema import ImageSpec, validate_known_fields
from hwc_full_ecs_image.servers import ServerSpec

BACKUP = "c0000000-0000-4000-8000-000000000001"
MARKER = "0123456789abcdef0123456789abcdef"


def valid(**changes: Any) -> dict[str, Any]:
    return {"backup_id": BACKUP, "name": "web01-full", "marker": MARKER, **changes}


def problems(**changes: Any) -> dict[str, str]:
    _, found = validate_known_fields(valid(**changes))
    return {p.field: p.rule for p in found}


def test_valid_spec_fills_defaults() -> None:
    normalized, found = validate_known_fields(valid())
    assert found == []
    assert normalized["create_timeout_minutes"] == 30
    assert normalized["tags"] is None


@pytest.mark.parametrize(
    "name",
    ["", " leading", "trailing ", "x" * 129, "bad/slash", "semi;colon"],
)
def test_image_name_rule(name: str) -> None:
    assert "name" in problems(name=name)
    assert "1-128 characters" in problems(name=name)["name"]


@pytest.mark.parametrize("name", ["a", "web01 full.v1_2-3", "x" * 128, "镜像-1"])
def test_image_name_accepted(name: str) -> None:
    assert problems(name=name) == {}


@pytest.mark.parametrize("description", ["a\rb", "<b>", "x" * 1025])
def test_description_rule(description: str) -> None:
    assert "at most 1024 characters" in problems(description=description)["description"]


def test_backup_id_must_be_a_uuid() -> None:
    assert "UUID" in problems(backup_id="not-a-backup")["backup_id"]


@pytest.mark.parametrize("value", ["1", "default", "abc"])
def test_enterprise_project_rule(value: str) -> None:
    assert '"0"' in problems(enterprise_project_id=value)["enterprise_project_id"]


def test_enterprise_project_accepts_zero_and_uuid() -> None:
    assert problems(enterprise_project_id="0") == {}
    assert problems(enterprise_project_id=BACKUP) == {}


def test_tags_rules() -> None:
    too_many = {f"k{i}": "v" for i in range(10)}
    assert "at most 9 tags" in problems(tags=too_many)["tags"]
    assert "1-36 characters" in problems(tags={"k" * 37: "v"})["tags"]
    assert "at most 43" in problems(tags={"k": "v" * 44})["tags"]
    assert "reserved" in problems(tags={MARKER_TAG_KEY: "x"})["tags"]


def test_ram_rules() -> None:
    assert "greater than or equal to 0" in problems(min_ram=-1)["min_ram"]
    assert "min_ram must not exceed max_ram" in problems(min_ram=4096, max_ram=1024)["min_ram"]
    assert problems(min_ram=1024, max_ram=1024) == {}


def test_timeout_range() -> None:
    assert "min_ram" not in problems(create_timeout_minutes=0)
    assert "create_timeout_minutes" in problems(create_timeout_minutes=0)
    assert "create_timeout_minutes" in problems(create_timeout_minutes=1441)


def test_unknown_input_and_missing_required_are_reported() -> None:
    _, found = validate_known_fields({"nme": "typo"})
    fields = {p.field for p in found}
    assert {"nme", "backup_id", "name", "marker"} <= fields


def test_every_problem_at_once() -> None:
    found = problems(name=" x", description="<", backup_id="nope", min_ram=5, max_ram=1, tags={"": "v"})
    assert set(found) == {"name", "description", "backup_id", "min_ram", "tags"}


def test_unresolved_values_are_skipped() -> None:
    normalized, found = validate_known_fields(valid(name=UNKNOWN, tags={"env": UNKNOWN}, max_ram=UNKNOWN))
    assert found == []
    assert isinstance(normalized["name"], Unknown)


def test_spec_is_frozen_and_forbids_extra() -> None:
    spec = ImageSpec.model_validate(valid())
    with pytest.raises(ValidationError):
        spec.name = "other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        ImageSpec.model_validate(valid(colour="blue"))


def test_problem_messages_do_not_echo_values() -> None:
    secret_like = "s3cr3t-value-" * 20
    _, found = validate_known_fields(valid(name=secret_like, description=secret_like + "<"))
    assert found
    assert all(secret_like not in p.rule for p in found)


def test_server_spec_passes_instance_inputs_through_and_names_unknown_ones() -> None:
    spec = ServerSpec.model_validate(
        {"name": "web", "flavor_id": "s6.large.2", "tags": {"env": "prod"}, "charging_mode": "postPaid"}
    )
    assert spec.passthrough() == {
        "flavor_id": "s6.large.2",
        "tags": {"env": "prod"},
        "charging_mode": "postPaid",
    }
    with pytest.raises(
        ValidationError, match=r"flavour, subnet: not an input of pulumi_huaweicloud\.ecs\.Instance"
    ):
        ServerSpec.model_validate({"name": "web", "flavour": "x", "subnet": "y"})
    with pytest.raises(ValidationError, match="image_id: set by the component"):
        ServerSpec.model_validate({"name": "web", "image_id": "other-image"})


def test_server_spec_accepts_outputs_such_as_a_secret_password() -> None:
    spec = ServerSpec.model_validate({"name": "web", "admin_pass": pulumi.Output.secret("pw")})
    assert isinstance(spec.passthrough()["admin_pass"], pulumi.Output)


def test_server_data_disk_override_rules() -> None:
    base = {"name": "web", "flavor_id": "f"}
    with pytest.raises(ValidationError) as error:
        ServerSpec.model_validate({**base, "data_disks": {BACKUP: {"type": "FAST", "size": 5}}})
    messages = " ".join(e["msg"] for e in error.value.errors())
    assert "must be one of SATA" in messages
    assert "greater than or equal to 10" in messages
