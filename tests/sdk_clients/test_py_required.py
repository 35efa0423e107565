"""The Python model walker finds what a body lacks or mistypes (so a passing SDK run means something)."""

from __future__ import annotations

from huaweicloudsdkecs import v2 as ecs
from huaweicloudsdkims import v2 as ims

from .py_required import check, required_attributes


def test_required_attributes_are_the_unconditional_init_assignments() -> None:
    required = required_attributes(ecs.ServerDetail)

    assert {"status", "id", "name", "flavor", "os_ext_a_zavailability_zone"} <= required
    assert not {"description", "fault", "progress", "tags"} & required


def test_walk_lists_missing_mistyped_unknown_and_absent_optional_fields() -> None:
    body = {"server": {"id": 5, "name": "web01", "made_up": True, "flavor": {"id": "s6.large.2"}}}

    found = check(body, ecs.ShowServerResponse, ecs)

    assert "$.server.status" in found.missing
    assert "$.server.flavor.vcpus" in found.missing  # nested models are walked
    assert "$.server.name" not in found.missing
    assert found.wrong_type == ["$.server.id: int where the SDK has str"]
    assert found.unknown == ["$.server.made_up"]
    assert "$.server.description" in found.absent_optional
    assert not found.ok


def test_an_array_answer_is_walked_as_the_response_body() -> None:
    found = check([{"platform": "CentOS", "version_list": "none"}, {}], ims.ListOsVersionsResponse, ims)

    assert found.missing == ["$[1].platform", "$[1].version_list"]
    assert found.wrong_type == ["$[0].version_list: str where the SDK has list[OsVersionInfo]"]


def test_a_complete_body_passes() -> None:
    found = check({"job_id": "j-1"}, ims.CreateWholeImageResponse, ims)

    assert found.ok
    assert (found.missing, found.wrong_type, found.unknown) == ([], [], [])
