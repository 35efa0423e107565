"""The program-side wait until `active` (an async function used in Output.apply)."""

from __future__ import annotations

import asyncio
import re

import pytest

from hwc_full_ecs_image.errors import ImageUnusableError, WaitTimeoutError
from hwc_full_ecs_image.polling import PollSchedule, Timing
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.settings import Settings
from hwc_full_ecs_image.waiter import ActiveImage, wait_until_active
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import FAST_TIMING, image_props

QUICK = Timing(PollSchedule(0.05, 1.5, 0.2), retry_base=0.0)  # jittered, as in real use


def wait(
    settings: Settings, image_id: str, job_id: str | None, timing: Timing = QUICK, *, quiet: bool = False
) -> tuple[ActiveImage, list[str]]:
    lines: list[str] = []
    result = asyncio.run(
        wait_until_active(
            settings,
            image_id=image_id,
            job_id=job_id,
            timeout_seconds=30,
            log=lines.append,
            quiet_if_active=quiet,
            timing=timing,
        )
    )
    return result, lines


def test_waits_for_active_with_one_line_per_state(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    sim.control.set_job_seconds(0.5)
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    result, lines = wait(settings, created.id, (created.outs or {})["job_id"])
    assert result.status == "active"
    assert result.min_disk == 40
    assert lines[-1].endswith("image active")
    assert len(lines) == len(set(lines))  # a line per change, never a repeat


def test_many_images_wait_concurrently(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    sim.control.set_job_seconds(0.5)
    backups = [seed.BACKUP_AVAILABLE, seed.BACKUP_TWO_DATA_DISKS, seed.BACKUP_STOPPED_SERVER]
    created = [provider.create(image_props(b, marker=f"{i:032x}")) for i, b in enumerate(backups)]

    async def all_of_them() -> list[ActiveImage]:
        return await asyncio.gather(
            *[
                wait_until_active(settings, image_id=c.id, job_id=(c.outs or {})["job_id"],
                                  timeout_seconds=30, log=lambda _: None, timing=QUICK)
                for c in created
            ]
        )  # fmt: skip

    assert [r.status for r in asyncio.run(all_of_them())] == ["active"] * 3


def test_failed_job_says_to_refresh(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    sim.control.set_job_seconds(0.5)
    sim.control.fail_next_job("IMG.0199", "disk copy failed")
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    with pytest.raises(
        ImageUnusableError, match=r"IMG\.0199: disk copy failed.*pulumi up --refresh"
    ) as error:
        wait(settings, created.id, (created.outs or {})["job_id"])
    assert error.value.message.startswith(f"error waiting for full-ECS image {created.id}:")


def test_image_deleted_while_waiting_says_to_refresh(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    sim.control.set_job_seconds(5)
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    sim.control.delete_image(created.id)
    with pytest.raises(ImageUnusableError, match=r"gone .*pulumi up --refresh"):
        wait(settings, created.id, None)


def test_wait_times_out(sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings) -> None:
    sim.control.set_job_seconds(60)
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    lines: list[str] = []
    with pytest.raises(
        WaitTimeoutError, match=r"active within create_timeout_minutes .last state: image (queued|saving)"
    ):
        asyncio.run(
            wait_until_active(settings, image_id=created.id, job_id=None, timeout_seconds=0.3,
                              log=lines.append, timing=QUICK)
        )  # fmt: skip


def test_waiter_retries_throttling(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    sim.control.inject_fault("throttle", route="ims.list_images", count=2)
    result, _ = wait(settings, created.id, None, FAST_TIMING)
    assert result.status == "active"


def test_an_expired_job_does_not_fail_the_wait(provider: FullEcsImageProvider, settings: Settings) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    result, _ = wait(settings, created.id, "00000000000000000000000000000000")
    assert result.status == "active"


def test_a_long_job_costs_one_job_read_per_round_and_one_image_read(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    """While the job is open only its progress is read; the image once, when the job succeeds.

    The job lasts 1 s; the sleeps are half the remaining time the percent predicts, within
    [0.01 s, 0.25 s]: about 3 at the cap, then halving to the floor near the end: 9 job reads measured.
    Round 2 read the job AND the image every round and restarted at the floor on each phase
    change: about 2 x 12 requests here (33 per image in `make bench`).
    """
    sim.control.set_job_seconds(1.0)
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    sim.control.clear_calls()
    timing = Timing(PollSchedule(0.01, 2.0, 0.25, jitter=0.0), retry_base=0.0)
    result, lines = wait(settings, created.id, (created.outs or {})["job_id"], timing)
    assert result.status == "active"
    calls = sim.control.calls()
    assert set(calls) == {"ims.show_job_progress", "ims.list_images"}
    assert calls["ims.list_images"] == 1  # not listed while the job is open
    assert 3 <= calls["ims.show_job_progress"] <= 18
    assert any(re.fullmatch(r"job (INIT|RUNNING) \d+%", line) for line in lines)
    assert lines[-1] == "job SUCCESS 100%, image active"
    assert len(lines) == len(set(lines))


def test_a_job_already_done_costs_exactly_one_round(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))  # job-seconds 0: done at once
    sim.control.clear_calls()
    # A slow schedule: a second round would be visible in the counts (and take 5 s).
    timing = Timing(PollSchedule(5.0, 1.0, 5.0), retry_base=0.0)
    result, lines = wait(settings, created.id, (created.outs or {})["job_id"], timing)
    assert result.status == "active"
    assert sim.control.calls() == {"ims.show_job_progress": 1, "ims.list_images": 1}
    assert lines == ["job SUCCESS 100%, image active"]


def test_an_image_found_active_by_an_unchanged_up_prints_nothing(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    """quiet_if_active (an `up` that did not create the image): active at the first poll, no line;
    still waiting at the first poll, every line as usual."""
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    result, lines = wait(settings, created.id, None, quiet=True)
    assert (result.status, lines) == ("active", [])
    sim.control.set_job_seconds(0.5)
    slow = provider.create(image_props(seed.BACKUP_TWO_DATA_DISKS, name="db01-full"))
    result, lines = wait(settings, slow.id, (slow.outs or {})["job_id"], quiet=True)
    assert result.status == "active"
    assert lines[-1] == "job SUCCESS 100%, image active"


def test_without_a_job_only_the_image_is_read(
    sim: RunningSimulator, provider: FullEcsImageProvider, settings: Settings
) -> None:
    sim.control.set_job_seconds(0.3)
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    sim.control.clear_calls()
    result, lines = wait(settings, created.id, None)
    assert result.status == "active"
    assert set(sim.control.calls()) == {"ims.list_images"}
    assert lines[-1] == "image active"
