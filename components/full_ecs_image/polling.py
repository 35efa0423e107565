"""Waiting for a state: the timing knobs and one (async) wait loop, used by the provider and the program.

A poll returns what it saw as a `Seen`: the result (None while not there yet), the progress line
to print, the phase, and the job's percent when it read one. A line is printed once per change.

How long to sleep before the next poll (PollState.next_interval):
- While a job reports a rising percent: until its predicted end (the estimated remaining time),
  but no longer than half the job's estimated length (nor `cap`, if that is longer), and never below
  `first`. Why: the percent says when the job will end, so one sleep reaches the end instead of a
  fixed schedule's many; the half-the-job bound re-checks the estimate on the way, so a job that
  speeds up is noticed within half its length at worst. A 60 s or 600 s job costs about 5 job reads
  (Terraform's 10 s schedule: 6 and 60), and the end is noticed within about `first` when the
  percent is steady. The sleep to the predicted end ends up to `first` past it (jittered within
  that margin), so the poll after it finds the job done.
  The rate is the average since the percent was first seen, so a percent that stalls makes the
  estimate (and the sleep) grow instead of spinning at the floor.
- Otherwise (no job, a percent not rising yet, the image phases after the job): the growing
  schedule, restarted at `first` on a change of phase (job status, image status). A percent that
  rises on every poll changes the line but not the phase.
Every sleep is jittered (PollSchedule.jitter). The first poll is immediate, so a job that is
already done costs exactly one round. A sleep that would pass the deadline is cut short so that
the last poll happens AT the deadline: a timeout of one minute means one minute of waiting.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from .errors import WaitTimeoutError

T = TypeVar("T")


@dataclass(frozen=True)
class PollSchedule:
    """Poll intervals: a quick first check, then x`factor` up to `cap`; reset when a phase changes.

    The defaults notice a job that ends in a few seconds within about a second, and settle at one
    request per image every 10 s for long waits (Terraform polls every 10-15 s:
    https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/huaweicloud/services/ims/resource_huaweicloud_ims_cbr_whole_image.go).
    `first` and `cap` also bound the sleeps sized from a job's percent.
    `jitter`: each sleep is scaled by a random factor in [1 - jitter, 1 + jitter], so 50 waiters
    started together drift apart instead of hitting IMS's rate limit (APIG.0308) in lockstep; 0
    disables it (tests that count requests).
    """

    first: float = 0.5
    factor: float = 1.5
    cap: float = 10.0
    jitter: float = 0.2
    longest: float = 60.0
    """No sleep sized from a job's percent is longer: an estimate made while the job was still queued
    (IMS jobs can sit in INIT, and a throttled first read comes late) must not put the wait to sleep
    for a large part of its timeout. A 600 s job then costs about 12 reads (Terraform's schedule: 60)."""

    def intervals(self) -> Iterator[float]:
        interval = self.first
        while True:
            yield interval
            interval = min(self.cap, interval * self.factor)


@dataclass(frozen=True)
class Timing:
    """All the waiting a client does; tests pass zeros so the suite runs in seconds."""

    poll: PollSchedule = field(default_factory=PollSchedule)
    retry_base: float = 1.0
    retry_cap: float = 16.0
    max_attempts: int = 6
    request_timeout: float = 30.0
    minute: float = 60.0
    """Seconds in one minute of create_timeout_minutes; tests shorten it to test timeouts quickly."""
    cleanup: float = 120.0
    """Bound in seconds on deleting the image a failed create() started (its own budget, so a
    create that ran out of time can still clean up)."""
    delete: float = 600.0
    """Bound in seconds on deleting an image (Terraform's default delete timeout is 10 minutes)."""


@dataclass(frozen=True)
class Seen(Generic[T]):
    """One poll: the result once reached, the progress line, the phase (defaults to the line) and
    the job's percent (0-100) if this poll read one."""

    result: T | None
    line: str
    phase: str | None = None
    percent: float | None = None


class PollState:
    """Which lines to print and how long to sleep; pure apart from the schedule's iterator and
    `rand` (the jitter's source: tests pass a seeded one, or a schedule with jitter 0)."""

    def __init__(
        self,
        schedule: PollSchedule,
        rand: Callable[[], float] = random.random,
        anchor: tuple[float, float] | None = None,
    ) -> None:
        self._schedule = schedule
        self._rand = rand
        self._intervals: Iterator[float] = schedule.intervals()
        self._phase: str | None = None
        # (time, percent) when the percent was first seen; or given: (the job's start, 0), so that
        # the first poll already predicts the end (the create that started the job knows when).
        self._anchor: tuple[float, float] | None = anchor
        self._remaining: float | None = None
        self._length: float | None = None  # the job's estimated length, start to end
        self.line: str | None = None

    def observe(self, seen: Seen[Any], *, now: float) -> str | None:
        """The line to print if it changed, else None; a new phase (default: the line) restarts
        the schedule. `now`: the monotonic time of the poll, for the percent's rate."""
        phase = seen.line if seen.phase is None else seen.phase
        if phase != self._phase:
            self._phase = phase
            self._intervals = self._schedule.intervals()
        self._remaining = self._estimate(seen.percent, now)
        if seen.line == self.line:
            return None
        self.line = seen.line
        return seen.line

    def _estimate(self, percent: float | None, now: float) -> float | None:
        """Seconds until the job ends at the percent's average rate since first seen; None without a rise."""
        if percent is None or self._anchor is None or percent < self._anchor[1] or now < self._anchor[0]:
            self._anchor = None if percent is None else (now, percent)
            return None
        since, start = self._anchor
        if percent <= start or now <= since:
            return None
        seconds_per_percent = (now - since) / (percent - start)
        self._length = 100.0 * seconds_per_percent
        return (100.0 - percent) * seconds_per_percent

    def next_interval(self, *, what: str, deadline: float, hint: str, now: float) -> float:
        """The sleep before the next poll: never past the deadline (the last poll happens at the
        deadline); raises WaitTimeoutError once the deadline itself has been reached."""
        if now >= deadline:
            raise WaitTimeoutError(f"timed out waiting for {what} (last state: {self.line})", hint)
        schedule = self._schedule
        if self._remaining is None:
            interval = next(self._intervals) * (1.0 + schedule.jitter * (2.0 * self._rand() - 1.0))
        else:
            bound = max(schedule.cap, (self._length or 0.0) / 2)
            shorter = 1.0 - schedule.jitter * self._rand()  # jitter never past the predicted end
            if self._remaining <= bound:
                # The last sleep lands just past the predicted end (by `first` at most, jittered
                # there), not before it: one poll then sees the job done instead of one at 99 %.
                interval = self._remaining + schedule.first * shorter
            else:
                interval = max(schedule.first, bound * shorter)
            interval = min(interval, schedule.longest)
        return min(interval, deadline - now)


@dataclass(frozen=True)
class Goal:
    """What a wait waits for (in words, for the timeout message) and what to do if it times out."""

    what: str
    hint: str


async def wait_for(
    poll: Callable[[], Awaitable[Seen[T]]],
    goal: Goal,
    *,
    deadline: float,
    schedule: PollSchedule,
    on_line: Callable[[str], None],
    anchor: tuple[float, float] | None = None,
) -> T:
    """Calls `poll` until it returns a result (it raises on a failure state); always polls once,
    and once more at the deadline. Many of these run concurrently on one event loop. `anchor`:
    (monotonic time, percent) the job is known to have had, e.g. (its start, 0)."""
    state = PollState(schedule, anchor=anchor)
    while True:
        seen = await poll()
        line = state.observe(seen, now=time.monotonic())
        if line is not None:
            on_line(line)
        if seen.result is not None:
            return seen.result
        await asyncio.sleep(
            state.next_interval(what=goal.what, deadline=deadline, hint=goal.hint, now=time.monotonic())
        )
