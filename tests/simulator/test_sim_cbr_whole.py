"""CBR whole-server backups: read through the official CbrClient, used for full-ECS images and servers."""

from __future__ import annotations

import pytest
from huaweicloudsdkcbr.v1 import ListBackupsRequest, ShowBackupRequest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    CreatePostPaidServersRequest,
    CreatePostPaidServersRequestBody,
    PostPaidServer,
    PostPaidServerNic,
    PostPaidServerRootVolume,
)
from huaweicloudsdkims.v2 import CreateWholeImageRequest, CreateWholeImageRequestBody
from sim_helpers import cbr_client, ecs_client, ims_client, make_image, sdk_error

from simulator import seed
from simulator.testing import RunningSimulator


def create_error(sim: RunningSimulator, backup_id: str, kind: str) -> tuple[int, str, str]:
    body = CreateWholeImageRequestBody(name="img", backup_id=backup_id, whole_image_type=kind)
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).create_whole_image(CreateWholeImageRequest(body=body))
    return sdk_error(err.value)


def test_whole_server_backup_with_two_data_disks(sim: RunningSimulator) -> None:
    backup = cbr_client(sim).show_backup(ShowBackupRequest(backup_id=seed.CBR_BACKUP_TWO_DATA_DISKS)).backup

    assert (backup.resource_type, backup.status, backup.resource_id) == (
        "OS::Nova::Server",
        "available",
        seed.SERVER_STOPPED,
    )
    assert [(c.resource_id, c.resource_size, c.extend_info.bootable) for c in backup.children] == [
        (seed.VOLUME_DB01_SYSTEM, 40, True),
        (seed.VOLUME_DB01_DATA, 200, False),
        (seed.VOLUME_DB01_OLD_LOGS, 60, False),
    ]
    assert (backup.resource_size, backup.extend_info.supported_restore_mode) == (300, "snapshot")


def test_every_required_backup_field_is_present(sim: RunningSimulator) -> None:
    # Fields huaweicloudsdkcbr BackupResp sets unconditionally in __init__ (its required ones).
    required = [
        "checkpoint_id", "created_at", "description", "expired_at", "extend_info", "id", "image_type",
        "name", "parent_id", "project_id", "protected_at", "resource_az", "resource_id", "resource_name",
        "resource_size", "resource_type", "status", "updated_at", "vault_id", "provider_id",
    ]  # fmt: skip
    for backup_id in (seed.CBR_BACKUP_TWO_DATA_DISKS, seed.CBR_BACKUP_SHARED_DISK, seed.CBR_BACKUP_ERROR):
        backup = cbr_client(sim).show_backup(ShowBackupRequest(backup_id=backup_id)).backup
        for item in (backup, *backup.children):
            assert [name for name in required if getattr(item, name) is None] == [], backup_id


def test_error_backup_is_listed_with_its_status(sim: RunningSimulator) -> None:
    result = cbr_client(sim).list_backups(ListBackupsRequest(status="error"))
    assert [b.id for b in result.backups] == [seed.CBR_BACKUP_ERROR]


def test_image_from_cbr_backup_with_two_data_disks_records_them(sim: RunningSimulator) -> None:
    image_id = make_image(sim, seed.CBR_BACKUP_TWO_DATA_DISKS, kind="CBR")
    image = next(i for i in sim.control.images() if i["id"] == image_id)

    assert (image["__backup_id"], image["min_disk"]) == (seed.CBR_BACKUP_TWO_DATA_DISKS, 40)
    assert [(d["id"], d["size"], d["type"]) for d in image["_sim_data_disks"]] == [
        (seed.VOLUME_DB01_DATA, 200, "GPSSD"),
        (seed.VOLUME_DB01_OLD_LOGS, 60, "SAS"),
    ]


def test_cbr_backup_with_a_shared_disk_makes_an_image_and_servers(sim: RunningSimulator) -> None:
    image_id = make_image(sim, seed.CBR_BACKUP_SHARED_DISK, kind="CBR")
    server = PostPaidServer(
        image_ref=image_id,
        flavor_ref="s6.large.2",
        name="app01-clone",
        vpcid="vpc-0001",
        nics=[PostPaidServerNic(subnet_id="subnet-0001")],
        root_volume=PostPaidServerRootVolume(volumetype="SSD"),
    )
    body = CreatePostPaidServersRequestBody(server=server)
    server_id = (
        ecs_client(sim).create_post_paid_servers(CreatePostPaidServersRequest(body=body)).server_ids[0]
    )

    volumes = [v for v in sim.control.volumes() if server_id in [a["server_id"] for a in v["attachments"]]]
    # The shared disk comes back as an ordinary (not shared) disk of the original size and type.
    assert sorted((v["size"], v["volume_type"], v["multiattach"]) for v in volumes) == [
        (40, "SSD", False),
        (100, "SSD", False),
    ]


def test_csbs_backup_with_a_shared_disk_is_still_refused(sim: RunningSimulator) -> None:
    assert create_error(sim, seed.BACKUP_SHARED_DISK, "CSBS")[:2] == (400, "IMG.0132")


def test_cbr_backup_in_error_is_img_0032(sim: RunningSimulator) -> None:
    assert create_error(sim, seed.CBR_BACKUP_ERROR, "CBR") == (
        400,
        "IMG.0032",
        f"The backup is unavailable: {seed.CBR_BACKUP_ERROR} is error.",
    )


@pytest.mark.parametrize(
    ("backup_id", "kind"),
    [(seed.BACKUP_AVAILABLE, "CBR"), (seed.CBR_BACKUP_TWO_DATA_DISKS, "CSBS")],
    ids=["csbs-as-cbr", "cbr-as-csbs"],
)
def test_backup_of_the_other_service_is_img_0198(sim: RunningSimulator, backup_id: str, kind: str) -> None:
    assert create_error(sim, backup_id, kind) == (
        400,
        "IMG.0198",
        f"The backup ID does not match whole_image_type {kind}: {backup_id}.",
    )
