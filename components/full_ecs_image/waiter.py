"""The wait until the image is active, run in the PROGRAM process (not in a provider slot).

The dynamic-provider host serves 4 verbs at once, so create() returns as soon as the image exists.
This coroutine is used in an Output.apply (pulumi awaits awaitables there), so every image in a
stack waits concurrently on the program's event loop; 50 images cost about as long as one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from .client import AsyncHuaweiClient, PollSchedule, Timing
from .errors import ApiError, ImageUnusableError, WaitTimeoutError
from .settings import Settings

REFRESH_HINT = (
    "run `pulumi up --refresh`: the refresh records the failed or missing image "
    "and that same update replaces it"
)


@dataclass(frozen=True)
class ActiveImage:
    """What the component exposes once the image is usable (the console's Normal)."""

    image_id: str
    status: str
    min_disk: int
    os_version: str


async def wait_until_active(
    settings: Settings,
    *,
    image_id: str,
    job_id: str | None,
    timeout_seconds: float,
    log: Callable[[str], None],
    timing: Timing | None = None,
) -> ActiveImage:
    """Polls the job (until SUCCESS) and the image until the image is `active`.

    Logs one line per state change; raises ImageUnusableError on a FAIL job or a killed/deleted
    image, WaitTimeoutError past the timeout. The schedule restarts fast after each change.
    """
    timing = timing or Timing()
    schedule: PollSchedule = timing.poll
    deadline = time.monotonic() + timeout_seconds
    job_done = not job_id
    last_state = ""
    intervals = schedule.intervals()
    async with AsyncHuaweiClient(settings, timing=timing, deadline=deadline) as api:
        while True:
            job_state = ""
            if job_id and not job_done:
                try:
                    job = await api.get_job(job_id)
                except ApiError as error:
                    if error.status != 404:
                        raise
                    job_done = True  # jobs expire; the image status alone decides from here
                    continue
                if job.status == "FAIL":
                    raise ImageUnusableError(
                        f"IMS job {job_id} failed with {job.error_code or 'no error code'}: "
                        f"{job.fail_reason or 'no reason given'}",
                        REFRESH_HINT,
                        verb="waiting for",
                        subject=f"full-ECS image {image_id}",
                    )
                job_done = job.status == "SUCCESS"
                percent = f" {job.percent:.0f}%" if job.percent is not None else ""
                job_state = f"job {job.status}{percent}, "
            image = await api.get_image(image_id)
            if image is None or image.status in ("killed", "deleted"):
                raise ImageUnusableError(
                    f"the image is {image.status if image else 'gone (deleted outside Pulumi)'}",
                    REFRESH_HINT,
                    verb="waiting for",
                    subject=f"full-ECS image {image_id}",
                )
            state = f"{job_state}image {image.status}"
            if state != last_state:
                log(state)
                last_state = state
                intervals = schedule.intervals()
            if image.status == "active":
                return ActiveImage(image.id, image.status, image.min_disk, image.os_version)
            interval = next(intervals)
            if time.monotonic() + interval >= deadline:
                raise WaitTimeoutError(
                    f"the image is still {image.status} after {timeout_seconds / 60:.0f} minutes",
                    "raise create_timeout_minutes, or run `pulumi up` again to keep waiting (it is kept)",
                    verb="waiting for",
                    subject=f"full-ECS image {image_id}",
                )
            await asyncio.sleep(interval)
