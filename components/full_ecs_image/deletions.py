"""Deletions that share one wait, so that `pulumi destroy` of many images costs about one deletion.

Why: a delete that waits until IMS no longer lists its image holds one of the engine's `--parallel`
slots (4 x CPUs by default) for that long, so 50 images on 2 CPUs would take about 7 deletion times.
Instead each Delete starts its image's deletion, then waits for every deletion this plugin process
started, and hands that wait to any newer Delete: the newest one returns only when IMS lists none of
them, and an older one returns as soon as a newer one has taken over. "Newest" is the one whose start
finished last, not the last to begin: a start slowed by throttling (429 retries) that finishes after
the others' wait ended must wait itself, and a start that fails hands nothing over (both left an image
listed after a successful destroy when the order was taken at the beginning). So the engine can issue all the
deletes at once, and when the destroy's last delete returns, every image it deleted is gone; one that
IMS fails to remove in time is named in the last delete's error (0.1 did the same with a second
resource per image, the deletion barrier; the plugin needs none).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from .errors import WaitTimeoutError

Start = Callable[[str, dict[str, Any]], Awaitable[bool]]
Listed = Callable[[dict[str, dict[str, Any]]], Awaitable[list[str]]]


class Deletions:
    """The deletions in flight in this process, and which Delete currently waits for them."""

    def __init__(self, *, first: float = 0.5, cap: float = 10.0) -> None:
        self._first, self._cap = first, cap
        self._going: dict[str, dict[str, Any]] = {}
        self._newest: object | None = None
        self._wake: asyncio.Event | None = None
        """Set when a newer delete takes over: the waiting one returns at once, freeing its engine slot."""

    async def delete(
        self, image_id: str, props: Mapping[str, Any], seconds: float, *, start: Start, listed: Listed
    ) -> None:
        """Starts this image's deletion (`start`), then waits, reading with `listed` which images
        IMS still lists (see the module docstring)."""
        token = object()
        if await start(image_id, dict(props)):
            self._going[image_id] = dict(props)
        if self._wake is not None:
            self._wake.set()
        wake = self._wake = asyncio.Event()
        self._newest = token  # only now: see the module docstring
        deadline = time.monotonic() + seconds
        interval = self._first
        while self._going and self._newest is token:
            if time.monotonic() >= deadline:
                raise WaitTimeoutError(
                    f"timed out waiting for IMS to finish deleting image {', '.join(sorted(self._going))}",
                    "check the images in the IMS console (Image Management Service > Private Images), "
                    "delete any left there, then run the command again",
                )
            with contextlib.suppress(TimeoutError):  # the interval passed without a takeover
                await asyncio.wait_for(wake.wait(), min(interval, max(0.0, deadline - time.monotonic())))
            interval = min(interval * 1.5, self._cap)
            if self._newest is not token:
                return  # a newer delete waits for this image too
            left = set(await listed(dict(self._going)))
            for gone in [i for i in self._going if i not in left]:
                del self._going[gone]
