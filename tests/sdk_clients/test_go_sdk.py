"""The official Go SDK (huaweicloud-sdk-go-v3) against the simulator, through tools/sdk-clients/go: every
operation accepted (or refused with the documented code), every answer has every field the SDK's structs
mark required (no `omitempty`), every route reached. The program is built once into the cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from simulator.testing import start_simulator

from . import builds
from .report import Run, failures, uncalled_routes
from .scenario import OPERATIONS, run_input

pytestmark = pytest.mark.timeout(builds.BUILD_SECONDS + builds.RUN_SECONDS)
SERVICES = ("ims", "ecs", "evs", "cbr", "csbs")


@pytest.fixture(scope="module")
def go_run() -> Iterator[Run]:
    binary = builds.go_binary()
    with start_simulator() as sim:
        outcomes = builds.run_go(binary, run_input(sim))
        yield Run(outcomes, sim.control.calls())


def test_go_checker_flags_missing_and_mistyped_fields() -> None:
    builds.go_unit_tests()  # tools/sdk-clients/go/check_test.go


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_go_sdk_operation(go_run: Run, op: str) -> None:
    problems = failures(go_run, op)
    assert not problems, "\n".join(problems)


def test_go_sdk_reaches_every_route(go_run: Run) -> None:
    missed = uncalled_routes(go_run, SERVICES)
    assert not missed, f"routes no Go SDK call reached: {missed}"
