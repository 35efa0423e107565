"""The component built by the hwc plugin's construct, as a YAML/TypeScript/Go/C# program gets it: up
(image and a server with the image's disks), a second up with no changes, preview --expect-no-changes,
destroy leaving nothing, and a bad backup failing preview with the same one-line error as in Python."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from simulator.seed import BACKUP_ERROR

from .conftest import IMAGE_NAME, EngineStack
from .test_engine import made_images, only_made_image
from .test_servers import disks_of, two_servers

pytestmark = pytest.mark.engine

PROGRAM = Path(__file__).resolve().parent / "remote_program"
BAD_BACKUP_LINE = f"CSBS backup {BACKUP_ERROR} is error; only an available CSBS backup can be used"


def remote(engine: EngineStack, **inputs: object) -> None:
    shutil.copy(PROGRAM / "__main__.py", engine.work_dir / "__main__.py")
    backup = engine.stack.get_config("backupId").value
    engine.set_object("inputs", {"backupId": backup, "name": IMAGE_NAME, **inputs})


def camel_server() -> dict[str, object]:
    first, _ = two_servers()
    return {"name": first["name"], "flavorId": first["flavor_id"], "networks": first["networks"]}


def test_a_constructed_component_makes_the_image_and_a_server_then_changes_nothing(
    engine: EngineStack,
) -> None:
    remote(engine, servers=[camel_server()])

    engine.stack.up()

    image = only_made_image(engine)
    outputs = engine.outputs()
    assert outputs["imageId"] == image["id"]
    assert outputs["status"] == "active"
    [server] = [s for s in engine.sim.control.servers() if s["name"] == camel_server()["name"]]
    assert outputs["serverIds"] == [server["id"]]
    system, data = disks_of(engine, server)
    assert system["size"] >= 40
    assert len(data) == len(outputs["dataDisks"])
    second = engine.stack.up()
    assert set(dict(second.summary.resource_changes or {})) == {"same"}
    assert engine.cli("preview", "--expect-no-changes", check=False).returncode == 0

    engine.stack.destroy()
    assert made_images(engine) == []
    assert [s for s in engine.sim.control.servers() if s["name"] == camel_server()["name"]] == []


def test_a_bad_backup_fails_the_constructed_components_preview_in_one_line(engine: EngineStack) -> None:
    remote(engine)
    engine.set_object("inputs", {"backupId": BACKUP_ERROR, "name": IMAGE_NAME})

    result = engine.cli("preview", check=False)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    line = next((x for x in output.splitlines() if BAD_BACKUP_LINE in x), "")
    # The image's check fails, as under a Python program: the same line.
    assert "hwc:ims:WholeImage resource 'image-image': property backup_id value" in line, output
    assert "Traceback" not in line
    assert 'File "' not in line
    # (The consuming Python SDK then prints a traceback of its own for the failed registration; a YAML
    # program does not: tests/engine/test_languages.py.)
    assert engine.sim.control.mutating_calls() == {}
