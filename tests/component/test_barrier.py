"""delete() marks the image, deletes it and returns once IMS no longer lists it; a new image of the same
backup waits for an interrupted deletion. The 0.1 deletion barrier (kept only so that upgraded stacks can
delete theirs) still waits as it did."""

from __future__ import annotations

from typing import Any

from hwc_full_ecs_image.barrier import ImageGoneProvider
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.rules import DELETING_PREFIX, MARKER_TAG_KEY
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import FAST_TIMING, cloud, configured, image_props, sim_config


def barrier(sim: RunningSimulator) -> ImageGoneProvider:
    provider = ImageGoneProvider()
    provider.settings = configured(sim_config(sim)).settings
    provider.timing = FAST_TIMING
    return provider


def listed(sim: RunningSimulator, image_id: str) -> bool:
    return image_id in {i["id"] for i in sim.control.images()}


def test_delete_marks_and_deletes_and_returns_once_the_image_is_gone(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    props = image_props(seed.BACKUP_AVAILABLE)
    created = provider.create(props)
    sim.control.set_delete_seconds(0.5)

    provider.delete(created.id, dict(created.outs or {}))

    assert not listed(sim, created.id)
    assert sim.control.mutating_calls() == {
        "ims.create_whole_image": 1,
        "ims.batch_image_tags": 1,  # the marker becomes "deleting-<marker>" first
        "ims.delete_image": 1,
    }


def test_the_barrier_of_an_image_not_being_deleted_returns_at_once(sim: RunningSimulator) -> None:
    props: dict[str, Any] = image_props(seed.BACKUP_AVAILABLE)
    gone = barrier(sim).create(props)
    barrier(sim).delete(gone.id, dict(gone.outs or {}))
    assert sim.control.calls() == {"ims.list_images": 1}


def test_a_new_image_from_the_same_backup_waits_for_the_deleting_one(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    props = image_props(seed.BACKUP_AVAILABLE)
    old = provider.create(props)
    sim.control.set_delete_seconds(0.5)
    # A deletion an earlier run started and did not see through (its engine was killed).
    cloud(sim, "batch_image_tags", old.id, "create", {MARKER_TAG_KEY: DELETING_PREFIX + props["marker"]})
    cloud(sim, "delete_image", old.id)
    assert listed(sim, old.id)

    new = provider.create(image_props(seed.BACKUP_AVAILABLE))  # a replacement: same backup, same marker

    assert new.id != old.id
    assert not listed(sim, old.id)
    assert sim.control.calls()["ims.create_whole_image"] == 2  # nothing adopted: a new image


def test_the_barrier_is_replaced_when_what_it_waits_for_changes(sim: RunningSimulator) -> None:
    olds = image_props(seed.BACKUP_AVAILABLE)
    decision = barrier(sim).diff("m", olds, {**olds, "backup_id": seed.BACKUP_TWO_DATA_DISKS})
    assert decision.replaces == ["backup_id"]
    assert barrier(sim).diff("m", olds, dict(olds)).changes is False
