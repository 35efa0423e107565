"""--region (start_simulator(region=...)) decides where the seeded resources live."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sim_helpers import signed_request

from simulator import seed
from simulator.testing import RunningSimulator, start_simulator

REGION = "eu-west-101"


@pytest.fixture(scope="module")
def eu_sim() -> Iterator[RunningSimulator]:
    with start_simulator(region=REGION) as running:
        yield running


def test_servers_and_volumes_live_in_the_regions_first_az(eu_sim: RunningSimulator) -> None:
    server = signed_request(eu_sim, "GET", f"/v1/{eu_sim.project_id}/cloudservers/{seed.SERVER_RUNNING}")
    volume = signed_request(eu_sim, "GET", f"/v2/{eu_sim.project_id}/cloudvolumes/{seed.VOLUME_WEB01_DATA}")

    assert server.json()["server"]["OS-EXT-AZ:availability_zone"] == "eu-west-101a"
    assert volume.json()["volume"]["availability_zone"] == "eu-west-101a"


def test_csbs_backup_names_the_region_and_az(eu_sim: RunningSimulator) -> None:
    path = f"/v1/{eu_sim.project_id}/checkpoint_items/{seed.BACKUP_AVAILABLE}"
    item = signed_request(eu_sim, "GET", path).json()["checkpoint_item"]

    assert item["backup_data"]["__openstack_region_name"] == REGION
    assert item["extend_info"]["resource_az"] == "eu-west-101a"


def test_reset_keeps_the_region(eu_sim: RunningSimulator) -> None:
    eu_sim.control.reset("default")
    server = signed_request(eu_sim, "GET", f"/v1/{eu_sim.project_id}/cloudservers/{seed.SERVER_STOPPED}")
    assert server.json()["server"]["OS-EXT-AZ:availability_zone"] == "eu-west-101a"


def test_default_region_is_ap_southeast_1(sim: RunningSimulator) -> None:
    path = f"/v1/{sim.project_id}/checkpoint_items/{seed.BACKUP_AVAILABLE}"
    item = signed_request(sim, "GET", path).json()["checkpoint_item"]
    assert (item["backup_data"]["__openstack_region_name"], item["extend_info"]["resource_az"]) == (
        "ap-southeast-1",
        seed.AZ,
    )
