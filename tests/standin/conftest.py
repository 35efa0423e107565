"""Fixtures for the stand-in suite: the real Pulumi CLI with the STAND-IN huaweicloud plugin installed
into the test's own PULUMI_HOME by scripts/install-standin-plugin.sh, and the simulator on a real port."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from engine.conftest import (  # the engine suite's CLI fixtures and simulator wiring
    PASSPHRASE,
    SERVICES,
    engine_bin,
    pulumi_command,
)
from pulumi import automation as auto

from simulator.testing import RunningSimulator

__all__ = ["engine_bin", "pulumi_command"]

REPO = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).resolve().parent / "program"
INSTALL = REPO / "scripts" / "install-standin-plugin.sh"
STANDIN_ROOT = REPO / "tools" / "huaweicloud-standin"
STANDIN_VPC_ID = "d0000000-0000-4000-8000-0000000000aa"  # the simulator has no VPC service


def standin(module: str) -> Any:
    """A module of the stand-in package tools/huaweicloud-standin/hwc_standin, imported from the checkout."""
    if str(STANDIN_ROOT) not in sys.path:
        sys.path.insert(0, str(STANDIN_ROOT))
    return importlib.import_module(f"hwc_standin.{module}")


def install_standin(home: Path) -> Path:
    """Run the install script with this interpreter; the path of the installed launcher."""
    result = subprocess.run(
        [str(INSTALL), str(home)],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"install-standin-plugin.sh failed:\n{result.stderr}"
    return Path(result.stdout.strip().splitlines()[-1])


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
    work_dir = tmp_path / "program"
    work_dir.mkdir()
    shutil.copy(PROGRAM / "__main__.py", work_dir / "__main__.py")
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    home = tmp_path / "pulumi-home"
    install_standin(home)
    env_vars = {
        "PULUMI_BACKEND_URL": state_dir.as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "HWC_STANDIN_VPC_ID": STANDIN_VPC_ID,
        "HWC_STANDIN_POLL_SECONDS": "0.05",
    }
    runtime = auto.ProjectRuntimeInfo(name="python", options={"virtualenv": sys.prefix})
    stack = auto.create_stack(
        "test",
        work_dir=str(work_dir),
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(work_dir),
            pulumi_home=str(home),
            pulumi_command=pulumi_command,
            env_vars=env_vars,
            project_settings=auto.ProjectSettings(name="standin-test", runtime=runtime),
        ),
    )
    stack.set_all_config(
        {
            "huaweicloud:region": auto.ConfigValue(sim.region),
            "huaweicloud:projectId": auto.ConfigValue(sim.project_id),
            "huaweicloud:endpoints": auto.ConfigValue(json.dumps(dict.fromkeys(SERVICES, sim.url))),
            "huaweicloud:accessKey": auto.ConfigValue(sim.access_key, secret=True),
            "huaweicloud:secretKey": auto.ConfigValue(sim.secret_key, secret=True),
        }
    )
    return StandinStack(stack=stack, sim=sim, home=home)
