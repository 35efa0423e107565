"""ECS write routes (start/stop/reboot, change/reinstall OS) through the official EcsClient: they exist
so that tests can prove a client never calls them, and they behave as the reference describes."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    BatchRebootServersRequest,
    BatchRebootServersRequestBody,
    BatchRebootSeversOption,
    BatchStartServersOption,
    BatchStartServersRequest,
    BatchStartServersRequestBody,
    BatchStopServersOption,
    BatchStopServersRequest,
    BatchStopServersRequestBody,
    ChangeServerOsWithCloudInitOption,
    ChangeServerOsWithCloudInitRequest,
    ChangeServerOsWithCloudInitRequestBody,
    ChangeServerOsWithoutCloudInitOption,
    ChangeServerOsWithoutCloudInitRequest,
    ChangeServerOsWithoutCloudInitRequestBody,
    ReinstallServerWithCloudInitOption,
    ReinstallServerWithCloudInitRequest,
    ReinstallServerWithCloudInitRequestBody,
    ServerId,
    ShowJobRequest,
    ShowServerRequest,
)
from sim_helpers import ecs_client, sdk_error, signed_request

from simulator import seed
from simulator.testing import RunningSimulator


def status(client: Any, server_id: str) -> str:
    result: str = client.show_server(ShowServerRequest(server_id=server_id)).server.status
    return result


def start(client: Any, *server_ids: str) -> str:
    option = BatchStartServersOption(servers=[ServerId(id=s) for s in server_ids])
    body = BatchStartServersRequestBody(os_start=option)
    job_id: str = client.batch_start_servers(BatchStartServersRequest(body=body)).job_id
    return job_id


def stop(client: Any, server_id: str) -> str:
    option = BatchStopServersOption(servers=[ServerId(id=server_id)], type="HARD")
    job_id: str = client.batch_stop_servers(
        BatchStopServersRequest(body=BatchStopServersRequestBody(os_stop=option))
    ).job_id
    return job_id


def change_os(client: Any, server_id: str, image_id: str, mode: str | None = None) -> str:
    option = ChangeServerOsWithCloudInitOption(imageid=image_id, keyname="kp-1", mode=mode)
    body = ChangeServerOsWithCloudInitRequestBody(os_change=option)
    job_id: str = client.change_server_os_with_cloud_init(
        ChangeServerOsWithCloudInitRequest(server_id=server_id, body=body)
    ).job_id
    return job_id


def test_stop_then_start_changes_the_status_through_an_ecs_job(sim: RunningSimulator) -> None:
    client = ecs_client(sim)

    stop_job = client.show_job(ShowJobRequest(job_id=stop(client, seed.SERVER_RUNNING)))
    stopped = status(client, seed.SERVER_RUNNING)
    start_job = client.show_job(ShowJobRequest(job_id=start(client, seed.SERVER_RUNNING)))

    assert (stop_job.job_type, stop_job.status, stopped) == ("batchStopServers", "SUCCESS", "SHUTOFF")
    assert [j.entities.server_id for j in stop_job.entities.sub_jobs] == [seed.SERVER_RUNNING]
    assert (start_job.status, status(client, seed.SERVER_RUNNING)) == ("SUCCESS", "ACTIVE")


def test_server_keeps_its_status_until_the_job_has_finished(sim: RunningSimulator) -> None:
    sim.control.set_job_seconds(3600)
    client = ecs_client(sim)

    job = client.show_job(ShowJobRequest(job_id=start(client, seed.SERVER_STOPPED)))

    assert (job.status, job.end_time) == ("RUNNING", "")
    assert status(client, seed.SERVER_STOPPED) == "SHUTOFF"


def test_reboot_needs_a_running_server(sim: RunningSimulator) -> None:
    client = ecs_client(sim)
    option = BatchRebootSeversOption(servers=[ServerId(id=seed.SERVER_STOPPED)], type="SOFT")
    body = BatchRebootServersRequestBody(reboot=option)

    with pytest.raises(ClientRequestException) as err:
        client.batch_reboot_servers(BatchRebootServersRequest(body=body))

    assert err.value.status_code == 409
    assert err.value.error_code == "Ecs.0111"


def test_reboot_of_a_running_server_succeeds(sim: RunningSimulator) -> None:
    client = ecs_client(sim)
    option = BatchRebootSeversOption(servers=[ServerId(id=seed.SERVER_RUNNING)], type="HARD")
    job_id = client.batch_reboot_servers(
        BatchRebootServersRequest(body=BatchRebootServersRequestBody(reboot=option))
    ).job_id

    assert client.show_job(ShowJobRequest(job_id=job_id)).job_type == "batchRebootServers"
    assert status(client, seed.SERVER_RUNNING) == "ACTIVE"


def test_unknown_server_in_a_batch_is_ecs_0114(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        start(ecs_client(sim), seed.SERVER_STOPPED, "a0000000-0000-4000-8000-00000000dead")
    assert sdk_error(err.value)[:2] == (404, "Ecs.0114")


def test_write_routes_are_counted_as_mutating_calls_by_operation(sim: RunningSimulator) -> None:
    client = ecs_client(sim)
    stop(client, seed.SERVER_RUNNING)
    start(client, seed.SERVER_RUNNING)
    change_os(client, seed.SERVER_STOPPED, seed.IMAGE_EXISTING)

    assert sim.control.mutating_calls() == {
        "ecs.batch_stop_servers": 1,
        "ecs.batch_start_servers": 1,
        "ecs.change_os": 1,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"os-start": {"servers": []}}, "at least one"),
        ({"os-start": {"servers": [{"id": seed.SERVER_STOPPED}]}, "os-stop": {}}, "exactly one of"),
        ({"reboot": {"servers": [{"id": seed.SERVER_RUNNING}]}}, "'reboot.type' is required"),
        ({"os-stop": {"servers": [{"id": seed.SERVER_RUNNING}], "type": "soft"}}, "SOFT or HARD"),
        ({"os-start": {"servers": [seed.SERVER_STOPPED]}}, "list of"),
        ({"delete": {"servers": [{"id": seed.SERVER_STOPPED}]}}, "exactly one of"),
    ],
)
def test_bad_batch_action_bodies_are_ecs_0005(sim: RunningSimulator, body: Any, field: str) -> None:
    response = signed_request(sim, "POST", f"/v1/{sim.project_id}/cloudservers/action", body=body)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "Ecs.0005"
    assert field in error["message"]


def test_change_os_with_a_full_ecs_image_replaces_only_the_system_disk(sim: RunningSimulator) -> None:
    client = ecs_client(sim)
    before = client.show_server(ShowServerRequest(server_id=seed.SERVER_STOPPED)).server

    job = client.show_job(ShowJobRequest(job_id=change_os(client, seed.SERVER_STOPPED, seed.IMAGE_EXISTING)))
    after = client.show_server(ShowServerRequest(server_id=seed.SERVER_STOPPED)).server

    assert (job.job_type, job.status) == ("changeOS", "SUCCESS")
    assert (before.image.id, after.image.id) == ("00000000-0000-4000-8000-0000000000aa", seed.IMAGE_EXISTING)
    # Data disks stay: the image's data disks are not restored by an OS change
    # (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0202.html).
    volumes = [(v.id, v.boot_index) for v in after.os_extended_volumesvolumes_attached]
    assert volumes == [(seed.VOLUME_DB01_SYSTEM, "0"), (seed.VOLUME_DB01_DATA, "-1")]


def test_change_os_of_a_running_server_needs_with_stop_server(sim: RunningSimulator) -> None:
    client = ecs_client(sim)

    with pytest.raises(ClientRequestException) as err:
        change_os(client, seed.SERVER_RUNNING, seed.IMAGE_EXISTING)
    change_os(client, seed.SERVER_RUNNING, seed.IMAGE_EXISTING, mode="withStopServer")

    assert sdk_error(err.value)[:2] == (409, "Ecs.0111")
    server = client.show_server(ShowServerRequest(server_id=seed.SERVER_RUNNING)).server
    assert server.image.id == seed.IMAGE_EXISTING


def test_change_os_without_cloud_init_refuses_an_unknown_or_inactive_image(sim: RunningSimulator) -> None:
    client = ecs_client(sim)
    sim.control.set_job_seconds(3600)
    create = {"name": "pending", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "CSBS"}
    signed_request(sim, "POST", "/v1/cloudimages/wholeimages/action", body=create)
    pending = next(i["id"] for i in sim.control.images() if i["status"] == "queued")
    codes = []
    for image_id in ("f0000000-0000-4000-8000-00000000dead", pending):
        option = ChangeServerOsWithoutCloudInitOption(imageid=image_id, adminpass="Secret-Pass-1")
        request = ChangeServerOsWithoutCloudInitRequest(
            server_id=seed.SERVER_STOPPED, body=ChangeServerOsWithoutCloudInitRequestBody(os_change=option)
        )
        with pytest.raises(ClientRequestException) as err:
            client.change_server_os_without_cloud_init(request)
        codes.append(sdk_error(err.value)[:2])

    assert codes == [(400, "Ecs.0031"), (400, "Ecs.0032")]


def test_change_os_needs_exactly_one_of_keyname_or_adminpass(sim: RunningSimulator) -> None:
    body = {"os-change": {"imageid": seed.IMAGE_EXISTING}}
    response = signed_request(
        sim, "POST", f"/v2/{sim.project_id}/cloudservers/{seed.SERVER_STOPPED}/changeos", body=body
    )
    assert response.status_code == 400
    assert "exactly one of adminpass or keyname" in response.json()["error"]["message"]


def test_reinstall_os_keeps_the_image_and_counts_as_mutating(sim: RunningSimulator) -> None:
    client = ecs_client(sim)
    option = ReinstallServerWithCloudInitOption(keyname="kp-1")
    request = ReinstallServerWithCloudInitRequest(
        server_id=seed.SERVER_STOPPED, body=ReinstallServerWithCloudInitRequestBody(os_reinstall=option)
    )

    job = client.show_job(ShowJobRequest(job_id=client.reinstall_server_with_cloud_init(request).job_id))

    assert (job.job_type, job.status) == ("reinstallOS", "SUCCESS")
    server = client.show_server(ShowServerRequest(server_id=seed.SERVER_STOPPED)).server
    assert (server.image.id, server.status) == ("00000000-0000-4000-8000-0000000000aa", "SHUTOFF")
    assert sim.control.mutating_calls() == {"ecs.reinstall_os": 1}
