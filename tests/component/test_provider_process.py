"""How the provider behaves in the dynamic-provider host: pickling and one-line errors."""

from __future__ import annotations

import base64
import logging
import sys
import traceback
from collections.abc import Callable
from typing import Any

import dill
import pulumi.dynamic.dynamic
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from components.full_ecs_image.client import HuaweiClient
from components.full_ecs_image.provider import FullEcsImageProvider
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import PROJECT, configured, image_props, sim_config


def test_pickle_is_small_by_reference_and_credential_free(sim: RunningSimulator) -> None:
    # A provider that went through configure() and served a verb, as in the provider process:
    # its settings hold the credentials, and pickling it (as Pulumi does) must still leave them out.
    provider = configured(sim_config(sim, **{"huaweicloud:securityToken": "session-token-value"}))
    provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert provider.settings is not None
    encoded = pulumi.dynamic.dynamic.serialize_provider(provider)
    raw = base64.b64decode(encoded)
    assert len(encoded) < 1024
    assert b"components.full_ecs_image.provider" in raw  # by reference: module path + class name
    for secret in (sim.access_key, sim.secret_key, "session-token-value", sim.url):
        assert secret.encode() not in raw
    restored = dill.loads(raw)  # noqa: S301 - our own bytes
    assert isinstance(restored, FullEcsImageProvider)
    assert vars(restored) == {}


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
    with caplog.at_level(logging.DEBUG, logger="components.full_ecs_image"):
        details = host_details(lambda: provider.read("x", image_props(seed.BACKUP_AVAILABLE)))
    assert details == (
        "error reading full-ECS image x 'web01-full': unexpected error ('images'). This is a bug: "
        "rerun with FULL_ECS_IMAGE_DEBUG=1 to see its traceback, and report it\n"
    )
    [record] = [r for r in caplog.records if r.levelno == logging.DEBUG]
    assert record.exc_info is not None
    assert "KeyError" in "".join(traceback.format_exception(*record.exc_info))
