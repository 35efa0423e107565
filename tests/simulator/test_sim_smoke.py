"""Smoke test of the whole flow through the official IMS SDK client."""

from __future__ import annotations

from huaweicloudsdkims.v2 import (
    CreateWholeImageRequest,
    CreateWholeImageRequestBody,
    ListImagesRequest,
    ShowJobRequest,
)
from sim_helpers import ims_client

from simulator import seed
from simulator.testing import RunningSimulator


def test_create_whole_image_from_csbs_backup_becomes_active(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(
        name="web01-full", backup_id=seed.BACKUP_AVAILABLE, whole_image_type="CSBS"
    )
    job_id = client.create_whole_image(CreateWholeImageRequest(body=body)).job_id

    job = client.show_job(ShowJobRequest(job_id=job_id))

    assert job.status == "SUCCESS"
    images = client.list_images(ListImagesRequest(id=job.entities.image_id)).images
    assert [(i.name, i.status, i.backup_id) for i in images] == [
        ("web01-full", "active", seed.BACKUP_AVAILABLE)
    ]
