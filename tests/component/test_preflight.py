"""The preflight reads what it can at once (check() runs one resource at a time in the engine), and
still reports the same rule as when it read one thing after another."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from hwc_full_ecs_image.client import HuaweiClient
from hwc_full_ecs_image.errors import PreflightError
from hwc_full_ecs_image.preflight import in_order, preflight
from hwc_full_ecs_image.schema import ImageSpec
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import FAST_TIMING, InProcess, image_props, provider_settings


class Overlapping(InProcess):
    """Counts the requests in flight at once; each one holds its slot a moment so overlap shows."""

    def __init__(self, sim: RunningSimulator) -> None:
        super().__init__(sim)
        self.in_flight = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.sleep(0.05)
            return await super().handle_async_request(request)
        finally:
            self.in_flight -= 1


def _preflight(sim: RunningSimulator, backup_id: str, transport: httpx.AsyncBaseTransport) -> None:
    spec = ImageSpec.model_validate(image_props(backup_id))

    async def run() -> None:
        async with HuaweiClient(provider_settings(sim), timing=FAST_TIMING, transport=transport) as api:
            await preflight(api, spec, wait_until=None, say=lambda _line: None)

    asyncio.run(run())


def test_disks_and_images_are_read_at_once(sim: RunningSimulator) -> None:
    transport = Overlapping(sim)
    _preflight(sim, seed.BACKUP_TWO_DATA_DISKS, transport)
    # backup, then its three volumes and the image list together
    assert transport.requests == 5
    assert transport.most == 4


async def _fail(message: str, delay: float) -> int:
    await asyncio.sleep(delay)
    raise PreflightError(message, "hint")


async def _value(value: int) -> int:
    await asyncio.sleep(0)
    return value


def test_in_order_raises_the_first_error_even_when_the_second_fails_sooner() -> None:
    # the preflight's disk rule and one-image rule: the disk rule is reported, as when read in turn
    with pytest.raises(PreflightError, match="first"):
        asyncio.run(in_order(_fail("first", 0.02), _fail("second", 0.0)))


def test_in_order_returns_both_values_or_the_one_error() -> None:
    assert asyncio.run(in_order(_value(1), _value(2))) == (1, 2)
    with pytest.raises(PreflightError, match="second"):
        asyncio.run(in_order(_value(1), _fail("second", 0.0)))
