"""Judging a run: one outcome per SDK call (same JSON shape from the Python, Go and Node.js runs), and which
simulator routes a run reached."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from simulator.app import CLOUD_ROUTES

from .scenario import NO_OFFICIAL_CLIENT, OPERATIONS


@dataclass(frozen=True)
class Run:
    outcomes: list[dict[str, Any]]  # {"op", "sdk_method", "status", "error_code", "error_message", findings}
    calls: dict[str, int]  # the simulator's call counts by route name after the run


def failures(run: Run, op: str) -> list[str]:
    """Why the calls of `op` fail the acceptance (empty: they pass); each line names the call and cause."""
    calls = [o for o in run.outcomes if o["op"] == op]
    if not calls:
        return [f"{op}: never called (an earlier call it depends on failed)"]
    expected = OPERATIONS[op]
    problems: list[str] = []
    for number, outcome in enumerate(calls, start=1):
        where = f"{op} (call {number}, SDK {outcome['sdk_method']})"
        code = outcome["error_code"]
        if expected is not None:
            if code != expected:
                problems.append(f"{where}: answered {_answer(outcome)}, expected error {expected}")
            continue
        if code is not None:
            problems.append(f"{where}: refused with {_answer(outcome)}")
        problems.extend(f"{where}: required field missing: {path}" for path in outcome["missing"])
        problems.extend(f"{where}: wrong JSON type: {text}" for text in outcome["wrong_type"])
    return problems


def _answer(outcome: dict[str, Any]) -> str:
    if outcome["error_code"] is None:
        return f"HTTP {outcome['status']} (success)"
    return f"HTTP {outcome['status']} {outcome['error_code']}: {outcome['error_message']}"


def operation_routes() -> list[str]:
    """Every simulator route name that is an operation. A route told apart by its body (ECS
    /cloudservers/action) counts by its operations; its own name only counts bodies naming none."""
    names: list[str] = []
    for route in CLOUD_ROUTES:
        found = list(route.body_names.values()) if route.body_names else [route.name, *route.aliases]
        names.extend(name for name in found if name not in names)
    return names


def uncalled_routes(run: Run, services: Iterable[str]) -> list[str]:
    """Routes of `services` (e.g. "ims") with an official client that the run never reached."""
    wanted = tuple(f"{service}." for service in services)
    return [
        name
        for name in operation_routes()
        if name.startswith(wanted) and name not in NO_OFFICIAL_CLIENT and not run.calls.get(name)
    ]
