"""Upgrading a stack made by 0.1 (the image as a Python dynamic resource, with its deletion barrier) to
the hwc plugin with a plain `pulumi up`: no image created, replaced or deleted, then no changes.

The 0.1 state is generated here, by the real engine, from release 0.1's own code: the last commit before
the plugin (`git archive`, so the test needs the repository's history, as any clone has)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from .conftest import PROGRAM, REPO, EngineStack
from .test_engine import assert_no_pickled_provider, made_images, op_name

pytestmark = pytest.mark.engine

RELEASE_0_1 = "8ca772203c00bffee0252f2ae58604e0e436cc89"
"""The last commit of 0.1 (the dynamic provider)."""


def release_tree(commit: str, target: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return target


def types_in(engine: EngineStack) -> list[str]:
    deployment: Mapping[str, Any] = engine.stack.export_stack().deployment or {}
    return [str(r["type"]) for r in deployment.get("resources", [])]


def test_a_stack_made_by_0_1_upgrades_without_touching_the_image(engine: EngineStack, tmp_path: Path) -> None:
    old = release_tree(RELEASE_0_1, tmp_path / "release-0.1")
    shutil.copy(old / "tests" / "engine" / "program" / "__main__.py", engine.work_dir / "__main__.py")
    engine.set_environment({"PYTHONPATH": str(old)})
    engine.stack.up()
    [image] = made_images(engine)
    assert "pulumi-python:dynamic/hwc-ims:FullEcsImage" in types_in(engine)
    assert "pulumi-python:dynamic/hwc-ims:ImageGone" in types_in(engine)

    shutil.copy(PROGRAM / "__main__.py", engine.work_dir / "__main__.py")
    engine.set_environment({"PYTHONPATH": str(REPO)})
    engine.sim.control.clear_calls()
    result = engine.stack.up()

    changes: dict[str, int] = {op_name(k): v for k, v in (result.summary.resource_changes or {}).items()}
    assert "replace" not in changes, changes
    assert changes.get("create", 0) <= 1, changes  # only the hwc provider's settings record
    assert changes.get("delete") == 1, changes  # the 0.1 deletion barrier, which made no cloud call
    assert engine.sim.control.mutating_calls() == {}
    assert [i["id"] for i in made_images(engine)] == [image["id"]]
    assert engine.cli("preview", "--expect-no-changes", check=False).returncode == 0
    deployment = json.loads(engine.cli("stack", "export").stdout)["deployment"]
    assert_no_pickled_provider(deployment)
    assert "hwc:ims:WholeImage" in types_in(engine)

    engine.stack.destroy()
    assert made_images(engine) == []
