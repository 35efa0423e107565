"""The wait until the image is active, run in the PROGRAM process (not in a provider slot).

The dynamic-provider host serves 4 verbs at once, so create() returns as soon as the image exists.
This coroutine is used in an Output.apply (pulumi awaits awaitables there), so every image in a
stack waits concurrently on the program's event loop; 50 images cost about as long as one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from . import plan
from .api_models import Job
from .client import HuaweiClient
from .errors import ApiError, ImageUnusableError, WaitTimeoutError
from .polling import Goal, Seen, Timing, wait_for
from .settings import Settings

JOB_FAILED_HINT = (
    "if the source ECS was not prepared for imaging, the same backup fails again: prepare it "
    "(https://support.huaweicloud.com/intl/en-us/usermanual-ims/ims_01_0217.html), take a new "
    "backup and set backup_id to it; then run `pulumi up --refresh`"
)
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
    transport: httpx.AsyncBaseTransport | None = None,
) -> ActiveImage:
    """Polls the job's progress until it ends, then the image until it is `active`.

    While the job is open (INIT/RUNNING) only the job is read: one request per round, and the
    image exists already (create() saw it). The image is read once the job reaches SUCCESS (or
    when there is no job, or it expired), then only while it is not active yet. Logs one line per
    change (job status and percent, then image status); raises ImageUnusableError on a FAIL job or
    a killed/deleted image, WaitTimeoutError past `timeout_seconds`.
    """
    timing = timing or Timing()
    subject = f"full-ECS image {image_id}"
    deadline = time.monotonic() + timeout_seconds
    job_open = bool(job_id)
    last_job: Job | None = None  # the job as last read; its state stays in the progress line

    def unusable(cause: str) -> ImageUnusableError:
        return ImageUnusableError(cause, REFRESH_HINT, verb="waiting for", subject=subject)

    client = HuaweiClient(settings, timing=timing, deadline=deadline, transport=transport, on_retry=log)
    async with client as api:

        async def poll() -> Seen[ActiveImage]:
            nonlocal job_open, last_job
            job: Job | None = None
            if job_open and job_id:
                try:
                    job = await api.get_job(job_id)
                except ApiError as error:
                    if error.status != 404:
                        raise
                    # jobs expire; the image status alone decides from here
                job_open = job is not None and job.status not in ("SUCCESS", "FAIL")
                if job is not None and job.status == "FAIL":
                    # The job's reason is the useful part; the image's state is recorded by the
                    # refresh the error asks for, so it is not read here.
                    raise ImageUnusableError(
                        f"IMS job {job_id} failed with {job.error_code or 'no error code'}: "
                        f"{job.fail_reason or 'no reason given'}",
                        JOB_FAILED_HINT,
                        verb="waiting for",
                        subject=subject,
                    )
                last_job = job or last_job
                if job is not None and job_open:
                    phase, line = plan.progress(job, None)
                    return Seen(None, line, phase, job.percent)
            image = await api.get_image(image_id)
            if image is None or image.status in plan.FAILED_STATUSES:
                raise unusable(f"the image is {image.status if image else 'gone (deleted outside Pulumi)'}")
            # The job's last state stays in the line once it is no longer read: same phase, no repeat.
            phase, line = plan.progress(last_job, image)
            done = image.status == "active"
            result = ActiveImage(image.id, image.status, image.min_disk, image.os_version) if done else None
            return Seen(result, line, phase)

        try:
            return await wait_for(
                poll,
                Goal(
                    "the image to become active within create_timeout_minutes",
                    "raise create_timeout_minutes, or run `pulumi up` again to keep waiting (it is kept)",
                ),
                deadline=deadline,
                schedule=timing.poll,
                on_line=log,
            )
        except WaitTimeoutError as error:
            raise error.in_context("waiting for", subject) from None
