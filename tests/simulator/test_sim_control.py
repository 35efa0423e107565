"""The /_sim control API: call counts, faults, rate limits and out-of-band changes."""

from __future__ import annotations

import time

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import ShowServerRequest
from huaweicloudsdkims.v2 import CreateWholeImageRequest, CreateWholeImageRequestBody, ListImagesRequest
from sim_helpers import ecs_client, ims_client, sdk_error, signed_request

from simulator import seed
from simulator.testing import RunningSimulator


def list_images(sim: RunningSimulator) -> httpx.Response:
    return signed_request(sim, "GET", "/v2/cloudimages")


def test_calls_are_counted_per_route_and_control_calls_are_not(sim: RunningSimulator) -> None:
    list_images(sim)
    list_images(sim)
    signed_request(sim, "DELETE", f"/v2/images/{seed.IMAGE_EXISTING}")
    sim.control.images()

    assert sim.control.calls() == {"ims.list_images": 2, "ims.delete_image": 1}
    assert sim.control.mutating_calls() == {"ims.delete_image": 1}


def test_clear_calls(sim: RunningSimulator) -> None:
    list_images(sim)
    sim.control.clear_calls()
    assert sim.control.calls() == {}


def test_throttle_fault_answers_429_with_the_gateway_body_then_recovers(sim: RunningSimulator) -> None:
    sim.control.inject_fault("throttle", route="ims.list_images", count=2)

    first, second, third = list_images(sim), list_images(sim), list_images(sim)

    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    body = first.json()
    assert body == {
        "error_code": "APIG.0308",
        "error_msg": "The throttling threshold has been reached: "
        "policy user over ratelimit,limit:10,time:1 second",
        "request_id": first.headers["X-Request-Id"],
    }


def test_throttle_fault_surfaces_in_the_sdk(sim: RunningSimulator) -> None:
    sim.control.inject_fault("throttle", route="*")
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).list_images(ListImagesRequest())
    # The SDK's urllib3 layer turns a 429 into its own RetryError, so only the status is the gateway's.
    assert err.value.status_code == 429


def test_fault_on_one_route_leaves_others_alone(sim: RunningSimulator) -> None:
    sim.control.inject_fault("error", route="ims.show_job", status=503)
    assert list_images(sim).status_code == 200


def test_error_fault_answers_the_requested_status(sim: RunningSimulator) -> None:
    sim.control.inject_fault("error", route="ims.list_images", status=503)
    response = list_images(sim)
    assert response.status_code == 503
    assert response.json()["error_code"] == "SIM.503"


def test_drop_fault_closes_the_connection_and_the_server_keeps_serving(sim: RunningSimulator) -> None:
    sim.control.inject_fault("drop", route="ims.list_images")
    with pytest.raises(httpx.TransportError):
        list_images(sim)
    assert list_images(sim).status_code == 200


def test_slow_fault_delays_the_response(sim: RunningSimulator) -> None:
    sim.control.inject_fault("slow", route="ims.list_images", delay_seconds=0.3)
    started = time.monotonic()
    response = list_images(sim)
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3  # a lower bound only: the delay really happened


def test_rate_limit_answers_429_beyond_the_limit(sim: RunningSimulator) -> None:
    sim.control.set_rate_limit(1, route="ims.list_images")
    statuses = [list_images(sim).status_code for _ in range(3)]
    sim.control.set_rate_limit(None, route="ims.list_images")

    assert statuses[0] == 200
    assert 429 in statuses[1:]
    assert list_images(sim).status_code == 200


def test_next_job_fails_when_asked(sim: RunningSimulator) -> None:
    sim.control.fail_next_job("IMG.0199", "boom")
    body = {"name": "img", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "CSBS"}
    job_id = signed_request(sim, "POST", "/v1/cloudimages/wholeimages/action", body=body).json()["job_id"]
    job = signed_request(sim, "GET", f"/v1/{sim.project_id}/jobs/{job_id}").json()
    assert (job["status"], job["error_code"], job["fail_reason"]) == ("FAIL", "IMG.0199", "boom")


def test_rename_image_out_of_band(sim: RunningSimulator) -> None:
    sim.control.rename_image(seed.IMAGE_EXISTING, "renamed-outside")
    images = ims_client(sim).list_images(ListImagesRequest(id=seed.IMAGE_EXISTING)).images
    assert images[0].name == "renamed-outside"
    assert sim.control.mutating_calls() == {}


def test_delete_image_out_of_band(sim: RunningSimulator) -> None:
    sim.control.delete_image(seed.IMAGE_EXISTING)
    assert ims_client(sim).list_images(ListImagesRequest(id=seed.IMAGE_EXISTING)).images == []
    assert [i["id"] for i in sim.control.images()] == []


def test_set_backup_status_changes_what_ims_allows(sim: RunningSimulator) -> None:
    sim.control.set_backup_status(seed.BACKUP_AVAILABLE, "deleting")
    body = CreateWholeImageRequestBody(name="img", backup_id=seed.BACKUP_AVAILABLE, whole_image_type="CSBS")
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).create_whole_image(CreateWholeImageRequest(body=body))
    assert sdk_error(err.value)[:2] == (400, "IMG.0132")


def test_set_server_status(sim: RunningSimulator) -> None:
    sim.control.set_server_status(seed.SERVER_RUNNING, "SHUTOFF")
    server = ecs_client(sim).show_server(ShowServerRequest(server_id=seed.SERVER_RUNNING)).server
    assert server.status == "SHUTOFF"


def test_set_server_status_rejects_unknown_status(sim: RunningSimulator) -> None:
    with pytest.raises(RuntimeError, match="status must be one of ACTIVE, SHUTOFF, got 'PAUSED'"):
        sim.control.set_server_status(seed.SERVER_RUNNING, "PAUSED")


def test_credential_rotation_makes_the_old_pair_fail(sim: RunningSimulator) -> None:
    sim.control.set_credentials("NEWAK0000000000000001", "new-secret")
    old = list_images(sim)
    new = signed_request(
        sim, "GET", "/v2/cloudimages", access_key="NEWAK0000000000000001", secret_key="new-secret"
    )
    assert old.status_code == 401
    assert old.json()["error_code"] == "APIG.0301"
    assert new.status_code == 200


def test_reset_restores_the_seed(sim: RunningSimulator) -> None:
    sim.control.delete_image(seed.IMAGE_EXISTING)
    sim.control.reset("default")
    assert [i["id"] for i in sim.control.images()] == [seed.IMAGE_EXISTING]


def test_reset_to_the_empty_seed(sim: RunningSimulator) -> None:
    sim.control.reset("empty")
    assert sim.control.state()["backups"] == []
    assert list_images(sim).json() == {"images": []}


def test_state_dump_contains_every_collection(sim: RunningSimulator) -> None:
    state = sim.control.state()
    assert {k: len(v) for k, v in state.items() if isinstance(v, list)} == {
        "servers": 4,
        "volumes": 10,  # 11 seeded, one deleted after its backup
        "backups": 15,
        "images": 1,
        "jobs": 0,
        "ecs_jobs": 0,
    }


def test_bad_fault_kind_is_refused(sim: RunningSimulator) -> None:
    with pytest.raises(RuntimeError, match="kind must be one of"):
        sim.control.inject_fault("explode")


def test_fault_on_unknown_route_is_refused(sim: RunningSimulator) -> None:
    with pytest.raises(RuntimeError, match=r"unknown route 'ims\.nope'"):
        sim.control.inject_fault("error", route="ims.nope")
