"""Fixtures for the stand-in suite: the real Pulumi CLI with the STAND-IN huaweicloud plugin installed
into the test's own PULUMI_HOME by scripts/install-standin-plugin.sh, and the simulator on a real port."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from engine.conftest import (  # the engine suite's CLI fixtures, stack builder and simulator wiring
    STANDIN_VPC_ID,
    engine_bin,
    local_stack,
    pulumi_command,
    simulator_config,
)
from pulumi import automation as auto

from simulator.testing import RunningSimulator

__all__ = ["STANDIN_VPC_ID", "engine_bin", "pulumi_command"]

REPO = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).resolve().parent / "program"
STANDIN_ROOT = REPO / "tools" / "huaweicloud-standin"


def standin(module: str) -> Any:
    """A module of the stand-in package tools/huaweicloud-standin/hwc_standin, imported from the checkout."""
    if str(STANDIN_ROOT) not in sys.path:
        sys.path.insert(0, str(STANDIN_ROOT))
    return importlib.import_module(f"hwc_standin.{module}")


@dataclass
class StandinStack:
    stack: auto.Stack
    sim: RunningSimulator
    home: Path


@pytest.fixture
def standin_stack(
    sim: RunningSimulator,
    pulumi_command: auto.PulumiCommand,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> StandinStack:
    for name in ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_REGION_NAME", "HW_PROJECT_ID", "PULUMI_HOME"):
        monkeypatch.delenv(name, raising=False)
    stack, _work_dir, _env, home = local_stack(PROGRAM, "standin-test", tmp_path, pulumi_command)
    stack.set_all_config(simulator_config(sim, sim.access_key, sim.secret_key))
    return StandinStack(stack=stack, sim=sim, home=home)
