"""ECS, EVS and CBR through their official SDK clients."""

from __future__ import annotations

import pytest
from huaweicloudsdkcbr.v1 import ListBackupsRequest, ShowBackupRequest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import ListServersDetailsRequest, ShowServerRequest
from huaweicloudsdkevs.v2 import ShowVolumeRequest
from huaweicloudsdkims.v2 import CreateWholeImageRequest, CreateWholeImageRequestBody, ShowJobRequest
from sim_helpers import cbr_client, ecs_client, evs_client, ims_client, sdk_error

from simulator import seed
from simulator.testing import RunningSimulator


def test_show_server_reports_status_and_attached_volumes(sim: RunningSimulator) -> None:
    server = ecs_client(sim).show_server(ShowServerRequest(server_id=seed.SERVER_RUNNING)).server

    volumes = server.os_extended_volumesvolumes_attached
    assert (server.id, server.name, server.status) == (seed.SERVER_RUNNING, "web01", "ACTIVE")
    assert [(v.id, v.boot_index) for v in volumes] == [
        (seed.VOLUME_WEB01_SYSTEM, "0"),
        (seed.VOLUME_WEB01_DATA, "-1"),
    ]


def test_show_stopped_server(sim: RunningSimulator) -> None:
    server = ecs_client(sim).show_server(ShowServerRequest(server_id=seed.SERVER_STOPPED)).server
    assert (server.status, server.os_ext_st_svm_state) == ("SHUTOFF", "stopped")


def test_show_unknown_server_is_ecs_0114(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        ecs_client(sim).show_server(ShowServerRequest(server_id="nope"))
    assert sdk_error(err.value) == (404, "Ecs.0114", "Instance[nope] could not be found.")


def test_list_servers_filters_by_status(sim: RunningSimulator) -> None:
    client = ecs_client(sim)
    everything = client.list_servers_details(ListServersDetailsRequest())
    stopped = client.list_servers_details(ListServersDetailsRequest(status="SHUTOFF"))

    assert everything.count == 4
    assert [s.id for s in stopped.servers] == [seed.SERVER_STOPPED]


def test_show_volume_reports_multiattach_and_type(sim: RunningSimulator) -> None:
    client = evs_client(sim)
    shared = client.show_volume(ShowVolumeRequest(volume_id=seed.VOLUME_SHARED)).volume
    data = client.show_volume(ShowVolumeRequest(volume_id=seed.VOLUME_DB01_DATA)).volume

    assert (shared.multiattach, shared.shareable, shared.volume_type, shared.size) == (
        True,
        "true",
        "SSD",
        100,
    )
    assert (data.multiattach, data.volume_type, data.size, data.status) == (False, "GPSSD", 200, "in-use")
    assert [a.server_id for a in shared.attachments] == [seed.SERVER_SHARED]


def test_show_unknown_volume_is_404(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        evs_client(sim).show_volume(ShowVolumeRequest(volume_id="nope"))
    assert sdk_error(err.value) == (404, "EVS.5404", "Volume nope could not be found.")


def test_show_cbr_backup(sim: RunningSimulator) -> None:
    backup = cbr_client(sim).show_backup(ShowBackupRequest(backup_id=seed.CBR_BACKUP)).backup

    assert (backup.id, backup.status, backup.resource_id) == (
        seed.CBR_BACKUP,
        "available",
        seed.SERVER_RUNNING,
    )
    assert [c.resource_id for c in backup.children] == [seed.VOLUME_WEB01_SYSTEM, seed.VOLUME_WEB01_DATA]
    assert backup.extend_info.os_images_data == []


def test_cbr_backup_lists_the_image_it_produced(sim: RunningSimulator) -> None:
    ims = ims_client(sim)
    body = CreateWholeImageRequestBody(name="cbr", backup_id=seed.CBR_BACKUP, whole_image_type="CBR")
    image_id = ims.show_job(
        ShowJobRequest(job_id=ims.create_whole_image(CreateWholeImageRequest(body=body)).job_id)
    )
    backup = cbr_client(sim).show_backup(ShowBackupRequest(backup_id=seed.CBR_BACKUP)).backup
    assert [d.image_id for d in backup.extend_info.os_images_data] == [image_id.entities.image_id]


def test_list_cbr_backups(sim: RunningSimulator) -> None:
    result = cbr_client(sim).list_backups(ListBackupsRequest(resource_id=seed.SERVER_RUNNING))
    assert (result.count, [b.id for b in result.backups]) == (1, [seed.CBR_BACKUP])


def test_show_unknown_cbr_backup_is_404(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        cbr_client(sim).show_backup(ShowBackupRequest(backup_id=seed.BACKUP_AVAILABLE))
    assert sdk_error(err.value) == (
        404,
        "BackupService.6001",
        f"Backup {seed.BACKUP_AVAILABLE} does not exist.",
    )
