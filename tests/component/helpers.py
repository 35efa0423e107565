"""Helpers shared by the component tests (imported relatively: tests/ is not a package)."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import httpx
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from hwc_full_ecs_image.client import HuaweiClient
from hwc_full_ecs_image.plan import marker_for
from hwc_full_ecs_image.polling import PollSchedule, Timing
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.settings import Settings
from simulator.testing import RunningSimulator

PROJECT = "full-ecs-image"

FAST_TIMING = Timing(
    PollSchedule(0.0, 1.0, 0.0, jitter=0.0), retry_base=0.0, retry_cap=0.0, request_timeout=10.0, cleanup=10.0
)
"""No sleeps and no jitter: the suite runs in seconds and request counts are exact."""


def sim_config(sim: RunningSimulator, **overrides: str) -> dict[str, str]:
    """The stack config the engine would send to configure(), pointing every service at the simulator."""
    endpoints = dict.fromkeys(("ims", "csbs", "cbr", "ecs", "evs"), sim.url)
    config = {
        "huaweicloud:region": sim.region,
        "huaweicloud:accessKey": sim.access_key,
        "huaweicloud:secretKey": sim.secret_key,
        "huaweicloud:projectId": sim.project_id,
        "huaweicloud:endpoints": json.dumps(endpoints),
    }
    config.update(overrides)
    return config


def configured(config: dict[str, Any]) -> FullEcsImageProvider:
    provider = FullEcsImageProvider()
    # configure() sets sys.tracebacklimit = 0, as it must in the provider process; in the test
    # process that would also break pulumi's own traceback.extract_stack() use, so restore it.
    limit = getattr(sys, "tracebacklimit", None)
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name=PROJECT)))
    if limit is None:
        del sys.tracebacklimit
    else:
        sys.tracebacklimit = limit
    provider.timing = FAST_TIMING
    return provider


def image_props(backup_id: str, name: str = "web01-full", **extra: Any) -> dict[str, Any]:
    """Inputs as check() would pass them to create(): normalized, with a marker."""
    props: dict[str, Any] = {
        "backup_id": backup_id,
        "name": name,
        "marker": marker_for(PROJECT, "test", "image"),
        "description": None,
        "tags": None,
        "enterprise_project_id": None,
        "min_ram": None,
        "max_ram": None,
        "adopt_image_id": None,
        "create_timeout_minutes": 1,
        "region": None,
        "project_id": None,
    }
    props.update(extra)
    return props


def provider_settings(sim: RunningSimulator) -> Settings:
    """Client settings for the simulator, as configure() would build them."""
    return Settings(
        region=sim.region,
        access_key=sim.access_key,
        secret_key=sim.secret_key,
        project_id=sim.project_id,
        endpoints=dict.fromkeys(("ims", "csbs", "ecs", "evs"), sim.url),
    )


def cloud(sim: RunningSimulator, method: str, *args: Any) -> Any:
    """One client call against the simulator, from synchronous test code."""

    async def call() -> Any:
        async with HuaweiClient(provider_settings(sim), timing=FAST_TIMING) as api:
            return await getattr(api, method)(*args)

    return asyncio.run(call())


class InProcess(httpx.AsyncBaseTransport):
    """Calls the simulator's WSGI app in this process, no port: httpx's WSGITransport is sync-only,
    so each request is handed to it on a worker thread (https://www.python-httpx.org/advanced/transports/)."""

    def __init__(self, sim: RunningSimulator) -> None:
        self._wsgi = httpx.WSGITransport(app=sim.app)
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        body = await request.aread()
        plain = httpx.Request(request.method, request.url, headers=request.headers, content=body)
        response = await asyncio.to_thread(self._wsgi.handle_request, plain)
        content = await asyncio.to_thread(response.read)
        return httpx.Response(response.status_code, headers=response.headers, content=content)
