"""A full-ECS image from a CBR backup: its own preflight through the CBR API, the same flow after it."""

from __future__ import annotations

import pytest

from hwc_full_ecs_image.errors import PreflightError
from hwc_full_ecs_image.provider import FullEcsImageProvider
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import image_props


def test_a_cbr_backup_makes_a_full_ecs_image_through_the_same_flow(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    result = provider.create(image_props(seed.CBR_BACKUP_TWO_DATA_DISKS, source="cbr"))
    outs = result.outs or {}
    [image] = [i for i in sim.control.images() if i["id"] == result.id]
    assert image["__backup_id"] == seed.CBR_BACKUP_TWO_DATA_DISKS
    assert outs["source"] == "cbr"
    assert len(outs["data_disks"]) == 2
    calls = sim.control.calls()
    assert calls["cbr.show_backup"] == 1
    assert "csbs.show_checkpoint_item" not in calls


@pytest.mark.parametrize(
    ("backup_id", "source", "expected"),
    [
        (seed.CBR_BACKUP_ERROR, "cbr", "is error; only an available CBR backup"),
        (
            seed.CBR_BACKUP_SHARED_DISK,
            "cbr",
            "a CBR backup used to create a full-ECS image cannot have shared",
        ),
        (
            seed.BACKUP_AVAILABLE,
            "cbr",
            f"backup {seed.BACKUP_AVAILABLE} is a CSBS backup, but source is 'cbr'",
        ),
        (seed.CBR_BACKUP, "csbs", f"backup {seed.CBR_BACKUP} is a CBR backup, but source is 'csbs'"),
        (
            "e0000000-0000-4000-8000-0000000000ff",
            "cbr",
            "CBR backup e0000000-0000-4000-8000-0000000000ff does not",
        ),
    ],
    ids=["error", "shared-disk", "csbs-id-as-cbr", "cbr-id-as-csbs", "missing"],
)
def test_cbr_preflight_refuses_without_a_write(
    sim: RunningSimulator, provider: FullEcsImageProvider, backup_id: str, source: str, expected: str
) -> None:
    with pytest.raises(PreflightError, match=expected):
        provider.create(image_props(backup_id, source=source))
    assert sim.control.mutating_calls() == {}
    # check() (the preview) refuses the same, naming backup_id
    [failure] = provider.check({}, image_props(backup_id, source=source)).failures
    assert failure.property == "backup_id"
    assert expected.split(" is ", 1)[-1][:20] in failure.reason


def test_one_cbr_backup_makes_one_image(sim: RunningSimulator, provider: FullEcsImageProvider) -> None:
    first = provider.create(image_props(seed.CBR_BACKUP, source="cbr"))
    with pytest.raises(PreflightError, match=f"already produced full-ECS image {first.id}"):
        provider.create(image_props(seed.CBR_BACKUP, source="cbr", marker="e" * 32))
