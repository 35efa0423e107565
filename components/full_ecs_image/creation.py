"""The create flow: preflight, adoption, the POST, finding the image, and cleanup after a failure.

create() returns as soon as the image exists (its id is known), not once it is active: the
program waits for that (waiter.py), so 50 images do not queue for the provider host's 4 slots.
From the POST on, every failure deletes what this create started: nothing is orphaned.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import plan
from .api_models import Image
from .client import HuaweiClient
from .disks import SourceDisks, facts_from, plan_servers
from .errors import (
    ApiError,
    FullEcsImageError,
    JobFailedError,
    PreflightError,
    TransportError,
    WaitTimeoutError,
    unexpected,
)
from .lifecycle import converge, delete_and_wait, mark, wait_gone
from .polling import Goal, Seen, wait_for
from .preflight import Found, Preflight, Source, preflight, scan
from .rules import format_problems
from .schema import ImageSpec

ALREADY_USED_CODES = ("IMG.0029", "IMG.0134")
RESTART_HINT = "fix the cause, then run `pulumi up` again"
MAY_APPEAR = (
    "the create request may still have reached IMS; if an image appears, it carries this "
    "resource's marker tag and the next `pulumi up` adopts it"
)

Say = Callable[[str], None]


@dataclass(frozen=True)
class Made:
    """The image create() ends with, the tags it read, and the facts recorded as outputs."""

    image: Image
    tags: Mapping[str, str]
    facts: Mapping[str, Any] = field(default_factory=dict)


async def create(
    api: HuaweiClient, spec: ImageSpec, *, deadline: float, say: Say, checked: Preflight | None = None
) -> Made:
    """Makes (or adopts) the image; raises with what the cleanup did appended to the cause.
    `checked`: what check() read moments ago in this process (else the preflight runs again)."""
    if spec.adopt_image_id:
        return await adopt_explicit(api, spec, say=say)
    if checked is None:
        checked = await preflight(api, spec, wait_until=deadline, say=say)
    assert checked.source is not None
    # The servers' disks again, against the disks as they are now: nothing may fail after the image.
    check_server_disks(spec, facts_from(checked.source.backup, checked.source.volumes))
    facts = await source_facts(api, checked.source, say=say)
    if checked.going:  # an earlier image of this resource (or another) still being deleted
        await wait_gone(api, checked.going, deadline=deadline, say=say)
    ours = checked.ours
    if ours is not None and ours.image.status in plan.FAILED_STATUSES:
        say(f"deleting failed image {ours.image.id} ({ours.image.status}) left by an earlier run")
        bound = time.monotonic() + api.timing.cleanup
        await delete_and_wait(api.with_deadline(bound), ours.image.id, deadline=bound, say=say)
        ours = None
    if ours is not None:
        say(f"adopted image {ours.image.id} ({ours.image.status}) started by an earlier, interrupted run")
        return Made(ours.image, ours.tags, facts)
    posted = await post(api, spec, say=say)
    if isinstance(posted, Found):
        return Made(posted.image, posted.tags, facts)
    try:
        found = await await_image(api, spec, posted, deadline=deadline, say=say, known=checked.going)
    except Exception as error:
        note = await discard(api, spec, posted, say=say)
        failure = error if isinstance(error, FullEcsImageError) else unexpected(error)
        failure.add_cause(note)
        raise failure from None
    wait = "" if found.image.status == "active" else "; the program waits for it to become active"
    say(f"image {found.image.id} is {found.image.status}{wait}")
    return Made(found.image, found.tags, {**facts, "job_id": posted})


def check_server_disks(spec: ImageSpec, disks: SourceDisks) -> None:
    """Every server's disks can be planned from the image's original disks; else every problem."""
    _, problems = plan_servers(spec.server_disks or [], disks)
    if problems:
        raise PreflightError(format_problems(problems), "fix the servers' disks, then run `pulumi up` again")


async def post(api: HuaweiClient, spec: ImageSpec, *, say: Say) -> str | Found:
    """The IMS job id, or our image when IMS already has it. The POST is never resent blindly
    (the client retries it only when it certainly did not arrive); after an answer that leaves it
    open, the marker says whether IMS made the image."""
    try:
        job_id = await api.create_whole_image(plan.create_body(spec))
    except ApiError as error:
        definite = error.status < 500 and error.code not in ALREADY_USED_CODES
        if definite:
            raise  # IMS refused it: nothing was made, nothing to clean up
        return await _settle(api, spec, error, say=say)
    except TransportError as error:
        return await _settle(api, spec, error, say=say)
    say(f"IMS job {job_id} started")
    return job_id


async def _settle(api: HuaweiClient, spec: ImageSpec, error: FullEcsImageError, *, say: Say) -> Found:
    """After a POST without a definite answer: our image if IMS made it, else the error."""
    ours = (await scan(api, spec.backup_id, spec.marker)).ours
    if ours is None:
        error.add_cause(MAY_APPEAR)
        raise error
    say(f"the create request had reached IMS; adopting its image {ours.image.id}")
    return ours


async def await_image(
    api: HuaweiClient, spec: ImageSpec, job_id: str, *, deadline: float, say: Say, known: Collection[str] = ()
) -> Found:
    """Polls until the image exists (its id is known), not until it is active: keeps create short.

    IMS names the image in the job only on SUCCESS
    (https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0911.html), so while the job runs
    the image is found by listing the backup's images: one list request per poll. A backup makes one
    full-ECS image, so the one new image of the backup with this name (not among `known`, the ones
    the preflight saw) is ours, carrying the tags just sent; otherwise the marker tag decides (tags
    read once per candidate).
    """
    sent = {t["key"]: t["value"] for t in plan.create_body(spec)["image_tags"]}
    hint = "raise create_timeout_minutes, then run `pulumi up` again"
    if time.monotonic() >= deadline:  # e.g. the POST itself answered after the deadline
        raise WaitTimeoutError(f"the create timeout ran out before IMS job {job_id} named its image", hint)
    not_ours: set[str] = set()

    async def poll() -> Seen[Found]:
        job = await api.get_job(job_id)
        if job.status == "FAIL":
            raise JobFailedError(
                f"IMS job {job_id} failed with {job.error_code or 'no error code'}: "
                f"{job.fail_reason or 'no reason given'}",
                "check that the source ECS was prepared for imaging, " + RESTART_HINT,
            )
        found: Found | None = None
        image: Image | None = None
        if job.image_id:
            image = await api.get_image(job.image_id)
            found = Found(image, await api.list_image_tags(image.id)) if image is not None else None
        else:
            listed = await api.list_whole_images(spec.backup_id)
            new = [i for i in listed if i.id not in known and i.id not in not_ours]
            if len(new) == 1 and new[0].name == spec.name:
                found = Found(new[0], sent)
            elif new:
                scanned = await scan(api, spec.backup_id, spec.marker, skip=not_ours | set(known))
                not_ours.update(scanned.others)
                found = scanned.ours
            image = found.image if found else None
        phase, line = plan.progress(job, image)
        # No percent: it predicts the end of the job, not when the image appears (which is what
        # create() waits for), so this wait keeps the growing schedule.
        return Seen(found, line, phase)

    try:
        return await wait_for(
            poll,
            Goal(f"IMS job {job_id} to create the image", hint),
            deadline=deadline,
            schedule=api.timing.poll,
            on_line=say,
        )
    except WaitTimeoutError as error:
        error.cause = error.cause.replace("timed out waiting", "the create timeout ran out waiting")
        raise


async def discard(api: HuaweiClient, spec: ImageSpec, job_id: str, *, say: Say) -> str:
    """Deletes the image `job_id` started, best effort, within its own short bound (a create that
    ran out of time can still clean up). Returns what happened, for the error message."""
    bound = time.monotonic() + api.timing.cleanup
    image_id: str | None = None
    try:
        async with api.with_deadline(bound) as cleanup:
            try:
                job = await cleanup.get_job(job_id)
            except ApiError:
                job = None  # jobs expire; the marker still finds the image
            image_id = job.image_id if job else None
            if image_id is None:
                found = (await scan(cleanup, spec.backup_id, spec.marker)).ours
                image_id = found.image.id if found else None
            if image_id is None:
                if job is not None and job.status in ("SUCCESS", "FAIL"):
                    return ""
                return (
                    f"no image of IMS job {job_id} was found yet; if the job still makes one, "
                    "it carries this resource's marker tag and the next `pulumi up` adopts it"
                )
            say(f"deleting image {image_id}, started by this failed create")
            await delete_and_wait(cleanup, image_id, deadline=bound, say=say)
            return f"the image {image_id} it started was deleted"
    except Exception as error:  # best effort: the original error is what the user must see
        cause = error.cause if isinstance(error, FullEcsImageError) else "an unexpected error"
        what = f"image {image_id}" if image_id else "the image it started"
        return (
            f"deleting {what} failed too ({cause}); run `pulumi up` again to adopt it (it carries "
            "this resource's marker tag), or delete it in the IMS console"
            + (f" (DELETE /v2/images/{image_id})" if image_id else "")
        )


async def adopt_explicit(api: HuaweiClient, spec: ImageSpec, *, say: Say) -> Made:
    """Takes over the image adopt_image_id names: marks it ours and converges it to the spec."""
    checked = await preflight(api, spec, wait_until=None, say=say)
    image_id = str(spec.adopt_image_id)
    for note in checked.notes:
        say(note)
    await mark(api, spec, image_id)
    image = await api.get_image(image_id)
    if image is not None and image.status == "active":
        await converge(api, spec, image)
        image = await api.get_image(image_id) or image
    if image is None:
        raise ApiError("get image", 404, "", f"image {image_id} disappeared while being adopted")
    facts = await source_facts(api, checked.source, say=say) if checked.source else {}
    say(f"adopted existing image {image_id} ({image.status}) as requested by adopt_image_id")
    return Made(image, await api.list_image_tags(image_id), facts)


async def source_facts(api: HuaweiClient, source: Source, *, say: Say) -> dict[str, Any]:
    """Facts about where the image comes from, recorded as outputs. The source ECS is only read:
    a stopped one is never started (the console procedure's rule)."""
    backup = source.backup
    server = await api.get_server(backup.resource_id) if backup.resource_id else None
    if server is None:
        say(f"source ECS {backup.resource_id} no longer exists; the backup is enough")
    elif server.status == "SHUTOFF":
        say(
            f"source ECS {server.name} ({server.id}) is stopped (SHUTOFF); it stays stopped: "
            "this component never starts a source ECS"
        )
    else:
        say(f"source ECS {server.name} ({server.id}) is {server.status}")
    disks = facts_from(backup, source.volumes)
    return {
        "source_disks": disks.model_dump(mode="json"),
        "data_disks": [d.model_dump(mode="json", exclude_none=True) for d in disks.data],
        "source_server_id": backup.resource_id or None,
        "source_server_name": server.name if server else None,
        "source_server_status": server.status if server else None,
    }
