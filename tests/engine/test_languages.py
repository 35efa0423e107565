"""The YAML and TypeScript examples (examples/yaml, examples/typescript), served by the hwc plugin's
construct, with the real CLI and the language hosts of scripts/bootstrap-langs.sh against the simulator:
up (an image and one server with the image's disks), a second up with no changes, preview
--expect-no-changes, destroy leaving nothing; and for YAML a bad backup failing preview with the same
one-line error as in Python, and no traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pulumi import automation as auto

from simulator.seed import BACKUP_AVAILABLE, BACKUP_ERROR
from simulator.testing import RunningSimulator

from .conftest import (
    PASSPHRASE,
    REPO,
    STACK,
    STANDIN_VPC_ID,
    EngineStack,
    configure_for_simulator,
    install_hwc_plugin,
    install_standin_plugin,
)
from .test_engine import made_images, only_made_image
from .test_servers import disks_of

pytestmark = pytest.mark.engine

EXAMPLES = REPO / "examples"
SERVER = {
    "name": "yaml-ecs",
    "flavorId": "s6.large.2",
    "availabilityZone": "ap-southeast-1a",
    "networks": [{"uuid": "d0000000-0000-4000-8000-000000000001"}],
}


@pytest.fixture(scope="session")
def yaml_bin() -> Path:
    """The engine's bin directory, with pulumi-language-yaml beside the CLI (built once)."""
    result = subprocess.run(
        [str(REPO / "scripts" / "bootstrap-langs.sh")], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.fail(f"scripts/bootstrap-langs.sh failed:\n{result.stderr[-3000:]}", pytrace=False)
    return Path(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def typescript_ready() -> Path:
    """The generated Node.js SDK built and the TypeScript example's packages installed (npm ci)."""
    example = EXAMPLES / "typescript"
    for command, where in (
        ([str(REPO / "scripts" / "build-node-sdk.sh")], REPO),
        (["npm", "ci", "--silent"], example),
    ):
        done = subprocess.run(command, cwd=where, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}", pytrace=False)
    return example


def example_stack(sim: RunningSimulator, bin_dir: Path, tmp_path: Path, example: Path) -> EngineStack:
    """A stack of one example, copied to tmp_path (node_modules linked), wired to the simulator."""
    work_dir = tmp_path / "program"
    shutil.copytree(example, work_dir, ignore=shutil.ignore_patterns("node_modules", "Pulumi.*.yaml"))
    if (example / "node_modules").exists():
        (work_dir / "node_modules").symlink_to(example / "node_modules", target_is_directory=True)
    (tmp_path / "state").mkdir()
    home = tmp_path / "pulumi-home"
    install_standin_plugin(home)
    install_hwc_plugin(home)
    env_vars = {
        "PULUMI_BACKEND_URL": (tmp_path / "state").as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "HWC_STANDIN_VPC_ID": STANDIN_VPC_ID,
        "HWC_STANDIN_POLL_SECONDS": "0.05",
        "PYTHONPATH": str(REPO),
    }
    root = tmp_path / "pulumi-root"
    root.mkdir()
    (root / "bin").symlink_to(bin_dir, target_is_directory=True)
    stack = auto.create_stack(
        STACK,
        work_dir=str(work_dir),
        opts=auto.LocalWorkspaceOptions(
            work_dir=str(work_dir),
            pulumi_home=str(home),
            pulumi_command=auto.PulumiCommand(root=str(root)),
            env_vars=env_vars,
        ),
    )
    cli_env = {
        **os.environ,
        **env_vars,
        "PULUMI_HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }
    engine = EngineStack(stack=stack, sim=sim, work_dir=work_dir, cli_env=cli_env, engine_bin=bin_dir)
    configure_for_simulator(engine, sim.access_key, sim.secret_key)
    engine.set("backupId", BACKUP_AVAILABLE)
    engine.set("imageName", f"{example.name}-image")
    return engine


@pytest.fixture
def yaml_stack(sim: RunningSimulator, yaml_bin: Path, tmp_path: Path) -> EngineStack:
    return example_stack(sim, yaml_bin, tmp_path, EXAMPLES / "yaml")


@pytest.fixture
def typescript_stack(
    sim: RunningSimulator, yaml_bin: Path, typescript_ready: Path, tmp_path: Path
) -> EngineStack:
    return example_stack(sim, yaml_bin, tmp_path, typescript_ready)


@pytest.mark.parametrize("language", ["yaml", "typescript"])
def test_the_example_makes_the_image_and_a_server_then_changes_nothing(
    language: str, request: pytest.FixtureRequest
) -> None:
    yaml_stack: EngineStack = request.getfixturevalue(f"{language}_stack")
    # Structured config, as the YAML program declares it (an array of objects), not JSON text.
    yaml_stack.stack.set_all_config(
        {
            f"servers[0].{key}": auto.ConfigValue(str(value))
            for key, value in SERVER.items()
            if key != "networks"
        }
        | {"servers[0].networks[0].uuid": auto.ConfigValue(SERVER["networks"][0]["uuid"])},  # type: ignore[index]
        path=True,
    )

    up = yaml_stack.stack.up()

    assert "warning" not in up.stdout.lower(), up.stdout
    image = only_made_image(yaml_stack)
    assert yaml_stack.outputs()["image_id"] == image["id"]
    [server] = [s for s in yaml_stack.sim.control.servers() if s["name"] == "yaml-ecs"]
    system, data = disks_of(yaml_stack, server)
    assert (system["size"], [d["size"] for d in data]) == (40, [100])
    second = yaml_stack.stack.up()
    assert set(dict(second.summary.resource_changes or {})) == {"same"}
    assert yaml_stack.cli("preview", "--expect-no-changes", check=False).returncode == 0

    yaml_stack.stack.destroy()
    assert made_images(yaml_stack) == []
    assert [s for s in yaml_stack.sim.control.servers() if s["name"] == "yaml-ecs"] == []


def test_a_bad_backup_fails_the_yaml_preview_in_one_line(yaml_stack: EngineStack) -> None:
    yaml_stack.set("backupId", BACKUP_ERROR)

    result = yaml_stack.cli("preview", check=False)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    line = f"CSBS backup {BACKUP_ERROR} is error; only an available CSBS backup can be used to create"
    assert line in output, output
    assert "Traceback" not in output
    assert 'File "' not in output
    assert yaml_stack.sim.control.mutating_calls() == {}
