"""Server-side rules of full-ECS image creation, with the documented IMS error codes."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkims.v2 import (
    CreateWholeImageRequest,
    CreateWholeImageRequestBody,
    GlanceDeleteImageRequest,
    ListImagesRequest,
    ShowJobRequest,
    TagKeyValue,
)
from sim_helpers import ims_client, sdk_error, signed_request

from simulator import seed
from simulator.testing import RunningSimulator


def create_error(sim: RunningSimulator, **fields: Any) -> tuple[int, str, str]:
    fields.setdefault("name", "img")
    fields.setdefault("whole_image_type", "CSBS")
    body = CreateWholeImageRequestBody(**fields)
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).create_whole_image(CreateWholeImageRequest(body=body))
    return sdk_error(err.value)


def test_unknown_csbs_backup_is_img_0127(sim: RunningSimulator) -> None:
    assert create_error(sim, backup_id="nope") == (400, "IMG.0127", "The CSBS backup does not exist: nope.")


def test_unknown_cbr_backup_is_img_0020(sim: RunningSimulator) -> None:
    assert create_error(sim, backup_id="nope", whole_image_type="CBR") == (
        400,
        "IMG.0020",
        "The backup does not exist: nope.",
    )


def test_backup_still_protecting_is_img_0132(sim: RunningSimulator) -> None:
    assert create_error(sim, backup_id=seed.BACKUP_PROTECTING) == (
        400,
        "IMG.0132",
        "The CSBS backup in the current state cannot be used to create a full-ECS image: "
        f"{seed.BACKUP_PROTECTING} is protecting, not available.",
    )


def test_backup_in_error_is_img_0132(sim: RunningSimulator) -> None:
    status, code, message = create_error(sim, backup_id=seed.BACKUP_ERROR)
    assert (status, code) == (400, "IMG.0132")
    assert message.endswith(f"{seed.BACKUP_ERROR} is error, not available.")


def test_backup_with_shared_disk_is_refused(sim: RunningSimulator) -> None:
    assert create_error(sim, backup_id=seed.BACKUP_SHARED_DISK) == (
        400,
        "IMG.0132",
        "The CSBS backup in the current state cannot be used to create a full-ECS image: "
        f"{seed.BACKUP_SHARED_DISK} includes shared (multiattach) disk {seed.VOLUME_SHARED}.",
    )


def test_backup_already_used_is_img_0134(sim: RunningSimulator) -> None:
    assert create_error(sim, backup_id=seed.BACKUP_USED) == (
        400,
        "IMG.0134",
        f"The CSBS backup has been registered as an image ({seed.IMAGE_EXISTING}): {seed.BACKUP_USED}. "
        "A CSBS backup can be used to create only one full-ECS image.",
    )


def test_backup_without_system_disk_is_img_0033(sim: RunningSimulator) -> None:
    assert create_error(sim, backup_id=seed.BACKUP_NO_SYSTEM_DISK) == (
        400,
        "IMG.0033",
        "The backup does not contain a system disk backup, so it is not a whole-server backup: "
        f"{seed.BACKUP_NO_SYSTEM_DISK}.",
    )


def test_csbs_backup_sent_as_cbr_is_img_0198(sim: RunningSimulator) -> None:
    assert create_error(sim, backup_id=seed.BACKUP_AVAILABLE, whole_image_type="CBR") == (
        400,
        "IMG.0198",
        f"The backup ID does not match whole_image_type CBR: {seed.BACKUP_AVAILABLE}.",
    )


def test_cbr_backup_sent_as_csbs_is_img_0198(sim: RunningSimulator) -> None:
    assert create_error(sim, backup_id=seed.CBR_BACKUP)[:2] == (400, "IMG.0198")


def test_whole_image_type_defaults_to_csbs(sim: RunningSimulator) -> None:
    response = signed_request(
        sim,
        "POST",
        "/v1/cloudimages/wholeimages/action",
        body={"name": "img", "backup_id": seed.BACKUP_AVAILABLE},
    )
    assert response.status_code == 200
    assert set(response.json()) == {"job_id"}


def test_second_image_from_the_same_backup_is_refused_until_the_first_is_deleted(
    sim: RunningSimulator,
) -> None:
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(name="first", backup_id=seed.BACKUP_AVAILABLE, whole_image_type="CSBS")
    job_id = client.create_whole_image(CreateWholeImageRequest(body=body)).job_id
    image_id = client.show_job(ShowJobRequest(job_id=job_id)).entities.image_id

    refused = create_error(sim, backup_id=seed.BACKUP_AVAILABLE)
    client.glance_delete_image(GlanceDeleteImageRequest(image_id=image_id))
    again = client.create_whole_image(CreateWholeImageRequest(body=body))

    assert refused[:2] == (400, "IMG.0134")
    assert again.job_id != job_id


def test_backup_of_a_stopped_server_is_usable(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(
        name="db01", backup_id=seed.BACKUP_STOPPED_SERVER, whole_image_type="CSBS"
    )
    job_id = client.create_whole_image(CreateWholeImageRequest(body=body)).job_id
    assert client.show_job(ShowJobRequest(job_id=job_id)).status == "SUCCESS"


def test_cbr_backup_with_cbr_type_is_usable(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(name="cbr", backup_id=seed.CBR_BACKUP, whole_image_type="CBR")
    job_id = client.create_whole_image(CreateWholeImageRequest(body=body)).job_id
    assert client.show_job(ShowJobRequest(job_id=job_id)).status == "SUCCESS"


def test_second_image_from_a_cbr_backup_is_img_0029(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(name="cbr", backup_id=seed.CBR_BACKUP, whole_image_type="CBR")
    client.create_whole_image(CreateWholeImageRequest(body=body))
    assert create_error(sim, backup_id=seed.CBR_BACKUP, whole_image_type="CBR")[:2] == (400, "IMG.0029")


def test_missing_name_is_img_0013(sim: RunningSimulator) -> None:
    response = signed_request(
        sim, "POST", "/v1/cloudimages/wholeimages/action", body={"backup_id": seed.BACKUP_AVAILABLE}
    )
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "IMG.0013", "message": "The image name is not specified."}}


def test_missing_backup_id_is_img_0019(sim: RunningSimulator) -> None:
    response = signed_request(sim, "POST", "/v1/cloudimages/wholeimages/action", body={"name": "img"})
    assert response.json() == {"error": {"code": "IMG.0019", "message": "The backup ID is not specified."}}


def test_name_longer_than_128_is_img_0002(sim: RunningSimulator) -> None:
    assert create_error(sim, name="n" * 129, backup_id=seed.BACKUP_AVAILABLE) == (
        400,
        "IMG.0002",
        "The image name contains more than 128 characters (129).",
    )


@pytest.mark.parametrize("name", [" leading", "trailing ", "semi;colon", "slash/name"])
def test_bad_name_format_is_img_0003(sim: RunningSimulator, name: str) -> None:
    assert create_error(sim, name=name, backup_id=seed.BACKUP_AVAILABLE) == (
        400,
        "IMG.0003",
        f"The image name format is invalid: '{name}' (use letters, digits, spaces, '-', '.', '_'; "
        "no leading or trailing space).",
    )


def test_description_longer_than_1024_is_img_0004(sim: RunningSimulator) -> None:
    assert create_error(sim, description="d" * 1025, backup_id=seed.BACKUP_AVAILABLE) == (
        400,
        "IMG.0004",
        "The description is invalid: it contains more than 1024 characters (1025).",
    )


def test_description_with_angle_bracket_is_img_0004(sim: RunningSimulator) -> None:
    assert create_error(sim, description="a<b", backup_id=seed.BACKUP_AVAILABLE) == (
        400,
        "IMG.0004",
        "The description is invalid: it must not contain '<'.",
    )


def test_more_than_ten_tags_is_img_0116(sim: RunningSimulator) -> None:
    tags = [TagKeyValue(key=f"k{i}", value="v") for i in range(11)]
    assert create_error(sim, image_tags=tags, backup_id=seed.BACKUP_AVAILABLE) == (
        400,
        "IMG.0116",
        "The number of image tags has reached the maximum allowed: 11 > 10.",
    )


def test_failed_job_removes_the_image_and_frees_the_backup(sim: RunningSimulator) -> None:
    sim.control.fail_next_job("IMG.0199", "disk copy failed")
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(
        name="doomed", backup_id=seed.BACKUP_AVAILABLE, whole_image_type="CSBS"
    )

    job = client.show_job(
        ShowJobRequest(job_id=client.create_whole_image(CreateWholeImageRequest(body=body)).job_id)
    )

    assert (job.status, job.error_code, job.fail_reason) == ("FAIL", "IMG.0199", "disk copy failed")
    assert client.list_images(ListImagesRequest(name="doomed")).images == []
    item = signed_request(sim, "GET", f"/v1/{sim.project_id}/checkpoint_items/{seed.BACKUP_AVAILABLE}").json()
    assert item["checkpoint_item"]["extend_info"]["os_images_data"] == []
    retry = client.create_whole_image(CreateWholeImageRequest(body=body))
    assert client.show_job(ShowJobRequest(job_id=retry.job_id)).status == "SUCCESS"


def test_failed_job_can_leave_a_killed_image(sim: RunningSimulator) -> None:
    sim.control.fail_next_job("IMG.0199", "disk copy failed", keep_image=True)
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(
        name="doomed", backup_id=seed.BACKUP_AVAILABLE, whole_image_type="CSBS"
    )

    job = client.show_job(
        ShowJobRequest(job_id=client.create_whole_image(CreateWholeImageRequest(body=body)).job_id)
    )

    assert job.status == "FAIL"
    assert [i.status for i in client.list_images(ListImagesRequest(name="doomed")).images] == ["killed"]
