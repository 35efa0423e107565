"""Fixtures for the component tests: a provider configured against the simulator, fast timing."""

from __future__ import annotations

import sys

import pytest

from components.full_ecs_image.provider import FullEcsImageProvider
from components.full_ecs_image.settings import Settings
from simulator.testing import RunningSimulator

from .helpers import configured, provider_settings, sim_config


@pytest.fixture(autouse=True)
def _restore_tracebacklimit(monkeypatch: pytest.MonkeyPatch) -> None:
    """configure() sets sys.tracebacklimit = 0 for the provider process; keep pytest's own output."""
    monkeypatch.setattr(sys, "tracebacklimit", 1000, raising=False)


@pytest.fixture
def provider(sim: RunningSimulator) -> FullEcsImageProvider:
    return configured(sim_config(sim))


@pytest.fixture
def settings(sim: RunningSimulator) -> Settings:
    return provider_settings(sim)
