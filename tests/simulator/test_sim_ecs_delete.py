"""ECS create jobs over time, failed creates, and batch deletion through the official EcsClient."""

from __future__ import annotations

import time
from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    DeleteServersRequest,
    DeleteServersRequestBody,
    ServerId,
    ShowJobRequest,
)
from huaweicloudsdkevs.v2 import ShowVolumeRequest
from sim_helpers import SEEDED_SERVERS, ecs_client, evs_client, make_image, sdk_error, signed_request
from test_sim_ecs_create import create, show

from simulator import seed
from simulator.testing import RunningSimulator


def delete(sim: RunningSimulator, *server_ids: str, delete_volume: bool = True) -> str:
    body = DeleteServersRequestBody(
        servers=[ServerId(id=s) for s in server_ids], delete_volume=delete_volume, delete_publicip=True
    )
    job_id: str = ecs_client(sim).delete_servers(DeleteServersRequest(body=body)).job_id
    return job_id


def job(sim: RunningSimulator, job_id: str) -> Any:
    return ecs_client(sim).show_job(ShowJobRequest(job_id=job_id))


def volume_ids(sim: RunningSimulator, server_id: str) -> list[str]:
    return [v.id for v in show(sim, server_id).os_extended_volumesvolumes_attached]


def test_create_job_is_init_then_running_and_the_server_builds_until_it_ends(sim: RunningSimulator) -> None:
    sim.control.set_job_seconds(1.5)  # INIT for 0.3 s, RUNNING until 1.5 s
    created = create(sim)
    first, building = job(sim, created.job_id), show(sim, created.server_ids[0])
    time.sleep(0.5)
    second = job(sim, created.job_id)
    time.sleep(1.1)
    last, built = job(sim, created.job_id), show(sim, created.server_ids[0])

    assert (first.status, first.end_time, building.status) == ("INIT", "", "BUILD")
    assert second.status == "RUNNING"
    assert (last.status, built.status) == ("SUCCESS", "ACTIVE")
    assert last.end_time.endswith("Z")


def test_failed_create_job_rolls_back_servers_and_disks(sim: RunningSimulator) -> None:
    sim.control.fail_next_server_job("Ecs.0010", "no capacity")
    volumes_before = len(sim.control.volumes())
    created = create(sim)
    failed = job(sim, created.job_id)

    assert (failed.status, failed.error_code, failed.fail_reason) == ("FAIL", "Ecs.0010", "no capacity")
    sub = failed.entities.sub_jobs[0]
    assert (sub.status, sub.entities.server_id) == ("FAIL", created.server_ids[0])
    assert sub.entities.errorcode_message == "Ecs.0010: no capacity"
    assert len(sim.control.servers()) == SEEDED_SERVERS
    assert len(sim.control.volumes()) == volumes_before


def test_ims_and_ecs_jobs_share_the_job_path_and_are_counted_apart(sim: RunningSimulator) -> None:
    created = create(sim)
    path = f"/v1/{sim.project_id}/jobs/{created.job_id}"
    assert signed_request(sim, "GET", path).json()["job_type"] == "createServer"
    make_image(sim, seed.BACKUP_AVAILABLE)
    calls = sim.control.calls()
    assert (calls["ecs.show_job"], calls["ims.show_job"]) == (1, 1)


def test_delete_with_volumes_removes_server_and_its_disks(sim: RunningSimulator) -> None:
    server_id = create(sim).server_ids[0]
    disks = volume_ids(sim, server_id)

    finished = job(sim, delete(sim, server_id))

    assert (finished.job_type, finished.status) == ("deleteServers", "SUCCESS")
    with pytest.raises(ClientRequestException) as err:
        show(sim, server_id)
    assert sdk_error(err.value) == (404, "Ecs.0114", f"Instance[{server_id}] could not be found.")
    with pytest.raises(ClientRequestException) as gone:
        evs_client(sim).show_volume(ShowVolumeRequest(volume_id=disks[0]))
    assert sdk_error(gone.value)[:2] == (404, "EVS.5404")
    assert not set(disks) & {v["id"] for v in sim.control.volumes()}
    assert sim.control.mutating_calls() == {"ecs.create_servers": 1, "ecs.delete_servers": 1}


def test_delete_without_volumes_detaches_them(sim: RunningSimulator) -> None:
    server_id = create(sim).server_ids[0]
    disks = volume_ids(sim, server_id)
    job(sim, delete(sim, server_id, delete_volume=False))

    left = {v["id"]: v for v in sim.control.volumes()}
    assert [(left[d]["status"], left[d]["attachments"]) for d in disks] == [("available", [])] * 2


def test_deleting_a_server_keeps_a_shared_disk_attached_elsewhere(sim: RunningSimulator) -> None:
    job(sim, delete(sim, seed.SERVER_SHARED))
    volumes = {v["id"] for v in sim.control.volumes()}
    assert seed.VOLUME_APP01_SYSTEM not in volumes
    assert seed.VOLUME_SHARED not in volumes  # attached to app01 only, so it goes too


def test_delete_job_takes_delete_seconds_and_the_server_shows_deleting(sim: RunningSimulator) -> None:
    sim.control.set_delete_seconds(0.5)
    server_id = create(sim).server_ids[0]
    job_id = delete(sim, server_id)
    during = show(sim, server_id)
    again = signed_request(
        sim, "POST", f"/v1/{sim.project_id}/cloudservers/delete", body={"servers": [{"id": server_id}]}
    )
    time.sleep(0.6)

    assert (during.status, during.os_ext_st_stask_state) == ("ACTIVE", "deleting")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "Ecs.0111")
    assert job(sim, job_id).status == "SUCCESS"
    assert server_id not in [s["id"] for s in sim.control.servers()]


def test_deleting_an_unknown_server_is_ecs_0114(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        delete(sim, seed.SERVER_RUNNING, "nope")
    assert sdk_error(err.value)[:2] == (404, "Ecs.0114")
    assert len(sim.control.servers()) == SEEDED_SERVERS


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"servers": []}, "servers must list at least one"),
        ({"servers": [{"id": "a"}, {"id": "a"}]}, "servers must not repeat a server id"),
        ({"servers": [{"uuid": "a"}]}, "'servers' must be a list of"),
        (
            {"servers": [{"id": seed.SERVER_RUNNING}], "delete_volume": "yes"},
            "'delete_volume' must be a boolean",
        ),
        ({"servers": [{"id": seed.SERVER_RUNNING}], "force": True}, "unknown field(s): ['force']"),
    ],
)
def test_malformed_delete_bodies_are_ecs_0005(sim: RunningSimulator, body: Any, message: str) -> None:
    response = signed_request(sim, "POST", f"/v1/{sim.project_id}/cloudservers/delete", body=body)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "Ecs.0005")
    assert message in response.json()["error"]["message"]


def test_faults_can_target_ecs_job_reads_only(sim: RunningSimulator) -> None:
    ecs_job = create(sim).job_id
    ims_job = signed_request(
        sim,
        "POST",
        "/v1/cloudimages/wholeimages/action",
        body={"name": "img", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "CSBS"},
    ).json()["job_id"]
    sim.control.inject_fault("error", route="ecs.show_job", status=503)

    ecs_read = signed_request(sim, "GET", f"/v1/{sim.project_id}/jobs/{ecs_job}")
    ims_read = signed_request(sim, "GET", f"/v1/{sim.project_id}/jobs/{ims_job}")

    assert (ecs_read.status_code, ims_read.status_code) == (503, 200)
