"""Every covered IMS operation through the official ImsClient, asserting on the parsed models."""

from __future__ import annotations

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkims.v2 import (
    AddImageTagRequest,
    AddImageTagRequestBody,
    BatchAddMembersRequest,
    BatchAddMembersRequestBody,
    BatchAddOrDeleteTagsRequest,
    BatchAddOrDeleteTagsRequestBody,
    CopyImageCrossRegionRequest,
    CopyImageCrossRegionRequestBody,
    CopyImageInRegionRequest,
    CopyImageInRegionRequestBody,
    CreateWholeImageRequest,
    CreateWholeImageRequestBody,
    DeleteImageTagRequest,
    ExportImageRequest,
    ExportImageRequestBody,
    GlanceAddImageMemberRequest,
    GlanceAddImageMemberRequestBody,
    GlanceDeleteImageRequest,
    GlanceDeleteImageRequestBody,
    GlanceShowImageRequest,
    ListImagesRequest,
    ListImageTagsRequest,
    ResourceTag,
    ShowJobProgressRequest,
    ShowJobRequest,
    TagKeyValue,
    UpdateImageRequest,
    UpdateImageRequestBody,
)
from sim_helpers import ims_client, sdk_error, signed_request

from simulator import seed
from simulator.testing import RunningSimulator

TIMEOUT_JOB_SECONDS = 3600.0  # a job that stays INIT for the whole test


def create(client: object, backup_id: str = seed.BACKUP_AVAILABLE, **fields: object) -> str:
    body = CreateWholeImageRequestBody(
        name=fields.pop("name", "web01-full"),
        backup_id=backup_id,
        whole_image_type=fields.pop("kind", "CSBS"),
        **fields,
    )
    job_id: str = client.create_whole_image(CreateWholeImageRequest(body=body)).job_id  # type: ignore[attr-defined]
    return job_id


def create_image(client: object, backup_id: str = seed.BACKUP_AVAILABLE, **fields: object) -> str:
    job = client.show_job(ShowJobRequest(job_id=create(client, backup_id, **fields)))  # type: ignore[attr-defined]
    assert job.status == "SUCCESS"
    image_id: str = job.entities.image_id
    return image_id


def image_of_backup(client: object, backup_id: str) -> str:
    """The image made from a backup, found as a client must while the job runs: list private images."""
    images = client.list_images(ListImagesRequest(imagetype="private")).images  # type: ignore[attr-defined]
    matches = [i.id for i in images if i.backup_id == backup_id]
    assert len(matches) == 1
    image_id: str = matches[0]
    return image_id


def test_create_whole_image_returns_a_job_that_succeeds_with_the_image(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    job_id = create(client, name="web01-full")

    job = client.show_job(ShowJobRequest(job_id=job_id))

    assert (job.job_id, job.job_type, job.status) == (job_id, "imsCreateWholeImageByBackupJob", "SUCCESS")
    assert job.entities.image_name == "web01-full"
    assert job.end_time.endswith("Z")
    assert job.error_code is None
    assert job.fail_reason is None


def test_image_made_from_backup_records_system_disk_os_and_backup(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    image_id = create_image(client, seed.BACKUP_TWO_DATA_DISKS, min_ram=1024, max_ram=8192, description="d1")

    image = client.list_images(ListImagesRequest(id=image_id)).images[0]

    assert (image.status, image.backup_id, image.min_disk) == ("active", seed.BACKUP_TWO_DATA_DISKS, 40)
    assert (image.os_version, image.min_ram, image.max_ram, image.description) == (
        seed.OS_VERSION,
        1024,
        "8192",
        "d1",
    )
    assert (image.imagetype, image.visibility, image.owner) == ("private", "private", sim.project_id)
    assert int(image.image_size) == (40 + 100 + 50) * 1024**3


def test_job_is_init_and_image_queued_while_the_job_runs(sim: RunningSimulator) -> None:
    sim.control.set_job_seconds(TIMEOUT_JOB_SECONDS)
    client = ims_client(sim)

    job = client.show_job(ShowJobRequest(job_id=create(client)))

    assert job.status == "INIT"
    assert job.end_time == ""
    # entities.image_id/image_name appear on SUCCESS only:
    # https://support.huaweicloud.com/intl/id-id/api-ims/ims_03_0905.html
    assert (job.entities.image_id, job.entities.image_name) == (None, None)
    image_id = image_of_backup(client, seed.BACKUP_AVAILABLE)
    image = client.list_images(ListImagesRequest(id=image_id)).images[0]
    assert image.status == "queued"


def test_show_job_progress_reports_percent(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    job_id = create(client)

    progress = client.show_job_progress(ShowJobProgressRequest(job_id=job_id))

    assert progress.status == "SUCCESS"
    assert progress.entities.process_percent == 100.0
    assert progress.entities.current_task == ""
    assert progress.entities.image_id == client.show_job(ShowJobRequest(job_id=job_id)).entities.image_id


def test_show_job_progress_of_a_fresh_long_job_is_near_zero_in_init(sim: RunningSimulator) -> None:
    sim.control.set_job_seconds(TIMEOUT_JOB_SECONDS)
    client = ims_client(sim)

    progress = client.show_job_progress(ShowJobProgressRequest(job_id=create(client)))

    assert progress.status == "INIT"
    assert 0.0 <= progress.entities.process_percent < 1.0
    assert progress.entities.current_task == "init"
    assert progress.entities.image_id is None


def test_show_job_unknown_id_is_404(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).show_job(ShowJobRequest(job_id="ff80808294c3aa7b0194c3f1d2e50a11"))
    assert sdk_error(err.value) == (
        404,
        "IMG.0144",
        "The job does not exist: ff80808294c3aa7b0194c3f1d2e50a11.",
    )


def test_list_images_filters_by_name_and_status(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    create_image(client, name="alpha")

    by_name = client.list_images(ListImagesRequest(name="alpha")).images
    by_status = client.list_images(ListImagesRequest(status="queued")).images

    assert [i.name for i in by_name] == ["alpha"]
    assert by_status == []


def test_list_images_pages_with_limit_and_marker(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    create_image(client, seed.BACKUP_AVAILABLE, name="one")
    create_image(client, seed.BACKUP_STOPPED_SERVER, name="two")
    all_ids = [i.id for i in client.list_images(ListImagesRequest()).images]

    first = client.list_images(ListImagesRequest(limit=2)).images
    rest = client.list_images(ListImagesRequest(limit=2, marker=first[-1].id)).images

    assert len(all_ids) == 3
    assert [i.id for i in first + rest] == all_ids


def test_list_images_whole_image_filter(sim: RunningSimulator) -> None:
    whole = signed_request(sim, "GET", "/v2/cloudimages", query=[("__whole_image", "true")])
    other = signed_request(sim, "GET", "/v2/cloudimages", query=[("__whole_image", "false")])

    assert [i["id"] for i in whole.json()["images"]] == [seed.IMAGE_EXISTING]
    assert whole.json()["images"][0]["__whole_image"] == "true"
    assert other.json()["images"] == []


def test_glance_show_image_returns_the_unwrapped_image(sim: RunningSimulator) -> None:
    image = ims_client(sim).glance_show_image(GlanceShowImageRequest(image_id=seed.IMAGE_EXISTING))
    assert (image.id, image.name) == (seed.IMAGE_EXISTING, "web01-legacy-full")


def test_update_image_replaces_name(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = [UpdateImageRequestBody(op="replace", path="/name", value="renamed")]

    updated = client.update_image(UpdateImageRequest(image_id=seed.IMAGE_EXISTING, body=body))

    assert updated.name == "renamed"
    assert client.list_images(ListImagesRequest(id=seed.IMAGE_EXISTING)).images[0].name == "renamed"


def test_update_image_replace_of_absent_attribute_is_img_0035(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = [UpdateImageRequestBody(op="replace", path="/max_ram", value="4096")]

    with pytest.raises(ClientRequestException) as err:
        client.update_image(UpdateImageRequest(image_id=seed.IMAGE_EXISTING, body=body))

    assert sdk_error(err.value) == (
        400,
        "IMG.0035",
        "Attribute conflict: the image has no 'max_ram' to replace; use op 'add'.",
    )


def test_update_image_add_sets_an_absent_attribute(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = [UpdateImageRequestBody(op="add", path="/max_ram", value="4096")]

    updated = client.update_image(UpdateImageRequest(image_id=seed.IMAGE_EXISTING, body=body))

    assert updated.max_ram == "4096"


def test_update_image_refuses_an_image_that_is_not_active(sim: RunningSimulator) -> None:
    sim.control.set_job_seconds(TIMEOUT_JOB_SECONDS)
    client = ims_client(sim)
    create(client)
    image_id = image_of_backup(client, seed.BACKUP_AVAILABLE)
    body = [UpdateImageRequestBody(op="replace", path="/name", value="x")]

    with pytest.raises(ClientRequestException) as err:
        client.update_image(UpdateImageRequest(image_id=image_id, body=body))

    assert sdk_error(err.value) == (
        400,
        "IMG.0027",
        f"The image status is invalid: {image_id} is queued, not active.",
    )


@pytest.mark.parametrize(
    "content_type",
    ["application/json;charset=UTF-8", "application/json", "application/openstack-images-v2.1-json-patch"],
)
def test_update_image_accepts_the_three_patch_content_types(sim: RunningSimulator, content_type: str) -> None:
    response = signed_request(
        sim,
        "PATCH",
        f"/v2/cloudimages/{seed.IMAGE_EXISTING}",
        body=[{"op": "replace", "path": "/__description", "value": "new text"}],
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 200
    assert response.json()["__description"] == "new text"


def test_update_image_rejects_other_content_types(sim: RunningSimulator) -> None:
    response = signed_request(
        sim,
        "PATCH",
        f"/v2/cloudimages/{seed.IMAGE_EXISTING}",
        body=[{"op": "replace", "path": "/name", "value": "x"}],
        headers={"Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "IMG.0001"


def test_delete_image_keeps_the_backup_by_default(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = GlanceDeleteImageRequestBody(delete_backup=False)

    client.glance_delete_image(GlanceDeleteImageRequest(image_id=seed.IMAGE_EXISTING, body=body))

    assert client.list_images(ListImagesRequest(id=seed.IMAGE_EXISTING)).images == []
    item = signed_request(sim, "GET", f"/v1/{sim.project_id}/checkpoint_items/{seed.BACKUP_USED}").json()
    assert item["checkpoint_item"]["extend_info"]["os_images_data"] == []


def test_delete_image_with_delete_backup_removes_the_backup(sim: RunningSimulator) -> None:
    body = GlanceDeleteImageRequestBody(delete_backup=True)

    ims_client(sim).glance_delete_image(GlanceDeleteImageRequest(image_id=seed.IMAGE_EXISTING, body=body))

    item = signed_request(sim, "GET", f"/v1/{sim.project_id}/checkpoint_items/{seed.BACKUP_USED}")
    assert item.status_code == 404


def test_delete_image_answers_204_with_an_empty_body(sim: RunningSimulator) -> None:
    response = signed_request(sim, "DELETE", f"/v2/images/{seed.IMAGE_EXISTING}")
    assert (response.status_code, response.content) == (204, b"")


def test_delete_unknown_image_is_404(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).glance_delete_image(GlanceDeleteImageRequest(image_id="nope"))
    assert sdk_error(err.value) == (404, "IMG.0144", "The image does not exist: nope.")


def test_list_image_tags(sim: RunningSimulator) -> None:
    tags = ims_client(sim).list_image_tags(ListImageTagsRequest(image_id=seed.IMAGE_EXISTING)).tags
    assert [(t.key, t.value) for t in tags] == [("owner", "ops")]


def test_batch_tags_create_overwrites_and_delete_removes(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    create_body = BatchAddOrDeleteTagsRequestBody(
        action="create", tags=[ResourceTag(key="owner", value="dev"), ResourceTag(key="env", value="prod")]
    )
    client.batch_add_or_delete_tags(
        BatchAddOrDeleteTagsRequest(image_id=seed.IMAGE_EXISTING, body=create_body)
    )
    after_create = client.list_image_tags(ListImageTagsRequest(image_id=seed.IMAGE_EXISTING)).tags
    delete_body = BatchAddOrDeleteTagsRequestBody(
        action="delete", tags=[ResourceTag(key="owner", value="dev"), ResourceTag(key="missing", value="")]
    )
    client.batch_add_or_delete_tags(
        BatchAddOrDeleteTagsRequest(image_id=seed.IMAGE_EXISTING, body=delete_body)
    )
    after_delete = client.list_image_tags(ListImageTagsRequest(image_id=seed.IMAGE_EXISTING)).tags

    assert sorted((t.key, t.value) for t in after_create) == [("env", "prod"), ("owner", "dev")]
    assert [(t.key, t.value) for t in after_delete] == [("env", "prod")]


def test_batch_tags_action_is_case_sensitive(sim: RunningSimulator) -> None:
    body = BatchAddOrDeleteTagsRequestBody(action="CREATE", tags=[ResourceTag(key="a", value="b")])
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).batch_add_or_delete_tags(
            BatchAddOrDeleteTagsRequest(image_id=seed.IMAGE_EXISTING, body=body)
        )
    assert sdk_error(err.value) == (
        400,
        "IMG.0001",
        "The request message format is invalid: action must be 'create' or 'delete', got 'CREATE'.",
    )


def test_add_and_delete_one_tag(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = AddImageTagRequestBody(tag=ResourceTag(key="team", value="web"))
    client.add_image_tag(AddImageTagRequest(image_id=seed.IMAGE_EXISTING, body=body))
    added = client.list_image_tags(ListImageTagsRequest(image_id=seed.IMAGE_EXISTING)).tags
    client.delete_image_tag(DeleteImageTagRequest(image_id=seed.IMAGE_EXISTING, key="owner"))
    remaining = client.list_image_tags(ListImageTagsRequest(image_id=seed.IMAGE_EXISTING)).tags

    assert sorted(t.key for t in added) == ["owner", "team"]
    assert [t.key for t in remaining] == ["team"]


def test_tag_quota_is_ten_per_image(sim: RunningSimulator) -> None:
    tags = [ResourceTag(key=f"k{i}", value="v") for i in range(10)]  # plus the seeded "owner" tag = 11
    body = BatchAddOrDeleteTagsRequestBody(action="create", tags=tags)
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).batch_add_or_delete_tags(
            BatchAddOrDeleteTagsRequest(image_id=seed.IMAGE_EXISTING, body=body)
        )
    assert sdk_error(err.value) == (
        400,
        "IMG.0116",
        "The number of image tags has reached the maximum allowed: 11 > 10.",
    )


def test_tag_key_longer_than_36_characters_is_refused(sim: RunningSimulator) -> None:
    body = AddImageTagRequestBody(tag=ResourceTag(key="k" * 37, value="v"))
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).add_image_tag(AddImageTagRequest(image_id=seed.IMAGE_EXISTING, body=body))
    assert sdk_error(err.value) == (
        400,
        "IMG.0001",
        f"The request message format is invalid: tag key '{'k' * 37}' must be 1-36 characters.",
    )


def test_create_with_image_tags_stores_them(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    image_id = create_image(
        client, image_tags=[TagKeyValue(key="managed-by-pulumi-full-ecs-image", value="a" * 32)]
    )

    tags = client.list_image_tags(ListImageTagsRequest(image_id=image_id)).tags

    assert [(t.key, t.value) for t in tags] == [("managed-by-pulumi-full-ecs-image", "a" * 32)]


def test_sharing_a_csbs_based_image_is_refused(sim: RunningSimulator) -> None:
    body = BatchAddMembersRequestBody(images=[seed.IMAGE_EXISTING], projects=["f" * 32])
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).batch_add_members(BatchAddMembersRequest(body=body))
    status, code, message = sdk_error(err.value)
    assert (status, code) == (400, "IMG.0135")
    assert message.startswith(
        f"The full-ECS image cannot be shared: {seed.IMAGE_EXISTING} was created from a CSBS"
    )


def test_sharing_a_cbr_based_image_is_accepted(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    image_id = create_image(client, seed.CBR_BACKUP, kind="CBR")
    body = BatchAddMembersRequestBody(images=[image_id], projects=["f" * 32])

    job_id = client.batch_add_members(BatchAddMembersRequest(body=body)).job_id

    assert client.show_job(ShowJobRequest(job_id=job_id)).status == "SUCCESS"


def test_native_add_member_refuses_a_csbs_based_image(sim: RunningSimulator) -> None:
    body = GlanceAddImageMemberRequestBody(member="f" * 32)
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).glance_add_image_member(
            GlanceAddImageMemberRequest(image_id=seed.IMAGE_EXISTING, body=body)
        )
    assert sdk_error(err.value)[:2] == (400, "IMG.0135")


def test_export_is_refused(sim: RunningSimulator) -> None:
    body = ExportImageRequestBody(bucket_url="bucket:file.zvhd2", file_format="zvhd2")
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).export_image(ExportImageRequest(image_id=seed.IMAGE_EXISTING, body=body))
    assert sdk_error(err.value) == (
        400,
        "IMG.0128",
        f"The full-ECS image cannot be exported: {seed.IMAGE_EXISTING}.",
    )


def test_copy_in_region_is_refused(sim: RunningSimulator) -> None:
    body = CopyImageInRegionRequestBody(name="copy")
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).copy_image_in_region(
            CopyImageInRegionRequest(image_id=seed.IMAGE_EXISTING, body=body)
        )
    assert sdk_error(err.value) == (
        400,
        "IMG.0130",
        f"The full-ECS image cannot be exported or replicated: {seed.IMAGE_EXISTING}.",
    )


def test_cross_region_copy_is_refused(sim: RunningSimulator) -> None:
    body = CopyImageCrossRegionRequestBody(name="copy", region="eu-west-0", project_name="eu-west-0")
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim).copy_image_cross_region(
            CopyImageCrossRegionRequest(image_id=seed.IMAGE_EXISTING, body=body)
        )
    assert sdk_error(err.value)[:2] == (400, "IMG.0130")
    assert sim.control.calls()["ims.cross_region_copy_image"] == 1
