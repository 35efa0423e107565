"""The official Python SDK clients against the simulator: every operation is accepted (or refused with the
documented code), every answer has every field the SDK's model marks required, and every route is reached."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

from simulator.testing import start_simulator

from . import py_run
from .report import Run, failures, uncalled_routes
from .scenario import OPERATIONS

SERVICES = ("ims", "ecs", "evs", "cbr", "csbs")
# ImsClient marks show_job and the glance_* methods deprecated; they are still the SDK's way to these routes.
pytestmark = pytest.mark.filterwarnings("ignore:Method .* is deprecated:DeprecationWarning")


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


def test_csbs_has_no_official_python_client() -> None:
    """The CSBS routes are left out (scenario.NO_OFFICIAL_CLIENT) only while no SDK package exists: PyPI has
    no huaweicloudsdkcsbs. If one is ever installed, this fails: add its calls to py_run.py."""
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("huaweicloudsdkcsbs")
