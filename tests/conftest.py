"""Shared fixtures: one simulator per test session on a real loopback port (see simulator/testing.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.testing import RunningSimulator, start_simulator


@pytest.fixture(scope="session")
def sim_server() -> Iterator[RunningSimulator]:
    """A RunningSimulator shared by the whole session (default seed, job_seconds 0)."""
    with start_simulator() as running:
        yield running


@pytest.fixture
def sim(sim_server: RunningSimulator) -> RunningSimulator:
    """The session simulator reset to the default seed: job_seconds 0, no faults, calls cleared."""
    sim_server.control.reset("default")
    sim_server.control.set_job_seconds(0)
    sim_server.control.clear_faults()
    sim_server.control.clear_calls()
    sim_server.control.set_credentials(sim_server.access_key, sim_server.secret_key)
    return sim_server
