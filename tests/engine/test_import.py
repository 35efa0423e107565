"""`pulumi import hwc:ims:WholeImage <name> <image id>`: an image made outside the stack is taken in with
inputs that describe it (no changes afterwards), destroy deletes it, and what is not a full-ECS image
made from a backup is refused in one line."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from hwc_full_ecs_image.client import HuaweiClient
from hwc_full_ecs_image.polling import Timing
from hwc_full_ecs_image.settings import Settings
from simulator.seed import BACKUP_TWO_DATA_DISKS
from simulator.testing import RunningSimulator

from .conftest import SERVICES, EngineStack
from .test_engine import made_images

pytestmark = pytest.mark.engine

PROGRAM = Path(__file__).resolve().parent / "import_program"
TYPE = "hwc:ims:WholeImage"
NO_SUCH_IMAGE = "f0000000-0000-4000-8000-00000000beef"


def cloud(sim: RunningSimulator, method: str, *args: Any) -> Any:
    """One IMS call straight to the simulator (no stack involved)."""
    settings = Settings(
        region=sim.region,
        access_key=sim.access_key,
        secret_key=sim.secret_key,
        project_id=sim.project_id,
        endpoints=dict.fromkeys(SERVICES, sim.url),
    )

    async def call() -> Any:
        async with HuaweiClient(settings, timing=Timing()) as api:
            return await getattr(api, method)(*args)

    return asyncio.run(call())


def made_outside(engine: EngineStack) -> str:
    """A full-ECS image made straight through the IMS API (no marker, no stack)."""
    body = {"name": "made-by-hand", "backup_id": BACKUP_TWO_DATA_DISKS, "whole_image_type": "CSBS"}
    job_id = cloud(engine.sim, "create_whole_image", body)
    for _ in range(200):
        job = cloud(engine.sim, "get_job", job_id)
        if job.image_id:
            return str(job.image_id)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} made no image")


def use_hwc_config(engine: EngineStack) -> None:
    """The hwc provider's own settings (`hwc:` keys), as a stack without a FullEcsImage sets them."""
    sim = engine.sim
    engine.set("hwc:region", sim.region)
    engine.set("hwc:projectId", sim.project_id)
    engine.set("hwc:endpoints", json.dumps(dict.fromkeys(SERVICES, sim.url)))
    engine.set("hwc:accessKey", sim.access_key, secret=True)
    engine.set("hwc:secretKey", sim.secret_key, secret=True)


def imported_inputs(engine: EngineStack) -> dict[str, Any]:
    [entry] = engine.resource_state(TYPE)
    return dict(entry["inputs"])


def test_an_image_made_outside_the_stack_is_imported_without_changes_and_destroyed(
    engine: EngineStack,
) -> None:
    shutil.copy(PROGRAM / "__main__.py", engine.work_dir / "__main__.py")
    use_hwc_config(engine)
    image_id = made_outside(engine)
    engine.sim.control.clear_calls()

    engine.cli("import", TYPE, "imported", image_id, "--yes", "--generate-code=false", "--protect=false")

    assert engine.sim.control.mutating_calls() == {}
    inputs = imported_inputs(engine)
    assert (inputs["backup_id"], inputs["source"], inputs["name"]) == (
        BACKUP_TWO_DATA_DISKS,
        "csbs",
        "made-by-hand",
    )
    engine.set_object("wholeImage", inputs)
    preview = engine.cli("preview", "--expect-no-changes", check=False)
    assert preview.returncode == 0, preview.stdout + preview.stderr

    engine.stack.destroy()
    assert image_id not in [i["id"] for i in made_images(engine)]


def test_an_image_that_is_not_a_full_ecs_image_of_this_project_is_refused_in_one_line(
    engine: EngineStack,
) -> None:
    # (Every image the simulator seeds is a full-ECS image; tests/component/test_plugin.py refuses a
    # system image too.)
    shutil.copy(PROGRAM / "__main__.py", engine.work_dir / "__main__.py")
    use_hwc_config(engine)
    engine.sim.control.clear_calls()

    result = engine.cli(
        "import", TYPE, "imported", NO_SUCH_IMAGE, "--yes", "--generate-code=false", check=False
    )

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert f"error importing image {NO_SUCH_IMAGE}: " in output, output
    assert "Traceback" not in output
    assert engine.sim.control.mutating_calls() == {}
    assert engine.resource_state(TYPE) == []


def test_pulumi_package_get_schema_prints_the_plugin_schema_with_every_property_described(
    engine: EngineStack,
) -> None:
    schema = json.loads(engine.cli("package", "get-schema", "hwc").stdout)

    resource = schema["resources"][TYPE]
    assert resource["aliases"] == [{"type": "pulumi-python:dynamic/hwc-ims:FullEcsImage"}]
    groups = [
        resource["inputProperties"],
        resource["properties"],
        *(t["properties"] for t in schema["types"].values()),
    ]
    undescribed = [name for group in groups for name, spec in group.items() if not spec.get("description")]
    assert undescribed == []
