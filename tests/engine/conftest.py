"""Fixtures for the engine suite: the real Pulumi CLI, a local file backend, the simulator on a real port.

The CLI comes from scripts/bootstrap-engine.sh (cached after the first build). If it cannot be had, every
engine test FAILS with the bootstrap's reason: CI must never skip this suite silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pulumi import automation as auto

from simulator.seed import BACKUP_AVAILABLE
from simulator.testing import RunningSimulator

REPO = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).resolve().parent / "program"
PROJECT = "engine-test"
STACK = "test"
PASSPHRASE = "engine-test-passphrase"  # protects only the throwaway state in tmp_path
IMAGE_NAME = "engine-test-image"
STANDIN_VPC_ID = "d0000000-0000-4000-8000-0000000000aa"  # any id: the simulator has no VPC service
# Every service the component may call; the simulator serves them all on one base URL.
SERVICES = ("ims", "csbs", "cbr", "ecs", "evs")
# Settings that must come from the stack config only, never from the developer's shell.
_AMBIENT_CREDENTIALS = (
    "HW_ACCESS_KEY",
    "HW_SECRET_KEY",
    "HW_REGION_NAME",
    "HW_PROJECT_ID",
    "HW_SECURITY_TOKEN",
    "OS_ACCESS_KEY",
    "OS_SECRET_KEY",
    "OS_REGION_NAME",
    "OS_PROJECT_ID",
    "PULUMI_CONFIG_PASSPHRASE_FILE",
)


@pytest.fixture(scope="session")
def engine_bin() -> Path:
    """The directory holding `pulumi` and its Python plugins, from scripts/bootstrap-engine.sh."""
    result = subprocess.run(
        [str(REPO / "scripts" / "bootstrap-engine.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        pytest.fail(
            "error bootstrapping the Pulumi engine (scripts/bootstrap-engine.sh exited "
            f"{result.returncode}); the engine suite cannot run without it:\n{result.stderr[-3000:]}",
            pytrace=False,
        )
    return Path(lines[-1])


@pytest.fixture(scope="session")
def pulumi_command(engine_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> auto.PulumiCommand:
    # PulumiCommand runs <root>/bin/pulumi and puts <root>/bin first on PATH, so the plugins next to it win.
    root = tmp_path_factory.mktemp("pulumi-root")
    (root / "bin").symlink_to(engine_bin, target_is_directory=True)
    return auto.PulumiCommand(root=str(root))


@dataclass
class EngineStack:
    """A stack of the test program in tmp_path, wired to the simulator."""

    stack: auto.Stack
    sim: RunningSimulator
    work_dir: Path
    cli_env: dict[str, str]
    engine_bin: Path

    def set(self, key: str, value: str, *, secret: bool = False) -> None:
        """Set one config key; keys without a namespace belong to the test project."""
        self.stack.set_config(key, auto.ConfigValue(value, secret=secret))

    def set_object(self, key: str, value: Any) -> None:
        """Structured config as JSON text: `pulumi.Config.get_object` parses it back."""
        self.set(key, json.dumps(value))

    def set_environment(self, values: dict[str, str]) -> None:
        """Extra environment for every later engine run (Automation API and `cli()` alike)."""
        self.stack.workspace.env_vars = {**self.stack.workspace.env_vars, **values}
        self.cli_env.update(values)

    def outputs(self) -> dict[str, Any]:
        return {key: item.value for key, item in self.stack.outputs().items()}

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run the CLI directly (same backend and passphrase), for what the Automation API cannot do."""
        result = subprocess.run(
            [str(self.engine_bin / "pulumi"), *args, "--non-interactive"],
            cwd=self.work_dir,
            env=self.cli_env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def resource_state(self, type_suffix: str) -> list[dict[str, Any]]:
        """The checkpoint entries whose type ends with `type_suffix`."""
        deployment = self.stack.export_stack().deployment
        resources: list[dict[str, Any]] = deployment.get("resources", []) if deployment else []
        return [r for r in resources if str(r.get("type", "")).endswith(type_suffix)]


@pytest.fixture
def engine(
    sim: RunningSimulator,
    pulumi_command: auto.PulumiCommand,
    engine_bin: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> EngineStack:
    for name in _AMBIENT_CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    stack, work_dir, env_vars, home = local_stack(PROGRAM, PROJECT, tmp_path, pulumi_command)
    cli_env = {
        **os.environ,
        **env_vars,
        "PULUMI_HOME": str(home),
        "PATH": os.pathsep.join([str(engine_bin), os.environ.get("PATH", "")]),
    }
    engine_stack = EngineStack(
        stack=stack, sim=sim, work_dir=work_dir, cli_env=cli_env, engine_bin=engine_bin
    )
    configure_for_simulator(engine_stack, sim.access_key, sim.secret_key)
    engine_stack.set("backupId", BACKUP_AVAILABLE)
    engine_stack.set("imageName", IMAGE_NAME)
    return engine_stack


def local_stack(
    program: Path, project: str, tmp_path: Path, pulumi_command: auto.PulumiCommand
) -> tuple[auto.Stack, Path, dict[str, str], Path]:
    """A fresh stack of `program` in tmp_path: file backend, own PULUMI_HOME with the stand-in plugin.

    Returns the stack, its work dir, the engine environment and the Pulumi home."""
    work_dir = tmp_path / "program"
    work_dir.mkdir()
    shutil.copy(program / "__main__.py", work_dir / "__main__.py")
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    home = tmp_path / "pulumi-home"
    install_standin_plugin(home)
    install_hwc_plugin(home)
    env_vars = {
        "PULUMI_BACKEND_URL": state_dir.as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        # The STAND-IN huaweicloud plugin (tools/huaweicloud-standin) needs a VPC id for ECS creates: the
        # simulator has no VPC service to look the subnet's VPC up in.
        "HWC_STANDIN_VPC_ID": STANDIN_VPC_ID,
        "HWC_STANDIN_POLL_SECONDS": "0.05",
        # The program and the plugin import the package from this checkout (not from whatever copy may
        # be installed), so the suite always tests the working tree.
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    # The program and the dynamic-provider shim both use the virtualenv running these tests.
    runtime = auto.ProjectRuntimeInfo(name="python", options={"virtualenv": sys.prefix})
    stack = auto.create_stack(
        STACK,
        work_dir=str(work_dir),
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(work_dir),
            pulumi_home=str(home),
            pulumi_command=pulumi_command,
            env_vars=env_vars,
            project_settings=auto.ProjectSettings(name=project, runtime=runtime),
        ),
    )
    return stack, work_dir, env_vars, home


def install_standin_plugin(home: Path) -> Path:
    """The STAND-IN huaweicloud resource plugin v0.0.12 (tests and demo only), installed into this Pulumi
    home the way `pulumi plugin install` lays out the real one, so the engine loads it by name and version.
    Returns the installed launcher."""
    result = subprocess.run(
        [str(REPO / "scripts" / "install-standin-plugin.sh"), str(home)],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"install-standin-plugin.sh failed:\n{result.stderr}"
    return Path(result.stdout.strip().splitlines()[-1])


def install_hwc_plugin(home: Path) -> Path:
    """This package's own `hwc` plugin, installed by the one documented command (README)."""
    command = [sys.executable, "-m", "hwc_full_ecs_image", "install-plugin", "--pulumi-home", str(home)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"install-plugin failed:\n{result.stderr}"
    return Path(result.stdout.strip().rsplit(" ", 1)[-1])


def simulator_config(sim: RunningSimulator, access_key: str, secret_key: str) -> dict[str, auto.ConfigValue]:
    """The huaweicloud settings pointing at the simulator, with its keys as secrets."""
    return {
        "huaweicloud:region": auto.ConfigValue(sim.region),
        "huaweicloud:projectId": auto.ConfigValue(sim.project_id),
        "huaweicloud:endpoints": auto.ConfigValue(json.dumps(dict.fromkeys(SERVICES, sim.url))),
        "huaweicloud:accessKey": auto.ConfigValue(access_key, secret=True),
        "huaweicloud:secretKey": auto.ConfigValue(secret_key, secret=True),
    }


def configure_for_simulator(engine: EngineStack, access_key: str, secret_key: str) -> None:
    """Point the huaweicloud settings at the simulator, with its keys as secrets."""
    engine.stack.set_all_config(simulator_config(engine.sim, access_key, secret_key))
