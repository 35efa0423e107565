"""The wait until the image is active, run in the PROGRAM process (not in a provider slot).

The dynamic-provider host serves 4 verbs at once, so create() returns as soon as the image exists.
This coroutine is used in an Output.apply (pulumi awaits awaitables there), so every image in a
stack waits concurrently on the program's event loop; 50 images cost about as long as one.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pulumi
from pulumi.runtime.mocks import MockMonitor

from . import plan
from .api_models import Job
from .client import HuaweiClient
from .errors import ApiError, ImageUnusableError, WaitTimeoutError
from .polling import Goal, Seen, Timing, wait_for
from .settings import NAMESPACE, Settings, load_settings

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
    made_now: bool = False
    """The image was created by this `pulumi up` (its create started after the program did)."""


NAMESPACE_SECRETS = ("accessKey", "secretKey", "securityToken")
NAMESPACE_PLAIN = ("region", "projectId", "endpoints", "insecure", "cacertFile")
_TIMING = Timing()


def program_config(key: str) -> str | None:
    """A `huaweicloud:` config value in the program ("" counts as unset)."""
    value = pulumi.Config(NAMESPACE).get(key)
    return None if value in (None, "") else str(value)


def mocked() -> bool:
    """True under pulumi.runtime.set_mocks (unit tests): the resource's outputs are the mock's, and
    nothing may call the cloud."""
    return isinstance(pulumi.runtime.settings.get_monitor(), MockMonitor)


async def wait_until_active(
    settings: Settings,
    *,
    image_id: str,
    job_id: str | None,
    timeout_seconds: float,
    log: Callable[[str], None],
    quiet_if_active: bool = False,
    job_started_at: float | None = None,
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

    polls = 0
    quiet = False  # `quiet_if_active` and the first poll found it active: an unchanged `up` prints nothing

    def on_line(line: str) -> None:
        if not quiet:
            log(line)

    client = HuaweiClient(settings, timing=timing, deadline=deadline, transport=transport, on_retry=log)
    async with client as api:

        async def poll() -> Seen[ActiveImage]:
            nonlocal job_open, last_job, polls, quiet
            polls += 1
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
            quiet = quiet_if_active and done and polls == 1
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
                on_line=on_line,
                anchor=_job_anchor(job_started_at) if job_open else None,
            )
        except WaitTimeoutError as error:
            raise error.in_context("waiting for", subject) from None


def _job_anchor(started_at: float | None) -> tuple[float, float] | None:
    """(monotonic time, 0 %) of a job started at epoch `started_at` by this machine's create (the
    plugin runs beside the program, one clock): the first read of its percent then predicts its end."""
    if started_at is None:
        return None
    return time.monotonic() - max(0.0, time.time() - started_at), 0.0


def wait_in_program(
    resource: pulumi.Resource, image: Any, run_started_at: float
) -> pulumi.Output[ActiveImage]:
    """Waits (program side) until the image is active. No API call during preview or under
    mocks; at preview the image is shown as it will be after `up` (active)."""
    cfg = pulumi.Config(NAMESPACE)
    secrets = {key: cfg.get_secret(key) for key in NAMESPACE_SECRETS}

    def recorded(values: dict[str, Any]) -> ActiveImage:
        """The recorded values, unchecked (a mock may leave any of them out); at preview the
        status the `up` makes sure of (or fails)."""
        fields: dict[str, Any] = {k: values.get(k) for k in ("image_id", "status", "min_disk", "os_version")}
        if pulumi.runtime.is_dry_run():
            fields["status"] = "active"
        return ActiveImage(**fields)

    if pulumi.runtime.is_dry_run() or mocked():
        # No wait, no API call. Only outputs that are always set: an unset one (e.g. the job_id of
        # an adopted image) is unknown at preview and would make everything downstream unknown.
        return pulumi.Output.all(
            image_id=image.image_id,
            status=image.status,
            min_disk=image.min_disk,
            os_version=image.os_version,
        ).apply(recorded)

    async def wait(values: dict[str, Any]) -> ActiveImage:
        known = {k: values.get(k) for k in NAMESPACE_SECRETS} | {
            k: program_config(k) for k in NAMESPACE_PLAIN
        }
        settings = load_settings(lambda key: known.get(key), os.environ).scoped(
            region=values["region"], project_id=values["project_id"]
        )

        def log(state: str) -> None:
            pulumi.log.info(f"full-ECS image {values['image_id']}: {state}", resource=resource)

        made_now = values["create_started_at"] is not None and values["create_started_at"] >= run_started_at
        active = await wait_until_active(
            settings,
            image_id=values["image_id"],
            # The job only matters while the image is being made; old jobs may have expired.
            job_id=None if values["status"] == "active" else values["job_id"],
            timeout_seconds=plan.wait_budget(
                values["create_started_at"],
                int(values["create_timeout_minutes"]),
                run_started_at,
                time.time(),
                _TIMING.minute,
            ),
            log=log,
            quiet_if_active=not made_now,
            job_started_at=values["create_started_at"] if made_now else None,
        )
        return dataclasses.replace(active, made_now=made_now)

    combined = pulumi.Output.all(
        image_id=image.image_id,
        status=image.status,
        min_disk=image.min_disk,
        os_version=image.os_version,
        job_id=image.job_id,
        region=image.region,
        project_id=image.project_id,
        create_timeout_minutes=image.create_timeout_minutes,
        create_started_at=image.create_started_at,
        **{k: v for k, v in secrets.items() if v is not None},
    )
    # The credentials only feed the wait; its result holds none, so it need not stay secret.
    return pulumi.Output.unsecret(combined.apply(wait))
