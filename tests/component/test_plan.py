"""Pure functions: request bodies, patch operations, tag changes, the diff decision, waits."""

from __future__ import annotations

import re
from typing import Any

from hwc_full_ecs_image import plan
from hwc_full_ecs_image.api_models import Image, Job
from hwc_full_ecs_image.plan import (
    as_add,
    create_body,
    diff_inputs,
    marker_for,
    patch_operations,
    tag_changes,
)
from hwc_full_ecs_image.rules import MARKER_TAG_KEY
from hwc_full_ecs_image.schema import ImageSpec

BACKUP = "c0000000-0000-4000-8000-000000000001"
OTHER_BACKUP = "c0000000-0000-4000-8000-000000000002"
MARKER = "0123456789abcdef0123456789abcdef"


def spec(**changes: Any) -> ImageSpec:
    return ImageSpec.model_validate({"backup_id": BACKUP, "name": "img", "marker": MARKER, **changes})


def image(**raw: Any) -> Image:
    return Image.from_api({"id": "i1", "name": "img", "status": "active", "min_ram": 0, **raw})


def test_marker_is_32_hex_and_distinct_per_resource() -> None:
    a = marker_for("proj", "dev", "web")
    assert re.fullmatch(r"[0-9a-f]{32}", a)
    assert a != marker_for("proj", "prod", "web")
    assert a != marker_for("proj", "dev", "db")
    assert a == marker_for("proj", "dev", "web")


def test_create_body_sends_csbs_and_marker_tag() -> None:
    body = create_body(spec(tags={"env": "prod"}, description="d", min_ram=1024, max_ram=4096))
    assert body["whole_image_type"] == "CSBS"
    assert body["backup_id"] == BACKUP
    assert {"key": MARKER_TAG_KEY, "value": MARKER} in body["image_tags"]
    assert {"key": "env", "value": "prod"} in body["image_tags"]
    assert (body["description"], body["min_ram"], body["max_ram"]) == ("d", 1024, 4096)
    assert create_body(spec(source="cbr"))["whole_image_type"] == "CBR"


def test_diff_replaces_on_another_source_and_ignores_the_share_list() -> None:
    old = {"backup_id": BACKUP, "name": "img", "source": "csbs", "status": "active"}
    assert diff_inputs(old, {**old, "source": "cbr"}).replaces == ["source"]
    assert diff_inputs(old, {**old, "source": None}).changes is False  # unset = the default, csbs
    assert diff_inputs(old, {**old, "share_with_project_ids": ["0" * 32]}).changes is False


def test_create_body_omits_unset_optionals() -> None:
    body = create_body(spec())
    assert set(body) == {"name", "backup_id", "whole_image_type", "image_tags"}


def test_patch_uses_replace_for_present_and_add_for_absent_attributes() -> None:
    ops = patch_operations(image(), spec(name="new", description="hello", max_ram=2048))
    assert {"op": "replace", "path": "/name", "value": "new"} in ops
    assert {"op": "add", "path": "/__description", "value": "hello"} in ops
    assert {"op": "add", "path": "/max_ram", "value": 2048} in ops
    assert len(ops) == 3


def test_patch_replace_when_description_exists_and_remove_max_ram() -> None:
    ops = patch_operations(image(__description="old", max_ram="4096"), spec())
    assert {"op": "replace", "path": "/__description", "value": ""} in ops
    assert {"op": "remove", "path": "/max_ram"} in ops


def test_patch_nothing_when_equal() -> None:
    assert (
        patch_operations(image(__description="d", max_ram="1024"), spec(description="d", max_ram=1024)) == []
    )


def test_as_add_turns_replace_into_add() -> None:
    assert as_add({"op": "replace", "path": "/max_ram", "value": 1}) == {
        "op": "add",
        "path": "/max_ram",
        "value": 1,
    }


def test_tag_changes_keep_the_marker() -> None:
    current = {"env": "dev", "team": "a", MARKER_TAG_KEY: MARKER}
    to_delete, to_create = tag_changes(current, {"env": "prod", "owner": "ops"})
    assert to_delete == {"team": "a"}
    assert to_create == {"env": "prod", "owner": "ops"}


def olds(**changes: Any) -> dict[str, Any]:
    base = spec().model_dump(mode="json") | {
        "status": "active",
        "region": "ap-southeast-1",
        "project_id": "p",
    }
    return base | {"__provider": "old-pickle"} | changes


def test_diff_no_change_ignores_provider_and_equivalent_unsets() -> None:
    news = spec().model_dump(mode="json") | {"__provider": "new-pickle", "description": "", "min_ram": 0}
    decision = diff_inputs(olds(min_ram=0), news)
    assert decision.changes is False
    assert decision.replaces == []


def test_diff_in_place_fields() -> None:
    for field, value in [("name", "n2"), ("description", "d"), ("tags", {"a": "b"}), ("max_ram", 8)]:
        decision = diff_inputs(olds(), spec().model_dump(mode="json") | {field: value})
        assert decision.changes, field
        assert decision.replaces == [], field


def test_diff_replace_fields_and_delete_first_for_same_backup() -> None:
    news = spec(enterprise_project_id=OTHER_BACKUP).model_dump(mode="json")
    decision = diff_inputs(olds(), news)
    assert decision.replaces == ["enterprise_project_id"]
    assert decision.delete_before_replace is True
    other = diff_inputs(olds(), spec(backup_id=OTHER_BACKUP).model_dump(mode="json"))
    assert other.replaces == ["backup_id"]
    assert other.delete_before_replace is False


def test_diff_region_only_when_set() -> None:
    news = spec().model_dump(mode="json")
    assert diff_inputs(olds(), news | {"region": None}).replaces == []
    assert diff_inputs(olds(), news | {"region": "eu-west-101"}).replaces == ["region"]
    assert diff_inputs(olds(), news | {"project_id": "other"}).replaces == ["project_id"]


def test_diff_replaces_a_killed_or_deleted_image() -> None:
    for status in ("killed", "deleted"):
        decision = diff_inputs(olds(status=status), spec().model_dump(mode="json"))
        assert decision.replaces == ["status"]
        assert decision.delete_before_replace is True


def test_wait_budget_is_one_budget_on_the_creating_run() -> None:
    program_start, create_start = 1000.0, 1010.0
    # created by this run, 4 minutes ago: 30 - 4 minutes are left for the wait
    assert plan.wait_budget(create_start, 30, program_start, create_start + 240, 60.0) == 26 * 60
    assert plan.wait_budget(create_start, 1, program_start, create_start + 300, 60.0) == 0.0
    # created by an earlier run (still saving after a timeout), or unknown: a fresh full wait
    assert plan.wait_budget(900.0, 30, program_start, 5000.0, 60.0) == 30 * 60
    assert plan.wait_budget(None, 30, program_start, 5000.0, 60.0) == 30 * 60
    # the length of a minute is Timing.minute (tests shorten it)
    assert plan.wait_budget(None, 30, program_start, 5000.0, 0.5) == 15.0


def test_progress_phase_excludes_the_percent() -> None:
    job = Job(job_id="j", status="RUNNING", percent=41.6)
    image = Image.from_api({"id": "i", "status": "saving"})
    assert plan.progress(job, image) == ("job RUNNING, image saving", "job RUNNING 42%, image saving")
    assert plan.progress(None, image) == ("image saving", "image saving")


def test_adoption_changes_name_every_change_and_show_an_unset_value_as_none() -> None:
    found = Image.from_api({"id": "i", "name": "old", "__description": "by hand", "min_ram": 0})
    [line] = plan.adoption_changes(found, {"owner": "ops"}, spec(tags={"env": "prod"}))
    assert line == (
        "adopting image i will change: name 'old' -> 'img'; description 'by hand' -> (none); "
        "remove tags owner=ops; set tags env=prod"
    )
