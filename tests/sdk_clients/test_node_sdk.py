"""The official Node.js SDK (@huaweicloud/huaweicloud-sdk-ecs) against the simulator, through
tools/sdk-clients/node: every ECS operation accepted, every answer has every field the SDK's models mark
required (constructor parameters), every ECS route reached. The npm registry has no IMS, EVS, CBR or CSBS
package of this SDK (`npm view @huaweicloud/huaweicloud-sdk-ims` is a 404), so only ECS has a Node.js
client. The package is installed once (`npm ci`) into the cache."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.testing import start_simulator

from . import builds
from .report import Run, failures, uncalled_routes
from .scenario import OPERATIONS, run_input

pytestmark = pytest.mark.timeout(builds.BUILD_SECONDS + builds.RUN_SECONDS)
SERVICES = ("ecs",)
NODE_OPERATIONS = [op for op in OPERATIONS if op.startswith(tuple(f"{s}." for s in SERVICES))]


@pytest.fixture(scope="module")
def node_modules() -> Path:
    return builds.node_modules()


@pytest.fixture(scope="module")
def node_run(node_modules: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    with start_simulator() as sim:
        outcomes = builds.run_node(node_modules, run_input(sim), tmp_path_factory.mktemp("node"))
        yield Run(outcomes, sim.control.calls())


def test_node_checker_flags_missing_and_mistyped_fields(node_modules: Path, tmp_path: Path) -> None:
    test_file = builds.NODE_PACKAGE / "check.test.js"
    done = subprocess.run(
        ["node", "--test", str(test_file)],
        env=builds.node_env(node_modules, tmp_path),
        capture_output=True,
        text=True,
        timeout=builds.RUN_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("op", NODE_OPERATIONS)
def test_node_sdk_operation(node_run: Run, op: str) -> None:
    problems = failures(node_run, op)
    assert not problems, "\n".join(problems)


def test_node_sdk_reaches_every_ecs_route(node_run: Run) -> None:
    missed = uncalled_routes(node_run, SERVICES)
    assert not missed, f"routes no Node.js SDK call reached: {missed}"
