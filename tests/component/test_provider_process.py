"""The verbs' errors are one line however they are reported (the legacy dynamic-provider host here;
the hwc plugin in test_plugin.py)."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from hwc_full_ecs_image.client import HuaweiClient
from hwc_full_ecs_image.provider import FullEcsImageProvider
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import PROJECT, image_props, sim_config


def host_details(verb: Callable[[], Any]) -> str:
    """What the dynamic-provider host reports for a verb that raises: pulumi/dynamic/__main__.py
    aborts the call with `traceback.format_exc()`, under the sys.tracebacklimit configure() set."""
    try:
        verb()
    except Exception:
        return traceback.format_exc()
    raise AssertionError("the verb did not raise")


def test_expected_errors_are_one_line_in_the_host(sim: RunningSimulator) -> None:
    provider = FullEcsImageProvider()
    provider.configure(ConfigureRequest(Config(raw_config=sim_config(sim), project_name=PROJECT)))
    assert sys.tracebacklimit == 0
    details = host_details(lambda: provider.create(image_props(seed.BACKUP_ERROR)))
    assert details == (
        f"error creating full-ECS image 'web01-full' from CSBS backup {seed.BACKUP_ERROR}: "
        f"CSBS backup {seed.BACKUP_ERROR} is error; only an available CSBS backup can be used to "
        "create a full-ECS image. Wait until the backup is available, or choose another backup\n"
    )


def test_unexpected_errors_are_one_line_and_their_traceback_goes_to_the_debug_log(
    sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    provider = FullEcsImageProvider()
    provider.configure(ConfigureRequest(Config(raw_config=sim_config(sim), project_name=PROJECT)))

    async def bug(*_: Any) -> None:
        raise KeyError("images")

    monkeypatch.setattr(HuaweiClient, "get_image", bug)
    with caplog.at_level(logging.DEBUG, logger="hwc_full_ecs_image"):
        details = host_details(lambda: provider.read("x", image_props(seed.BACKUP_AVAILABLE)))
    assert details == (
        "error reading full-ECS image x 'web01-full': unexpected error ('images'). This is a bug: "
        "rerun with FULL_ECS_IMAGE_DEBUG=1 to see its traceback, and report it\n"
    )
    [record] = [r for r in caplog.records if r.levelno == logging.DEBUG]
    assert record.exc_info is not None
    assert "KeyError" in "".join(traceback.format_exception(*record.exc_info))
