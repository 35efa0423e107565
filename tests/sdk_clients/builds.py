"""Build the Go program and install the Node.js package of tools/sdk-clients once, into a cache outside the
clone (${XDG_CACHE_HOME:-~/.cache}/hwc-full-ecs-image/sdk-clients), keyed by a hash of their sources and
the toolchain version, so later runs take no time; then run either against a simulator."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
GO_MODULE = REPO / "tools" / "sdk-clients" / "go"
NODE_PACKAGE = REPO / "tools" / "sdk-clients" / "node"
BUILD_SECONDS = 900  # a cold Go build (47 MB module, ECS models) takes about a minute on 2 cores
RUN_SECONDS = 300


class BuildError(RuntimeError):
    pass


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    root = Path(base) / "hwc-full-ecs-image" / "sdk-clients"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _tool(name: str, what: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BuildError(
            f"error building the {what}: {name} is not on PATH. Install it and run the tests again"
        )
    return found


def _digest(files: Iterable[Path], *extra: str) -> str:
    digest = hashlib.sha256()
    for text in extra:
        digest.update(text.encode())
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _run(command: list[str], cwd: Path, what: str, env: dict[str, str] | None = None) -> None:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=BUILD_SECONDS, check=False
    )
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-15:]
        raise BuildError(
            f"error building the {what}: {' '.join(command[:2])} exited {done.returncode}: "
            + " | ".join(tail)
            + ". Check that the package registries are reachable"
        )


def _publish(built: Path, target: Path) -> None:
    """Move a finished build into place (a concurrent identical build may have won: keep that one)."""
    try:
        built.rename(target)
    except OSError:
        if not target.exists():
            raise
        shutil.rmtree(built, ignore_errors=True)


def go_binary() -> Path:
    """The Go SDK client program, built with the module's go.sum (read-only: no silent upgrade)."""
    go = _tool("go", "Go SDK client")
    version = subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout
    sources = [p for p in GO_MODULE.iterdir() if p.suffix == ".go" or p.name in ("go.mod", "go.sum")]
    target = cache_root() / f"go-{_digest(sources, version)}"
    binary = target / "sdk-clients"
    if binary.is_file():
        return binary
    staging = Path(tempfile.mkdtemp(prefix="go-build-", dir=cache_root()))
    env = dict(os.environ, GOFLAGS="-mod=readonly -buildvcs=false")
    _run([go, "build", "-trimpath", "-o", str(staging / "sdk-clients"), "."], GO_MODULE, "Go SDK client", env)
    _publish(staging, target)
    return binary


def go_unit_tests() -> None:
    """`go test` of the Go program's own checker."""
    go = _tool("go", "Go SDK client")
    env = dict(os.environ, GOFLAGS="-mod=readonly -buildvcs=false")
    _run([go, "test", "./..."], GO_MODULE, "Go SDK client tests", env)


def node_modules() -> Path:
    """node_modules of the Node.js package, installed by `npm ci` from its package-lock.json."""
    npm = _tool("npm", "Node.js SDK client")
    node = _tool("node", "Node.js SDK client")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    lock = [NODE_PACKAGE / "package.json", NODE_PACKAGE / "package-lock.json"]
    target = cache_root() / f"node-{_digest(lock, version)}"
    modules = target / "node_modules"
    if (modules / ".package-lock.json").is_file():
        return modules
    staging = Path(tempfile.mkdtemp(prefix="node-install-", dir=cache_root()))
    for path in lock:
        shutil.copy(path, staging / path.name)
    _run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], staging, "Node.js SDK client")
    _publish(staging, target)
    return modules


def node_env(modules: Path, home: Path) -> dict[str, str]:
    # HOME: the SDK core writes an application id file under the home directory; keep it out of the real one.
    return dict(os.environ, NODE_PATH=str(modules), HOME=str(home))


def run_go(binary: Path, given: dict[str, Any]) -> list[dict[str, Any]]:
    done = subprocess.run(
        [str(binary)],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(f"error running the Go SDK client: exit {done.returncode}: {done.stderr.strip()}")
    outcomes: list[dict[str, Any]] = json.loads(done.stdout)["outcomes"]
    return outcomes


def run_node(modules: Path, given: dict[str, Any], work: Path) -> list[dict[str, Any]]:
    report = work / "node-report.json"
    done = subprocess.run(
        [_tool("node", "Node.js SDK client"), str(NODE_PACKAGE / "main.js"), str(report)],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        env=node_env(modules, work),
        check=False,
    )
    if done.returncode != 0:
        raise BuildError(
            f"error running the Node.js SDK client: exit {done.returncode}: {done.stderr.strip()}"
        )
    outcomes: list[dict[str, Any]] = json.loads(report.read_text())["outcomes"]
    return outcomes
