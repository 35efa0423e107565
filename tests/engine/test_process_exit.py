"""When the engine is SIGKILLed mid-deployment, no process it started outlives it for long.

The engine (`pulumi up`) starts, each in its own process group: the language host (our Go
`pulumi-language-python`), which runs the Python program; and the hwc plugin (`pulumi-resource-hwc`, an
sh launcher that execs `python -m hwc_full_ecs_image.plugin <engine>`). Nothing kills those when the
engine is killed, so each must notice on its own.

Only processes of this test count: every process the engine started carries a per-test marker in its
environment (the engine, the language host and the shim pass their environment on), and the engine's
descendants at the moment of the kill are tracked by (pid, start time), so concurrent test runs and
recycled pids are never counted or killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import EngineStack

pytestmark = pytest.mark.engine

MARKER_VARIABLE = "FULL_ECS_IMAGE_PROCESS_EXIT_TEST"
# The provider must be inside create(), waiting for the cloud's job, when the engine is killed.
JOB_SECONDS = 600.0
# The watchdogs notice a dead engine within about 2 s; 10 s leaves room for a loaded machine.
GONE_WITHIN_SECONDS = 10.0


@dataclass(frozen=True)
class Proc:
    """One process as /proc shows it; (pid, start_ticks) identifies it even if the pid is reused."""

    pid: int
    ppid: int
    state: str
    start_ticks: int
    argv: tuple[str, ...]

    @property
    def key(self) -> tuple[int, int]:
        return (self.pid, self.start_ticks)

    @property
    def role(self) -> str:
        """What the process is in a Pulumi deployment, from its command line."""
        words = " ".join(self.argv)
        if "hwc_full_ecs_image.plugin" in words:
            return "hwc plugin (python -m hwc_full_ecs_image.plugin)"
        if "pulumi-language-python-exec" in words:
            return "Python program"
        if self.argv and Path(self.argv[0]).name == "pulumi-language-python":
            return "language host"
        if self.argv and Path(self.argv[0]).name == "pulumi":
            return "engine (pulumi)"
        return "other"

    def describe(self) -> str:
        return f"{self.role} pid {self.pid} state {self.state}: {' '.join(self.argv)[:200]}"


def read_proc(pid: int) -> Proc | None:
    """The process `pid`, or None when it is gone (or exits while being read)."""
    base = Path("/proc") / str(pid)
    try:
        stat = (base / "stat").read_text()
        argv = (base / "cmdline").read_bytes()
    except OSError:
        return None
    # Field 2 (comm) may hold spaces and parentheses: split after its last ")".
    fields = stat.rsplit(")", 1)[1].split()
    return Proc(
        pid=pid,
        ppid=int(fields[1]),
        state=fields[0],
        start_ticks=int(fields[19]),
        argv=tuple(part.decode(errors="replace") for part in argv.split(b"\0") if part),
    )


def alive(proc: Proc) -> bool:
    """Still running: the same process (not a recycled pid) and not a zombie (it has exited)."""
    now = read_proc(proc.pid)
    return now is not None and now.start_ticks == proc.start_ticks and now.state not in ("Z", "X")


def has_marker(pid: int, marker: str) -> bool:
    try:
        environ = (Path("/proc") / str(pid) / "environ").read_bytes()
    except OSError:  # gone, or not ours to read
        return False
    return f"{MARKER_VARIABLE}={marker}".encode() in environ.split(b"\0")


def marked_processes(marker: str) -> list[Proc]:
    """Live processes whose environment carries this test's marker."""
    found: list[Proc] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and has_marker(int(entry.name), marker):
            proc = read_proc(int(entry.name))
            if proc is not None and alive(proc):
                found.append(proc)
    return found


def descendants(root_pid: int) -> list[Proc]:
    """Live descendants of `root_pid` (children, grandchildren, ...)."""
    procs: list[Proc] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            proc = read_proc(int(entry.name))
            if proc is not None and alive(proc):
                procs.append(proc)
    children: dict[int, list[Proc]] = {}
    for proc in procs:
        children.setdefault(proc.ppid, []).append(proc)
    found: list[Proc] = []
    pending = [root_pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child.pid)
    return found


def ours(marker: str, known: Iterable[Proc]) -> list[Proc]:
    """Live processes of this test, freshly read: carrying its marker, or known from an earlier snapshot."""
    found = {proc.key: proc for proc in marked_processes(marker)}
    for proc in known:
        now = read_proc(proc.pid)
        if now is not None and alive(proc):
            found.setdefault(now.key, now)
    return sorted(found.values(), key=lambda proc: proc.pid)


def wait_for(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds}s")
        time.sleep(0.1)


def test_killing_the_engine_leaves_no_process_of_ours_behind(engine: EngineStack) -> None:
    engine.sim.control.set_job_seconds(JOB_SECONDS)
    marker = uuid.uuid4().hex
    log_path = engine.work_dir.parent / "up.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [str(engine.engine_bin / "pulumi"), "up", "--yes", "--skip-preview", "--non-interactive"],
        cwd=engine.work_dir,
        env={**engine.cli_env, MARKER_VARIABLE: marker},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log.close()
    known: list[Proc] = []
    try:
        # The provider is inside create(), waiting for the job, once the create POST was made.
        wait_for(
            lambda: (
                process.poll() is not None or engine.sim.control.calls().get("ims.create_whole_image", 0) >= 1
            ),
            seconds=120,
            what="the provider never made the create call",
        )
        assert process.poll() is None, f"`pulumi up` ended early:\n{log_path.read_text()[-3000:]}"
        engine_proc = read_proc(process.pid)
        assert engine_proc is not None
        known = [engine_proc, *descendants(process.pid)]
        before = ours(marker, known)
        roles = {proc.role for proc in before}
        expected_roles = {
            "engine (pulumi)",
            "language host",
            "Python program",
            "hwc plugin (python -m hwc_full_ecs_image.plugin)",
        }
        assert expected_roles <= roles, "processes before the kill:\n" + "\n".join(
            proc.describe() for proc in before
        )

        os.kill(
            process.pid, signal.SIGKILL
        )  # only the engine: its plugins run in process groups of their own
        killed_at = time.monotonic()
        process.wait()
        # When each process was last seen running, in seconds after the kill.
        timeline: dict[tuple[int, int], tuple[Proc, float]] = {}
        survivors = ours(marker, known)
        while survivors and time.monotonic() - killed_at < GONE_WITHIN_SECONDS:
            now = time.monotonic() - killed_at
            timeline.update((proc.key, (proc, now)) for proc in survivors)
            time.sleep(0.05)
            survivors = ours(marker, known)
        elapsed = time.monotonic() - killed_at
        report = "\n".join(
            f"  last seen running {seen:.2f}s after the kill: {proc.describe()}"
            for proc, seen in sorted(timeline.values(), key=lambda x: x[1])
        )
        assert survivors == [], (
            f"{len(survivors)} process(es) still running {GONE_WITHIN_SECONDS}s after the engine was "
            "SIGKILLed:\n" + "\n".join(proc.describe() for proc in survivors) + f"\n{report}"
        )
        print(f"\nall processes gone within {elapsed:.2f}s of the engine's SIGKILL:\n{report}")
    finally:
        # A failing test leaves nothing behind either (only processes of this test are killed).
        for proc in ours(marker, known):
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.wait()
