"""scripts/install-standin-plugin.sh lays the plugin out as `pulumi plugin install --file` (CLI v3.260) does,
and the CLI lists it as the resource plugin huaweicloud 0.0.12."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from engine.conftest import install_standin_plugin as install_standin

pytestmark = pytest.mark.engine

PLUGIN_DIR = "resource-huaweicloud-v0.0.12"


def layout(home: Path) -> dict[str, str]:
    """{path under plugins/: kind and permission bits} for the plugin's entries (not its package files)."""
    plugins = home / "plugins"
    entries = [plugins, *plugins.iterdir(), plugins / PLUGIN_DIR / "pulumi-resource-huaweicloud"]
    return {
        str(p.relative_to(home)): ("d" if p.is_dir() else "f") + oct(stat.S_IMODE(p.stat().st_mode))
        for p in entries
    }


def cli(engine_bin: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PULUMI_HOME": str(home), "PULUMI_SKIP_UPDATE_CHECK": "true"}
    return subprocess.run(
        [str(engine_bin / "pulumi"), *args], env=env, capture_output=True, text=True, check=True
    )


def test_script_layout_matches_pulumi_plugin_install(engine_bin: Path, tmp_path: Path) -> None:
    scripted = tmp_path / "scripted"
    launcher = install_standin(scripted)
    assert launcher == scripted / "plugins" / PLUGIN_DIR / "pulumi-resource-huaweicloud"
    tarball = tmp_path / "plugin.tgz"
    with tarfile.open(tarball, "w:gz") as tar:
        for child in sorted((scripted / "plugins" / PLUGIN_DIR).iterdir()):
            tar.add(child, arcname=child.name)
    installed = tmp_path / "installed"

    cli(
        engine_bin,
        installed,
        "plugin",
        "install",
        "resource",
        "huaweicloud",
        "v0.0.12",
        "--file",
        str(tarball),
    )

    assert layout(scripted) == layout(installed)
    listed = json.loads(cli(engine_bin, scripted, "plugin", "ls", "--json").stdout)
    assert [(p["name"], p["kind"], p["version"]) for p in listed] == [("huaweicloud", "resource", "0.0.12")]
    head = launcher.read_text()
    assert "STAND-IN" in head
    assert f"'{sys.executable}' -m hwc_standin" in head  # the interpreter that ran the install


def test_a_relative_python_is_written_as_an_absolute_path(tmp_path: Path) -> None:
    """PYTHON=.venv/bin/python (as the stand-in's README once said): the launcher must still run from a
    stack in another directory, so the interpreter's path is made absolute at install time."""
    repo = Path(__file__).resolve().parents[2]
    relative = os.path.relpath(sys.executable, repo)
    result = subprocess.run(
        [str(repo / "scripts" / "install-standin-plugin.sh"), str(tmp_path / "home")],
        cwd=repo,
        env={**os.environ, "PYTHON": relative},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    launcher = Path(result.stdout.strip().splitlines()[-1]).read_text()
    assert f"exec '{repo / relative}' -m hwc_standin" in launcher
    assert f"exec '{relative}'" not in launcher
