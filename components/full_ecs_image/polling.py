"""Waiting for a state: one loop shape for the provider (sync) and the program (async).

A poll returns what it saw as a `Seen`: the result (None while not there yet), the progress line
to print, and the phase. A line is printed once per change; only a change of phase (job status,
image status) restarts the fast end of the schedule. A percent that rises on every poll changes the
line but not the phase, so a long job is polled at the schedule's cap, not at its first interval.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from .client import PollSchedule
from .errors import WaitTimeoutError

T = TypeVar("T")


@dataclass(frozen=True)
class Seen(Generic[T]):
    """One poll: the result once reached, the progress line, and the phase (defaults to the line)."""

    result: T | None
    line: str
    phase: str | None = None


class PollState:
    """Which lines to print and how long to sleep; pure apart from the schedule's iterator."""

    def __init__(self, schedule: PollSchedule) -> None:
        self._schedule = schedule
        self._intervals: Iterator[float] = schedule.intervals()
        self._phase: str | None = None
        self.line: str | None = None

    def observe(self, line: str, phase: str | None = None) -> str | None:
        """The line to print if it changed, else None; a new phase (default: the line) restarts
        the schedule."""
        phase = line if phase is None else phase
        if phase != self._phase:
            self._phase = phase
            self._intervals = self._schedule.intervals()
        if line == self.line:
            return None
        self.line = line
        return line

    def next_interval(self, *, what: str, deadline: float, hint: str, now: float) -> float:
        """The sleep before the next poll; raises WaitTimeoutError when it would pass the deadline."""
        interval = next(self._intervals)
        if now + interval >= deadline:
            raise WaitTimeoutError(f"timed out waiting for {what} (last state: {self.line})", hint)
        return interval


def wait_for(
    poll: Callable[[], Seen[T]],
    *,
    what: str,
    deadline: float,
    schedule: PollSchedule,
    on_line: Callable[[str], None],
    hint: str,
) -> T:
    """Calls `poll` until it returns a result (it raises on a failure state); always polls once."""
    state = PollState(schedule)
    while True:
        seen = poll()
        line = state.observe(seen.line, seen.phase)
        if line is not None:
            on_line(line)
        if seen.result is not None:
            return seen.result
        time.sleep(state.next_interval(what=what, deadline=deadline, hint=hint, now=time.monotonic()))


async def wait_for_async(
    poll: Callable[[], Awaitable[Seen[T]]],
    *,
    what: str,
    deadline: float,
    schedule: PollSchedule,
    on_line: Callable[[str], None],
    hint: str,
) -> T:
    """`wait_for` for the program's event loop: many of these run concurrently."""
    state = PollState(schedule)
    while True:
        seen = await poll()
        line = state.observe(seen.line, seen.phase)
        if line is not None:
            on_line(line)
        if seen.result is not None:
            return seen.result
        await asyncio.sleep(
            state.next_interval(what=what, deadline=deadline, hint=hint, now=time.monotonic())
        )
