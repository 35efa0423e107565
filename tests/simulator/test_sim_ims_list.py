"""GET /v2/cloudimages filters and ordering, and the simulator-only record of an image's data disks."""

from __future__ import annotations

from typing import Any

import pytest
from sim_helpers import signed_request

from simulator import seed
from simulator.testing import RunningSimulator

CREATE = "/v1/cloudimages/wholeimages/action"
OWN_PROJECT = "<the simulator's project>"  # replaced by sim.project_id inside the test


def make_image(sim: RunningSimulator, backup_id: str, name: str, **fields: Any) -> str:
    body = {"name": name, "backup_id": backup_id, "whole_image_type": "CSBS", **fields}
    response = signed_request(sim, "POST", CREATE, body=body)
    assert response.status_code == 200, response.text
    job = signed_request(sim, "GET", f"/v1/{sim.project_id}/jobs/{response.json()['job_id']}").json()
    assert job["status"] == "SUCCESS"
    image_id: str = job["entities"]["image_id"]
    return image_id


def listed(sim: RunningSimulator, *query: tuple[str, str]) -> list[str]:
    response = signed_request(sim, "GET", "/v2/cloudimages", query=list(query))
    assert response.status_code == 200, response.text
    return [image["id"] for image in response.json()["images"]]


@pytest.fixture
def three_images(sim: RunningSimulator) -> list[str]:
    """IMAGE_EXISTING plus two new images (one in enterprise project "ep-1"), oldest first."""
    second = make_image(sim, seed.BACKUP_AVAILABLE, "b-second")
    third = make_image(sim, seed.BACKUP_STOPPED_SERVER, "a-third", enterprise_project_id="ep-1")
    return [seed.IMAGE_EXISTING, second, third]


@pytest.mark.parametrize(
    ("key", "value", "matches"),
    [
        ("__imagetype", "private", True),
        ("__imagetype", "gold", False),
        ("visibility", "private", True),
        ("visibility", "public", False),
        ("owner", OWN_PROJECT, True),
        ("owner", "f" * 32, False),
    ],
)
def test_filters_by_type_visibility_and_owner(
    sim: RunningSimulator, three_images: list[str], key: str, value: str, matches: bool
) -> None:
    wanted = sim.project_id if value == OWN_PROJECT else value
    assert sorted(listed(sim, (key, wanted))) == (sorted(three_images) if matches else [])


def test_filters_by_enterprise_project(sim: RunningSimulator, three_images: list[str]) -> None:
    assert listed(sim, ("enterprise_project_id", "ep-1")) == [three_images[2]]
    assert sorted(listed(sim, ("enterprise_project_id", "0"))) == sorted(three_images[:2])
    assert sorted(listed(sim, ("enterprise_project_id", "all_granted_eps"))) == sorted(three_images)


def test_default_order_is_newest_first(sim: RunningSimulator, three_images: list[str]) -> None:
    assert listed(sim) == listed(sim, ("sort_key", "created_at"), ("sort_dir", "desc"))
    assert listed(sim)[-1] == seed.IMAGE_EXISTING  # seeded in 2024, the others just now


def test_sort_by_name_in_both_directions(sim: RunningSimulator, three_images: list[str]) -> None:
    ascending = listed(sim, ("sort_key", "name"), ("sort_dir", "asc"))
    assert ascending == [three_images[2], three_images[1], seed.IMAGE_EXISTING]  # a-, b-, web01-
    assert listed(sim, ("sort_key", "name"), ("sort_dir", "desc")) == list(reversed(ascending))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [("sort_key", "size", "sort_key 'size' is not supported"), ("sort_dir", "up", "sort_dir must be asc")],
)
def test_bad_sort_is_img_0001(sim: RunningSimulator, key: str, value: str, message: str) -> None:
    response = signed_request(sim, "GET", "/v2/cloudimages", query=[(key, value)])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "IMG.0001"
    assert message in response.json()["error"]["message"]


def test_image_records_its_data_disks_from_the_backup(sim: RunningSimulator) -> None:
    image_id = make_image(sim, seed.BACKUP_TWO_DATA_DISKS, "two-disks")
    backup_path = f"/v1/{sim.project_id}/checkpoint_items/{seed.BACKUP_TWO_DATA_DISKS}"
    item = signed_request(sim, "GET", backup_path).json()["checkpoint_item"]
    snapshots = {v["source_volume_id"]: v["snapshot_id"] for v in item["extend_info"]["volume_backups"]}

    shown = next(i for i in sim.control.images() if i["id"] == image_id)

    assert shown["_sim_data_disks"] == [
        {
            "id": seed.VOLUME_WEB01_DATA,
            "size": 100,
            "type": "SSD",
            "snapshot_id": snapshots[seed.VOLUME_WEB01_DATA],
        },
        {
            "id": seed.VOLUME_WEB01_OLD_DATA,
            "size": 50,
            "type": "SAS",
            "snapshot_id": snapshots[seed.VOLUME_WEB01_OLD_DATA],
        },
    ]
    assert item["extend_info"]["os_images_data"] == [{"image_id": image_id}]
    saved = next(i for i in sim.control.state()["images"] if i["id"] == image_id)
    assert saved["_sim_data_disks"] == shown["_sim_data_disks"]


def test_data_disks_never_appear_in_the_cloud_api(sim: RunningSimulator) -> None:
    image_id = make_image(sim, seed.BACKUP_AVAILABLE, "one-disk")
    images = signed_request(sim, "GET", "/v2/cloudimages", query=[("id", image_id)]).json()["images"]
    glance = signed_request(sim, "GET", f"/v2/images/{image_id}").json()

    assert not any(key.startswith("_sim") for key in images[0])
    assert not any(key.startswith("_sim") for key in glance)


def test_seeded_image_records_the_data_disk_of_its_backup(sim: RunningSimulator) -> None:
    shown = next(i for i in sim.control.images() if i["id"] == seed.IMAGE_EXISTING)
    assert [(d["id"], d["size"], d["type"]) for d in shown["_sim_data_disks"]] == [
        (seed.VOLUME_WEB01_DATA, 100, "SSD")
    ]
