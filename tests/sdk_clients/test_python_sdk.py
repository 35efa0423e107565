"""The official Python SDK clients against the simulator: every operation is accepted (or refused with the
documented code), every answer has every field the SDK's model marks required, and every route is reached."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.testing import start_simulator

from . import py_run
from .report import Run, failures, uncalled_routes
from .scenario import OPERATIONS

SERVICES = ("ims", "ecs", "evs", "cbr", "csbs")


@pytest.fixture(scope="module")
def python_run() -> Iterator[Run]:
    with start_simulator() as sim:
        outcomes = py_run.run(sim)
        yield Run(outcomes, sim.control.calls())


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_python_sdk_operation(python_run: Run, op: str) -> None:
    problems = failures(python_run, op)
    assert not problems, "\n".join(problems)


def test_python_sdk_reaches_every_route(python_run: Run) -> None:
    missed = uncalled_routes(python_run, SERVICES)
    assert not missed, f"routes no Python SDK call reached: {missed}"
