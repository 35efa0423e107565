"""Helpers shared by the component tests (imported relatively: tests/ is not a package)."""

from __future__ import annotations

import json
import sys
from typing import Any

from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from components.full_ecs_image.client import FAST_TIMING
from components.full_ecs_image.plan import marker_for
from components.full_ecs_image.provider import FullEcsImageProvider
from components.full_ecs_image.settings import Settings
from simulator.testing import RunningSimulator

PROJECT = "full-ecs-image"


def sim_config(sim: RunningSimulator, **overrides: str) -> dict[str, str]:
    """The stack config the engine would send to configure(), pointing every service at the simulator."""
    endpoints = dict.fromkeys(("ims", "csbs", "cbr", "ecs", "evs"), sim.url)
    config = {
        "huaweicloud:region": sim.region,
        "huaweicloud:accessKey": sim.access_key,
        "huaweicloud:secretKey": sim.secret_key,
        "huaweicloud:projectId": sim.project_id,
        "huaweicloud:endpoints": json.dumps(endpoints),
    }
    config.update(overrides)
    return config


def configured(config: dict[str, Any]) -> FullEcsImageProvider:
    provider = FullEcsImageProvider()
    # configure() sets sys.tracebacklimit = 0, as it must in the provider process; in the test
    # process that would also break pulumi's own traceback.extract_stack() use, so restore it.
    limit = getattr(sys, "tracebacklimit", None)
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name=PROJECT)))
    if limit is None:
        del sys.tracebacklimit
    else:
        sys.tracebacklimit = limit
    provider.timing = FAST_TIMING
    return provider


def image_props(backup_id: str, name: str = "web01-full", **extra: Any) -> dict[str, Any]:
    """Inputs as check() would pass them to create(): normalized, with a marker."""
    props: dict[str, Any] = {
        "backup_id": backup_id,
        "name": name,
        "marker": marker_for(PROJECT, "test", "image"),
        "description": None,
        "tags": None,
        "enterprise_project_id": None,
        "min_ram": None,
        "max_ram": None,
        "adopt_image_id": None,
        "create_timeout_minutes": 1,
        "region": None,
        "project_id": None,
    }
    props.update(extra)
    return props


def provider_settings(sim: RunningSimulator) -> Settings:
    """Client settings for the simulator, as configure() would build them."""
    return Settings(
        region=sim.region,
        access_key=sim.access_key,
        secret_key=sim.secret_key,
        project_id=sim.project_id,
        endpoints=dict.fromkeys(("ims", "csbs", "ecs", "evs"), sim.url),
    )
