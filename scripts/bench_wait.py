"""`make bench`, part `wait`: the component's create wait against two reference pollers.

For each job length (default 5 s, 60 s, 600 s) and each poller, one image is created in an in-process
simulator (simulator.testing.start_simulator) and waited for:

- `ours`: hwc_full_ecs_image.waiter.wait_until_active, the program-side wait of every
  FullEcsImage, with the component's PollSchedule (it follows the job's process_percent);
- `terraform`: Terraform's schedule, a job poll after 10 s, then every 10 s;
- `naive-1s`: a job poll at once, then every second.

Time is scaled so that no job lasts more than `scaled_seconds` of real time: the simulator's job takes
job/factor seconds and every poller's intervals (and our client's retry timing) are divided by the same
factor; latencies are multiplied back. Latency: from the job's end (the image's `active_at` in the
simulator, which is when the job turned SUCCESS) to the poller returning. Requests: every HTTP request
the wait made (counted by its transport), the create POST not included.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from bench_report import NAIVE_POLLER, OURS, TERRAFORM_POLLER, ReferencePoller, time_scale

from hwc_full_ecs_image.client import HuaweiClient
from hwc_full_ecs_image.polling import PollSchedule, Timing
from hwc_full_ecs_image.settings import Settings
from hwc_full_ecs_image.waiter import wait_until_active
from simulator.testing import RunningSimulator, start_simulator

POLLERS = (OURS, TERRAFORM_POLLER.name, NAIVE_POLLER.name)


class CountingTransport(httpx.AsyncBaseTransport):
    """An HTTP transport that counts the requests it sends."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def scaled_timing(factor: float) -> Timing:
    """The component's default Timing with every interval divided by `factor`."""
    base = Timing()
    poll = base.poll
    return dataclasses.replace(
        base,
        poll=PollSchedule(
            first=poll.first / factor, factor=poll.factor, cap=poll.cap / factor, jitter=poll.jitter
        ),
        retry_base=base.retry_base / factor,
        retry_cap=base.retry_cap / factor,
    )


async def reference_wait(
    api: HuaweiClient, job_id: str, image_id: str, poller: ReferencePoller, started: float
) -> None:
    """Polls the job at the poller's offsets from `started` (the monotonic time the create POST
    returned) until SUCCESS, then reads the image once."""
    for offset in poller.offsets():
        await asyncio.sleep(max(0.0, started + offset - time.monotonic()))
        job = await api.get_job(job_id)
        if job.status == "FAIL":
            raise RuntimeError(f"error waiting for IMS job {job_id}: it failed ({job.fail_reason})")
        if job.status == "SUCCESS":
            image = await api.get_image(image_id)
            if image is None or image.status != "active":
                raise RuntimeError(f"error waiting for image {image_id}: job SUCCESS but image {image}")
            return


async def one_wait(
    sim: RunningSimulator, settings: Settings, backup_id: str, job_seconds: float, poller: str, factor: float
) -> dict[str, Any]:
    """Creates one image from `backup_id` and waits for it with `poller`; returns one result row."""
    timing = scaled_timing(factor)
    async with HuaweiClient(settings, timing=timing) as api:
        body = {
            "name": f"bench-wait-{poller}-{job_seconds:g}",
            "backup_id": backup_id,
            "whole_image_type": "CSBS",
        }
        job_id = await api.create_whole_image(body)
        posted = time.monotonic()
    # entities.image_id appears only on SUCCESS: find the image through the simulator's control API.
    image_id = next(str(i["id"]) for i in sim.control.state()["images"] if i["backup_id"] == backup_id)
    counter = CountingTransport()
    lines: list[str] = []
    if poller == OURS:
        await wait_until_active(
            settings,
            image_id=image_id,
            job_id=job_id,
            timeout_seconds=3 * job_seconds / factor + 30,
            log=lines.append,
            timing=timing,
            transport=counter,
        )
    else:
        reference = {p.name: p for p in (TERRAFORM_POLLER, NAIVE_POLLER)}[poller].scaled(factor)
        async with HuaweiClient(settings, timing=timing, transport=counter) as api:
            await reference_wait(api, job_id, image_id, reference, posted)
    noticed = time.time()
    image = next(i for i in sim.control.state()["images"] if i["id"] == image_id)
    active_at = float(image["active_ts"])
    return {
        "job_seconds": job_seconds,
        "poller": poller,
        "latency_seconds": round((noticed - active_at) * factor, 2),
        "requests": counter.requests,
        "time_scale": round(factor, 3),
    }


def compare(
    state_file: Path, backup_ids: Sequence[str], jobs: Sequence[float], scaled_seconds: float
) -> list[dict[str, Any]]:
    """Every (job length, poller) pair, one after the other; needs len(jobs) * 3 backups."""
    needed = len(jobs) * len(POLLERS)
    if len(backup_ids) < needed:
        raise ValueError(f"the wait comparison needs {needed} backups, got {len(backup_ids)}")
    rows = []
    backups = iter(backup_ids)
    with start_simulator(state_file=str(state_file)) as sim:
        settings = Settings(
            region=sim.region,
            access_key=sim.access_key,
            secret_key=sim.secret_key,
            project_id=sim.project_id,
            endpoints={"ims": sim.url},
        )
        for job in jobs:
            factor = time_scale(job, scaled_seconds)
            sim.control.set_job_seconds(job / factor)
            for poller in POLLERS:
                row = asyncio.run(one_wait(sim, settings, next(backups), job, poller, factor))
                print(
                    f"    wait {job:g} s job ({job / factor:.3g} s real), {poller}: "
                    f"lag {row['latency_seconds']:.2f} s, {row['requests']} requests",
                    flush=True,
                )
                rows.append(row)
    return rows
