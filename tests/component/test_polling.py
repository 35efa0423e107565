"""The wait loop's timing: the growing schedule, percent-sized sleeps, jitter, and the deadline."""

from __future__ import annotations

import asyncio
import itertools
import random
import time

import pytest

from hwc_full_ecs_image.errors import WaitTimeoutError
from hwc_full_ecs_image.polling import Goal, PollSchedule, PollState, Seen, wait_for


def test_poll_schedule_grows_to_cap() -> None:
    intervals = list(itertools.islice(PollSchedule(0.5, 1.5, 2.0).intervals(), 5))
    assert intervals == [0.5, 0.75, 1.125, 1.6875, 2.0]


def test_poll_state_restarts_the_schedule_only_on_a_new_phase() -> None:
    state = PollState(PollSchedule(1.0, 2.0, 8.0, jitter=0.0))

    def step(line: str, phase: str) -> tuple[str | None, float]:
        printed = state.observe(Seen(None, line, phase), now=0.0)
        return printed, state.next_interval(what="x", deadline=1e9, hint="", now=0.0)

    assert step("job RUNNING 10%", "job RUNNING") == ("job RUNNING 10%", 1.0)
    assert step("job RUNNING 20%", "job RUNNING") == ("job RUNNING 20%", 2.0)  # printed, not reset
    assert step("job RUNNING 20%", "job RUNNING") == (None, 4.0)  # nothing new: not printed
    assert step("job RUNNING 30%", "job RUNNING") == ("job RUNNING 30%", 8.0)
    assert step("job SUCCESS 100%", "job SUCCESS") == ("job SUCCESS 100%", 1.0)  # new phase: reset


def test_poll_state_sleeps_to_the_end_the_percent_predicts_in_at_most_halves_of_the_job() -> None:
    state = PollState(PollSchedule(0.5, 1.5, 10.0, jitter=0.0))

    def sleep_after(now: float, percent: float | None, phase: str = "job RUNNING") -> float:
        state.observe(Seen(None, f"{phase} {percent}%", phase, percent), now=now)
        return state.next_interval(what="x", deadline=1e9, hint="", now=now)

    assert sleep_after(100.0, 10.0, "job INIT") == 0.5  # one sighting gives no rate: `first`
    # 5 %/s: a 20 s job with 17.5 s left; half of it is `cap`, which bounds the sleep
    assert sleep_after(100.5, 12.5, "job INIT") == pytest.approx(10.0)
    # INIT -> RUNNING keeps the rate (the percent is the job's): 8.75 s left, slept to just past
    # the end (+ `first`), so the next poll sees the job done rather than at 99 %
    assert sleep_after(109.25, 56.25) == pytest.approx(9.25)
    assert sleep_after(118.0, 99.9) == pytest.approx(0.52, abs=1e-3)  # 0.02 s left, + `first`
    # A 60 s job is re-checked every half of it (30 s), a 600 s job every 60 s (`longest`): few requests.
    for length in (60.0, 600.0):
        state = PollState(PollSchedule(0.5, 1.5, 10.0, jitter=0.0))
        assert sleep_after(0.0, 0.0) == 0.5
        assert sleep_after(0.5, 0.5 * 100 / length) == pytest.approx(min(length / 2, 60.0))
        assert sleep_after(length * 0.9, 90.0) == pytest.approx(min(length * 0.1 + 0.5, 60.0))
    # A stalled percent slows the estimated rate (longer sleeps) instead of spinning at the floor.
    state = PollState(PollSchedule(0.5, 1.5, 10.0, jitter=0.0))
    sleep_after(0.0, 10.0)
    assert sleep_after(1.0, 20.0) == pytest.approx(8.5)  # 10 %/s: 8 s left (+ `first`)
    assert sleep_after(9.0, 20.0) == pytest.approx(45.0)  # 20 % in 9 s: 72 s left, half of 90 s
    # An estimate made while the job was queued (0.2 % after a minute) sleeps no longer than `longest`.
    state = PollState(PollSchedule(0.5, 1.5, 10.0, jitter=0.0), anchor=(0.0, 0.0))
    assert sleep_after(60.0, 0.2) == pytest.approx(60.0)
    # No percent (the image phases): the schedule again.
    assert sleep_after(6.0, None, "image saving") == 0.5
    assert sleep_after(6.5, None, "image saving") == 0.75


def test_percent_sleeps_land_at_most_first_past_the_predicted_end() -> None:
    rand = random.Random(7)
    state = PollState(PollSchedule(0.5, 1.5, 10.0, jitter=0.2), rand.random)
    state.observe(Seen(None, "job RUNNING 0%", "job RUNNING", 0.0), now=0.0)
    state.observe(Seen(None, "job RUNNING 50%", "job RUNNING", 50.0), now=5.0)  # 5 s left
    sleeps = [state.next_interval(what="x", deadline=1e9, hint="", now=5.0) for _ in range(100)]
    assert all(5.4 <= s <= 5.5 for s in sleeps)  # past the predicted end, by `first` at most


def test_poll_state_jitter_stays_within_its_bounds_and_can_be_disabled() -> None:
    rand = random.Random(20240501)
    state = PollState(PollSchedule(1.0, 1.0, 1.0, jitter=0.2), rand.random)
    state.observe(Seen(None, "job RUNNING", None), now=0.0)
    sleeps = [state.next_interval(what="x", deadline=1e9, hint="", now=0.0) for _ in range(200)]
    assert all(0.8 <= s <= 1.2 for s in sleeps)
    assert min(sleeps) < 0.9
    assert max(sleeps) > 1.1
    assert len(set(sleeps)) > 100
    # The same seed gives the same sleeps; jitter 0 gives the schedule exactly.
    again = PollState(PollSchedule(1.0, 1.0, 1.0, jitter=0.2), random.Random(20240501).random)
    again.observe(Seen(None, "job RUNNING", None), now=0.0)
    assert [again.next_interval(what="x", deadline=1e9, hint="", now=0.0) for _ in range(200)] == sleeps
    exact = PollState(PollSchedule(1.0, 1.0, 1.0, jitter=0.0), rand.random)
    exact.observe(Seen(None, "job RUNNING", None), now=0.0)
    assert {exact.next_interval(what="x", deadline=1e9, hint="", now=0.0) for _ in range(50)} == {1.0}


def test_the_last_sleep_is_cut_to_end_at_the_deadline_and_the_deadline_itself_stops() -> None:
    state = PollState(PollSchedule(10.0, 1.0, 10.0, jitter=0.0))
    state.observe(Seen(None, "job RUNNING"), now=0.0)
    assert state.next_interval(what="x", deadline=3.0, hint="", now=0.0) == 3.0  # not 10, and no timeout
    with pytest.raises(WaitTimeoutError, match=r"timed out waiting for x \(last state: job RUNNING\)"):
        state.next_interval(what="x", deadline=3.0, hint="", now=3.0)


def test_a_wait_checks_once_more_at_the_deadline() -> None:
    polls: list[float] = []
    start = time.monotonic()

    async def poll() -> Seen[bool]:
        polls.append(time.monotonic() - start)
        return Seen(None, "still running")

    with pytest.raises(WaitTimeoutError):
        asyncio.run(
            wait_for(
                poll, Goal("x", ""), deadline=start + 0.3, schedule=PollSchedule(0.2, 1.0, 0.2, jitter=0.0),
                on_line=lambda _line: None,
            )
        )  # fmt: skip
    # polls at 0, 0.2 and 0.3 (the deadline): the timeout means the whole budget was waited
    assert len(polls) == 3
    assert polls[-1] == pytest.approx(0.3, abs=0.05)


def test_a_known_job_start_predicts_the_end_from_the_first_poll() -> None:
    state = PollState(PollSchedule(0.5, 1.5, 10.0, jitter=0.0), anchor=(100.0, 0.0))
    state.observe(Seen(None, "job RUNNING 10%", "job RUNNING", 10.0), now=102.0)  # a 20 s job
    assert state.next_interval(what="x", deadline=1e9, hint="", now=102.0) == pytest.approx(10.0)
    state.observe(Seen(None, "job RUNNING 60%", "job RUNNING", 60.0), now=112.0)
    assert state.next_interval(what="x", deadline=1e9, hint="", now=112.0) == pytest.approx(8.5)
