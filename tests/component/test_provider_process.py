"""How the provider behaves in the dynamic-provider host: pickling and one-line errors."""

from __future__ import annotations

import ast
import base64
import inspect
import sys
import traceback
from collections.abc import Callable
from typing import Any

import dill
import grpc  # type: ignore[import-untyped]
import pulumi.dynamic.dynamic
import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from components.full_ecs_image.client import HuaweiClient
from components.full_ecs_image.errors import PreflightError
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


def _host_wrapper() -> Any:
    """The real `_abort_with_traceback` of pulumi/dynamic/__main__.py.

    That module starts a gRPC server when imported, so only this function's definition is
    compiled from the installed source and run.
    """
    path = inspect.getfile(pulumi.dynamic.dynamic).replace("dynamic.py", "__main__.py")
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_abort_with_traceback")
    namespace: dict[str, Any] = {"traceback": traceback, "grpc": grpc}
    exec(compile(ast.Module(body=[node], type_ignores=[]), path, "exec"), namespace)  # noqa: S102
    return namespace["_abort_with_traceback"]


class RecordingContext:
    def __init__(self) -> None:
        self.details = ""

    def abort(self, _code: grpc.StatusCode, details: str) -> None:
        self.details = details


def host_error(verb: Any) -> str:
    wrap: Callable[[Callable[..., Any]], Callable[..., Any]] = _host_wrapper()

    def call(_self: Any, _request: Any, _context: Any) -> Any:
        return verb()

    call = wrap(call)
    context = RecordingContext()
    call(None, None, context)
    return context.details


def test_expected_errors_are_one_line_in_the_host(sim: RunningSimulator) -> None:
    provider = FullEcsImageProvider()
    provider.configure(ConfigureRequest(Config(raw_config=sim_config(sim), project_name=PROJECT)))
    assert sys.tracebacklimit == 0
    details = host_error(lambda: provider.create(image_props(seed.BACKUP_ERROR)))
    assert details.strip().count("\n") == 0, details
    assert details.startswith(f"{PreflightError.__module__}.PreflightError: error creating full-ECS image")
    assert "Traceback" not in details


def test_unexpected_errors_carry_their_traceback(
    sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = FullEcsImageProvider()
    provider.configure(ConfigureRequest(Config(raw_config=sim_config(sim), project_name=PROJECT)))

    def bug(*_: Any) -> None:
        raise KeyError("images")

    monkeypatch.setattr(HuaweiClient, "get_image", bug)
    details = host_error(lambda: provider.read("x", image_props(seed.BACKUP_AVAILABLE)))
    assert "error reading full-ECS image x 'web01-full': unexpected KeyError: 'images'" in details
    assert "Traceback (most recent call last)" in details
    assert "provider.py" in details
