"""Fixtures for the component tests: a provider configured against the simulator, fast timing."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator

import pytest

from hwc_full_ecs_image import provider as provider_module
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.settings import Settings
from simulator.testing import RunningSimulator

from .helpers import configured, provider_settings, sim_config


@pytest.fixture(autouse=True)
def _restore_tracebacklimit(monkeypatch: pytest.MonkeyPatch) -> None:
    """configure() sets sys.tracebacklimit = 0 for the provider process; keep pytest's own output."""
    monkeypatch.setattr(sys, "tracebacklimit", 1000, raising=False)


@pytest.fixture(autouse=True)
def _fresh_backup_claims() -> None:
    """Each test is its own deployment: the provider process's backup claims start empty."""
    provider_module._CLAIMS.clear()
    provider_module._CHECKED.clear()


@pytest.fixture(autouse=True)
def _main_thread_event_loop() -> Iterator[None]:
    """asyncio.run() leaves the main thread without a current loop; Pulumi's mock runtime needs one."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield
    asyncio.set_event_loop(None)
    loop.close()


@pytest.fixture
def provider(sim: RunningSimulator) -> FullEcsImageProvider:
    return configured(sim_config(sim))


@pytest.fixture
def settings(sim: RunningSimulator) -> Settings:
    return provider_settings(sim)
