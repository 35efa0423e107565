"""CSBS checkpoint_items (no Python SDK): requests signed by huaweicloudsdkcore's Signer."""

from __future__ import annotations

import pytest
from huaweicloudsdkims.v2 import CreateWholeImageRequest, CreateWholeImageRequestBody, ShowJobRequest
from sim_helpers import ims_client, signed_request

from simulator import seed
from simulator.testing import RunningSimulator


def item_path(sim: RunningSimulator, item_id: str) -> str:
    return f"/v1/{sim.project_id}/checkpoint_items/{item_id}"


def test_show_checkpoint_item_lists_volume_backups(sim: RunningSimulator) -> None:
    item = signed_request(sim, "GET", item_path(sim, seed.BACKUP_TWO_DATA_DISKS)).json()["checkpoint_item"]

    volumes = item["extend_info"]["volume_backups"]
    assert (item["id"], item["status"], item["resource_id"]) == (
        seed.BACKUP_TWO_DATA_DISKS,
        "available",
        seed.SERVER_RUNNING,
    )
    assert [(v["source_volume_id"], v["source_volume_size"], v["bootable"]) for v in volumes] == [
        (seed.VOLUME_WEB01_SYSTEM, 40, True),
        (seed.VOLUME_WEB01_DATA, 100, False),
        (seed.VOLUME_WEB01_OLD_DATA, 50, False),
    ]


def test_backup_lists_the_image_it_produced(sim: RunningSimulator) -> None:
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(name="img", backup_id=seed.BACKUP_AVAILABLE, whole_image_type="CSBS")
    job_id = client.create_whole_image(CreateWholeImageRequest(body=body)).job_id
    image_id = client.show_job(ShowJobRequest(job_id=job_id)).entities.image_id

    item = signed_request(sim, "GET", item_path(sim, seed.BACKUP_AVAILABLE)).json()["checkpoint_item"]

    assert item["extend_info"]["os_images_data"] == [{"image_id": image_id}]


def test_unknown_checkpoint_item_is_csbs_3001(sim: RunningSimulator) -> None:
    response = signed_request(sim, "GET", item_path(sim, "nope"))
    assert response.status_code == 404
    assert response.json() == {"error_code": "CSBS.3001", "error_msg": "Checkpoint_item (nope) is not found."}


def test_cbr_backup_is_not_a_checkpoint_item(sim: RunningSimulator) -> None:
    assert signed_request(sim, "GET", item_path(sim, seed.CBR_BACKUP)).status_code == 404


def test_list_checkpoint_items_filters_by_status(sim: RunningSimulator) -> None:
    response = signed_request(
        sim, "GET", f"/v1/{sim.project_id}/checkpoint_items", query=[("status", "protecting")]
    )
    assert [i["id"] for i in response.json()["checkpoint_items"]] == [seed.BACKUP_PROTECTING]


def test_list_checkpoint_items_filters_by_resource_id(sim: RunningSimulator) -> None:
    response = signed_request(
        sim, "GET", f"/v1/{sim.project_id}/checkpoint_items", query=[("resource_id", seed.SERVER_STOPPED)]
    )
    assert sorted(i["id"] for i in response.json()["checkpoint_items"]) == [
        seed.BACKUP_ERROR,
        seed.BACKUP_STOPPED_SERVER,
    ]


def test_list_checkpoint_items_pages_with_limit_and_marker(sim: RunningSimulator) -> None:
    path = f"/v1/{sim.project_id}/checkpoint_items"
    everything = [i["id"] for i in signed_request(sim, "GET", path).json()["checkpoint_items"]]
    first = [
        i["id"] for i in signed_request(sim, "GET", path, query=[("limit", "3")]).json()["checkpoint_items"]
    ]
    rest = signed_request(sim, "GET", path, query=[("marker", first[-1])]).json()["checkpoint_items"]

    assert len(everything) == 10
    assert first + [i["id"] for i in rest] == everything


def test_list_checkpoint_items_rejects_a_bad_limit(sim: RunningSimulator) -> None:
    response = signed_request(sim, "GET", f"/v1/{sim.project_id}/checkpoint_items", query=[("limit", "-1")])
    assert response.status_code == 400
    assert response.json() == {
        "error_code": "CSBS.1001",
        "error_msg": "Invalid parameter: limit must be an integer from 0 to 1000, got '-1'",
    }


def listed(sim: RunningSimulator, *query: tuple[str, str]) -> list[str]:
    response = signed_request(sim, "GET", f"/v1/{sim.project_id}/checkpoint_items", query=list(query))
    assert response.status_code == 200
    return [item["id"] for item in response.json()["checkpoint_items"]]


def test_list_checkpoint_items_filters_by_name_fuzzily(sim: RunningSimulator) -> None:
    assert listed(sim, ("name", "daily")) == [
        seed.BACKUP_STOPPED_SERVER,
        seed.BACKUP_SHARED_DISK,
        seed.BACKUP_AVAILABLE,
    ]


def test_list_checkpoint_items_filters_by_resource_name_fuzzily(sim: RunningSimulator) -> None:
    assert listed(sim, ("resource_name", "db0")) == [seed.BACKUP_STOPPED_SERVER, seed.BACKUP_ERROR]


def test_list_checkpoint_items_default_order_is_newest_first(sim: RunningSimulator) -> None:
    ids = listed(sim)
    assert ids == listed(sim, ("sort", "created_at:desc"))
    assert ids == list(reversed(listed(sim, ("sort", "created_at:asc"))))
    assert ids[0] == seed.BACKUP_NO_SYSTEM_DISK


def test_list_checkpoint_items_sorts_by_several_keys(sim: RunningSimulator) -> None:
    by_status_then_name = listed(sim, ("sort", "status:desc,name:asc"), ("resource_name", "web01"))
    assert by_status_then_name == [
        seed.BACKUP_PROTECTING,  # protecting > available
        seed.BACKUP_DATA_DISK_GONE,  # web01-before-cleanup
        seed.BACKUP_AVAILABLE,  # web01-daily
        seed.BACKUP_NO_SYSTEM_DISK,  # web01-data-only
        seed.BACKUP_TWO_DATA_DISKS,  # web01-monthly
        seed.BACKUP_USED,  # web01-weekly
    ]


@pytest.mark.parametrize(
    ("sort", "message"),
    [
        ("size:asc", "sort key 'size' is not supported"),
        ("name:up", "sort direction of 'name' must be asc or desc, got 'up'"),
        ("name,", "sort key '' is not supported"),
    ],
)
def test_list_checkpoint_items_refuses_a_bad_sort(sim: RunningSimulator, sort: str, message: str) -> None:
    response = signed_request(sim, "GET", f"/v1/{sim.project_id}/checkpoint_items", query=[("sort", sort)])
    assert response.status_code == 400
    assert response.json()["error_code"] == "CSBS.1001"
    assert message in response.json()["error_msg"]
