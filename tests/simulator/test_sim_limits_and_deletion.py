"""Project-wide rate limits (429 APIG.0308 over all cloud routes) and image deletion that takes time."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from huaweicloudsdkims.v2 import GlanceDeleteImageRequest, GlanceDeleteImageRequestBody, ListImagesRequest
from sim_helpers import ims_client, make_image, signed_request

from simulator import seed
from simulator.testing import RunningSimulator, start_simulator


def get(sim: RunningSimulator, path: str) -> httpx.Response:
    return signed_request(sim, "GET", path)


def listed(sim: RunningSimulator, image_id: str) -> list[str]:
    images = ims_client(sim).list_images(ListImagesRequest(id=image_id)).images
    return [i.status for i in images]


def delete_image(sim: RunningSimulator, image_id: str, *, delete_backup: bool = False) -> None:
    body = GlanceDeleteImageRequestBody(delete_backup=delete_backup)
    ims_client(sim).glance_delete_image(GlanceDeleteImageRequest(image_id=image_id, body=body))


def test_project_limit_counts_every_route_together(sim: RunningSimulator) -> None:
    sim.control.set_rate_limit(3)  # route "*": every cloud route of the project
    paths = [
        "/v2/cloudimages",
        f"/v1/{sim.project_id}/cloudservers/{seed.SERVER_RUNNING}",
        f"/v2/{sim.project_id}/cloudvolumes/{seed.VOLUME_SHARED}",
        f"/v1/{sim.project_id}/jobs/nope",  # job reads count too (this one is a 404)
        f"/v3/{sim.project_id}/backups/{seed.CBR_BACKUP}",
    ]
    responses = [get(sim, path) for path in paths]

    assert [r.status_code for r in responses[:3]] == [200, 200, 200]
    throttled = responses[3]
    assert throttled.status_code == 429
    assert throttled.json() == {
        "error_code": "APIG.0308",
        "error_msg": "The throttling threshold has been reached: "
        "policy user over ratelimit,limit:3,time:1 second",
        "request_id": throttled.headers["X-Request-Id"],
    }
    time.sleep(1.05)  # a sliding one-second window: the earliest hits have left it
    assert get(sim, "/v2/cloudimages").status_code == 200


def test_a_refused_request_does_not_use_up_the_project_window(sim: RunningSimulator) -> None:
    sim.control.set_rate_limit(2)
    sim.control.set_rate_limit(1, route="ims.list_images")
    statuses = [get(sim, "/v2/cloudimages").status_code for _ in range(2)]
    other = get(sim, f"/v1/{sim.project_id}/cloudservers/{seed.SERVER_RUNNING}")
    assert (statuses, other.status_code) == ([200, 429], 200)


@pytest.fixture
def limited() -> Iterator[RunningSimulator]:
    with start_simulator(rate_limit=2) as running:
        yield running


def test_configured_limit_survives_reset_and_clear_faults(limited: RunningSimulator) -> None:
    limited.control.reset()
    limited.control.clear_faults()
    statuses = [get(limited, "/v2/cloudimages").status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429
    assert limited.control.faults()["rate_limits"] == {"*": 2.0}
    assert limited.control.calls()["ims.list_images"] == 3


def test_deleted_image_stays_listed_for_delete_seconds(sim: RunningSimulator) -> None:
    sim.control.set_delete_seconds(0.5)
    image_id = make_image(sim, seed.BACKUP_AVAILABLE)
    delete_image(sim, image_id, delete_backup=True)
    during = listed(sim, image_id)
    delete_image(sim, image_id)  # deleting again meanwhile is accepted
    backup_during = seed.BACKUP_AVAILABLE in {b["id"] for b in sim.control.state()["backups"]}
    time.sleep(0.6)

    assert (during, backup_during) == (["active"], True)
    assert listed(sim, image_id) == []
    assert seed.BACKUP_AVAILABLE not in {b["id"] for b in sim.control.state()["backups"]}


def test_without_delete_seconds_the_image_goes_at_once(sim: RunningSimulator) -> None:
    delete_image(sim, seed.IMAGE_EXISTING)
    assert listed(sim, seed.IMAGE_EXISTING) == []


def test_control_delete_is_immediate_even_with_delete_seconds(sim: RunningSimulator) -> None:
    sim.control.set_delete_seconds(60)
    sim.control.delete_image(seed.IMAGE_EXISTING)
    assert listed(sim, seed.IMAGE_EXISTING) == []


def test_delete_seconds_must_not_be_negative(sim: RunningSimulator) -> None:
    with pytest.raises(RuntimeError, match="seconds must be a finite number, 0 or more"):
        sim.control.set_delete_seconds(-1)
