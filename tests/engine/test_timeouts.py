"""custom_timeouts reach the plugin and the wait: a create budget of 1 minute on a 3-minute IMS job fails
the `up` in one line once the minute is over, and leaves nothing the stack does not know about."""

from __future__ import annotations

import re

import pytest

from .conftest import EngineStack
from .test_engine import RESOURCE_TYPE, made_images

pytestmark = pytest.mark.engine

INTERNALS = re.compile(r"Traceback|File \"|\w+Error:|hwc_full_ecs_image\.")


def test_a_one_minute_create_timeout_on_a_three_minute_job_fails_in_one_line(engine: EngineStack) -> None:
    engine.sim.control.set_job_seconds(180)
    engine.set("createTimeout", "1m")

    up = engine.cli("up", "--yes", check=False)

    assert up.returncode != 0
    output = up.stdout + up.stderr
    [line] = [x for x in output.splitlines() if "error: error " in x and "timed out" in x][:1]
    assert "timed out waiting for" in line, output
    assert not INTERNALS.search(output), output
    # Nothing left behind: every image made is one the stack records, and destroy removes it.
    recorded = {entry["id"] for entry in engine.resource_state(RESOURCE_TYPE)}
    assert {image["id"] for image in made_images(engine)} <= recorded
    engine.sim.control.set_job_seconds(0)
    engine.stack.destroy()
    assert made_images(engine) == []
