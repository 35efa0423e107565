"""IMS image sharing as huaweicloud_images_image_share uses it, through the official ImsClient."""

from __future__ import annotations

import time
from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkims.v2 import (
    BatchAddMembersRequest,
    BatchAddMembersRequestBody,
    BatchDeleteMembersRequest,
    GlanceAddImageMemberRequest,
    GlanceAddImageMemberRequestBody,
    ShowJobRequest,
)
from sim_helpers import ims_client, make_image, sdk_error, signed_request

from simulator import seed
from simulator.testing import RunningSimulator

PROJECT_A, PROJECT_B = "a" * 32, "b" * 32


def share(sim: RunningSimulator, image_id: str, *projects: str) -> str:
    body = BatchAddMembersRequestBody(images=[image_id], projects=list(projects))
    job_id: str = ims_client(sim).batch_add_members(BatchAddMembersRequest(body=body)).job_id
    return job_id


def unshare(sim: RunningSimulator, image_id: str, *projects: str) -> str:
    body = BatchAddMembersRequestBody(images=[image_id], projects=list(projects))
    job_id: str = ims_client(sim).batch_delete_members(BatchDeleteMembersRequest(body=body)).job_id
    return job_id


def job_status(sim: RunningSimulator, job_id: str) -> str:
    status: str = ims_client(sim).show_job(ShowJobRequest(job_id=job_id)).status
    return status


def member_ids(sim: RunningSimulator, image_id: str) -> list[str]:
    return [m["member_id"] for m in sim.control.image_members(image_id)]


@pytest.fixture
def cbr_image(sim: RunningSimulator) -> str:
    return make_image(sim, seed.CBR_BACKUP, kind="CBR")


def test_sharing_a_cbr_image_adds_pending_members_when_the_job_ends(
    sim: RunningSimulator, cbr_image: str
) -> None:
    job_id = share(sim, cbr_image, PROJECT_A, PROJECT_B)

    assert job_status(sim, job_id) == "SUCCESS"
    assert sim.control.image_members(cbr_image) == [
        {"member_id": PROJECT_A, "status": "pending"},
        {"member_id": PROJECT_B, "status": "pending"},
    ]
    assert sim.control.mutating_calls()["ims.share_image"] == 1


def test_members_change_only_when_the_job_has_finished(sim: RunningSimulator, cbr_image: str) -> None:
    sim.control.set_job_seconds(0.5)
    job_id = share(sim, cbr_image, PROJECT_A)
    before = (job_status(sim, job_id), member_ids(sim, cbr_image))
    time.sleep(0.6)
    assert before == ("INIT", [])
    assert (job_status(sim, job_id), member_ids(sim, cbr_image)) == ("SUCCESS", [PROJECT_A])


def test_unsharing_removes_members_and_ignores_non_members(sim: RunningSimulator, cbr_image: str) -> None:
    share(sim, cbr_image, PROJECT_A, PROJECT_B)
    job_id = unshare(sim, cbr_image, PROJECT_A, "c" * 32)

    assert job_status(sim, job_id) == "SUCCESS"
    assert member_ids(sim, cbr_image) == [PROJECT_B]
    assert sim.control.mutating_calls()["ims.unshare_image"] == 1


def test_sharing_again_keeps_one_member_per_project(sim: RunningSimulator, cbr_image: str) -> None:
    job_status(sim, share(sim, cbr_image, PROJECT_A))
    job_status(sim, share(sim, cbr_image, PROJECT_A))
    assert member_ids(sim, cbr_image) == [PROJECT_A]


def test_sharing_a_csbs_image_is_img_0135(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        share(sim, seed.IMAGE_EXISTING, PROJECT_A)
    assert sdk_error(err.value)[:2] == (400, "IMG.0135")
    assert member_ids(sim, seed.IMAGE_EXISTING) == []


def test_at_most_ten_projects_in_total(sim: RunningSimulator, cbr_image: str) -> None:
    job_status(sim, share(sim, cbr_image, *[f"{n:032x}" for n in range(1, 9)]))
    with pytest.raises(ClientRequestException) as err:
        share(sim, cbr_image, PROJECT_A, PROJECT_B, "c" * 32)
    status, code, message = sdk_error(err.value)
    assert (status, code) == (400, "IMG.0001")
    assert "would be shared with 11 projects; at most 10" in message


def test_sharing_an_unknown_image_is_404(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        share(sim, "nope", PROJECT_A)
    assert sdk_error(err.value) == (404, "IMG.0144", "The image does not exist: nope.")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"images": [], "projects": [PROJECT_A]}, "'images' must be a non-empty list"),
        ({"images": ["i"], "projects": []}, "'projects' must be a non-empty list"),
        ({"images": ["i"], "projects": ["not-a-project"]}, "'not-a-project' is not a project id"),
        ({"images": ["i"], "projects": [PROJECT_A] * 2}, "must not repeat an id"),
        ({"images": ["i"], "projects": [f"{n:032x}" for n in range(11)]}, "at most 10 projects"),
        ({"images": ["i"], "projects": [PROJECT_A], "mode": "x"}, "unknown field(s) ['mode']"),
        ({"images": ["i"], "projects": [PROJECT_A], "domains": ["d"]}, "'domains' or 'organizations'"),
    ],
)
@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_malformed_member_bodies_are_img_0001(
    sim: RunningSimulator, method: str, body: dict[str, Any], message: str
) -> None:
    response = signed_request(sim, method, "/v1/cloudimages/members", body=body)
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "IMG.0001")
    assert message in error["message"]


def test_sharing_with_the_own_project_is_refused(sim: RunningSimulator, cbr_image: str) -> None:
    with pytest.raises(ClientRequestException) as err:
        share(sim, cbr_image, sim.project_id)
    assert sdk_error(err.value)[:2] == (400, "IMG.0001")


def test_native_add_member_records_the_member_at_once(sim: RunningSimulator, cbr_image: str) -> None:
    body = GlanceAddImageMemberRequestBody(member=PROJECT_A)
    with pytest.warns(DeprecationWarning, match="glance_add_image_member"):
        member = ims_client(sim).glance_add_image_member(
            GlanceAddImageMemberRequest(image_id=cbr_image, body=body)
        )
    assert (member.member_id, member.status) == (PROJECT_A, "pending")
    assert member_ids(sim, cbr_image) == [PROJECT_A]


def test_image_members_of_an_unknown_image_is_a_control_error(sim: RunningSimulator) -> None:
    with pytest.raises(RuntimeError, match="HTTP 404"):
        sim.control.image_members("nope")
