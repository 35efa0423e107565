"""Runner without make or pytest: every official SDK client (Python, Go, Node.js) against a fresh simulator
each, then one line per gap, the same problem in several languages or list items told once.

Usage (from the repository root): .venv/bin/python tools/sdk-clients/gaps.py [--json FILE]
Exit status: 0 when every client passes, 1 when a gap is listed, 2 when a client could not be built or run.
The pytest suite tests/sdk_clients asserts the same outcomes (it is what `make test` runs).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from simulator.testing import RunningSimulator, start_simulator
from tests.sdk_clients import builds, py_run
from tests.sdk_clients.report import Run, failures, uncalled_routes
from tests.sdk_clients.scenario import OPERATIONS, run_input

ALL = ("ims", "ecs", "evs", "cbr", "csbs")


def _one(runner: Callable[[RunningSimulator], list[dict[str, Any]]]) -> Run:
    with start_simulator() as sim:
        outcomes = runner(sim)
        return Run(outcomes, sim.control.calls())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write {language: [gap, ...]} to this file")
    args = parser.parse_args()
    try:
        binary, modules = builds.go_binary(), builds.node_modules()
    except builds.BuildError as err:
        print(err, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as work:
        runs = {
            "python": (_one(py_run.run), ALL),
            "go": (_one(lambda sim: builds.run_go(binary, run_input(sim))), ALL),
            "node": (_one(lambda sim: builds.run_node(modules, run_input(sim), Path(work))), ("ecs",)),
        }
    gaps: dict[str, list[str]] = {}
    for language, (run, services) in runs.items():
        lines: list[str] = []
        for op in OPERATIONS:
            if op.split(".")[0] in services:
                lines.extend(_generic(line) for line in failures(run, op))
        lines.extend(f"route never reached: {name}" for name in uncalled_routes(run, services))
        gaps[language] = list(dict.fromkeys(lines))
    by_gap: dict[str, list[str]] = {}
    for language, lines in gaps.items():
        for line in lines:
            by_gap.setdefault(line, []).append(language)
    for line, languages in by_gap.items():
        print(f"[{','.join(languages)}] {line}")
    print(f"{len(by_gap)} gaps" if by_gap else "no gaps: every SDK client passes")
    if args.json is not None:
        args.json.write_text(json.dumps(gaps, indent=2) + "\n")
    return 1 if by_gap else 0


def _generic(line: str) -> str:
    """One line for all list items and calls: `$.servers[2].x` -> `$.servers[*].x`, no call number."""
    line = re.sub(r"\[\d+\]", "[*]", line)
    return re.sub(r" \(call \d+, SDK \w+\)", "", line)


if __name__ == "__main__":
    sys.exit(main())
