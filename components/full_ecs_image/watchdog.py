"""Exit the dynamic-provider process when the Pulumi engine that started it is gone.

The engine starts `pulumi-resource-pulumi-python <engine-address>`, a POSIX sh shim that runs
`python -u -m pulumi.dynamic <engine-address>` as its child (not with exec). `pulumi.dynamic.__main__`
ignores the address and serves forever, so an engine killed with SIGKILL (no chance to interrupt its
plugins) leaves both processes behind for good. `watch_engine()` (called from the provider's configure(),
before any verb) starts one daemon thread that ends this process within about two seconds of the engine's
death; the shim then exits too, since it only waits for python.

What counts as "the engine is gone" -- either signal alone is conclusive, and neither fires while the
engine runs, however slow or busy it is:

1. The engine process itself (Linux, /proc). It is our parent's parent when our parent is the shim, else
   our parent. It is identified at start by pid AND start time, so a recycled pid is not mistaken for it;
   "gone" means no such process, another process under that pid, or a zombie (it exited, unreaped). A
   process cannot come back, so this signal has no false positives; a slow engine is still a process.
2. The engine's gRPC address (sys.argv[1], portable): REFUSALS_NEEDED consecutive *refused* TCP
   connections. Only an unbound port refuses on loopback; a busy engine whose accept backlog is full
   makes connects time out, which, like every other error, is inconclusive and resets the count. This
   covers systems without /proc and an unexpected process tree (e.g. a launcher that exits early).
   The probe connects and closes without sending anything (the engine's gRPC server drops such a
   connection silently).

Nothing happens unless this process is the dynamic-provider host started with an engine address:
`__main__` is `pulumi.dynamic.__main__` and argv[1] is `host:port`. Unit tests that call configure()
directly, inside pytest, therefore start no thread. Importing this module has no side effects.
"""

from __future__ import annotations

import contextlib
import enum
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

DYNAMIC_PROVIDER_MAIN = "pulumi.dynamic.__main__"
SHIM_NAME = "pulumi-resource-pulumi-python"
THREAD_NAME = "full-ecs-image-engine-watchdog"
# One check per second; two refusals in a row: the engine's death is noticed within about 2 s.
CHECK_INTERVAL_SECONDS = 1.0
PROBE_TIMEOUT_SECONDS = 1.0
REFUSALS_NEEDED = 2
# Exit status when the engine is gone (nobody is left to read it; the shim passes it on).
EXIT_STATUS = 70  # EX_SOFTWARE
FLUSH_TIMEOUT_SECONDS = 1.0

_lock = threading.Lock()
_started = False


class Probe(enum.Enum):
    """The result of one TCP connect to the engine's address."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    INCONCLUSIVE = "inconclusive"  # timeout or any other error: says nothing about the engine


@dataclass(frozen=True)
class ProcessIdentity:
    """A process as /proc/<pid>/stat shows it; (pid, start_ticks) stays unique across pid reuse."""

    pid: int
    ppid: int
    state: str
    start_ticks: int


def parse_engine_address(text: str) -> tuple[str, int] | None:
    """`host:port` (IPv6 as `[addr]:port`) as (host, port); None if `text` is no such address."""
    host, sep, port_text = text.rpartition(":")
    if not sep or not host or not port_text.isdigit() or not port_text.isascii():
        return None
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or any(char in host for char in "/[] ") or host.startswith("-"):
        return None
    port = int(port_text)
    return (host, port) if 0 < port < 65536 else None


def engine_address(argv: Sequence[str], main_module: str | None) -> tuple[str, int] | None:
    """The engine's address if this process is the dynamic-provider host started by an engine."""
    if main_module != DYNAMIC_PROVIDER_MAIN or len(argv) < 2:
        return None
    return parse_engine_address(argv[1])


def engine_gone(probes: Sequence[Probe], needed: int = REFUSALS_NEEDED) -> bool:
    """True when the last `needed` probes (oldest first) were all refused."""
    recent = probes[-needed:]
    return needed > 0 and len(recent) == needed and all(probe is Probe.REFUSED for probe in recent)


def parse_stat(pid: int, text: str) -> ProcessIdentity:
    """Parse /proc/<pid>/stat; the command name (field 2) may contain spaces and parentheses."""
    fields = text.rpartition(")")[2].split()
    return ProcessIdentity(pid=pid, ppid=int(fields[1]), state=fields[0], start_ticks=int(fields[19]))


def is_shim(argv: Sequence[str]) -> bool:
    """Whether a command line is the dynamic-provider shim (`sh .../pulumi-resource-pulumi-python ...`)."""
    return any(Path(arg).name == SHIM_NAME for arg in argv[:2])


def engine_pid(parent: ProcessIdentity, parent_argv: Sequence[str]) -> int:
    """The engine is the shim's parent when our parent is the shim, else our parent itself."""
    return parent.ppid if is_shim(parent_argv) else parent.pid


def process_gone(recorded: ProcessIdentity, now: ProcessIdentity | None) -> bool:
    """Whether the recorded process no longer runs: no process, another one under its pid, a zombie."""
    return now is None or now.start_ticks != recorded.start_ticks or now.state in ("Z", "X")


def read_identity(pid: int) -> ProcessIdentity | None:
    """The process `pid` from /proc, or None (gone, or no /proc on this system)."""
    try:
        return parse_stat(pid, Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace"))
    except (OSError, ValueError, IndexError):
        return None


def read_argv(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def find_engine() -> ProcessIdentity | None:
    """The engine process, identified now (None without /proc: the address probe still works)."""
    parent = read_identity(os.getppid())
    if parent is None:
        return None
    return read_identity(engine_pid(parent, read_argv(parent.pid)))


def probe(address: tuple[str, int], timeout: float = PROBE_TIMEOUT_SECONDS) -> Probe:
    """Connect to the engine's address once, then close at once."""
    try:
        with socket.create_connection(address, timeout=timeout):
            return Probe.ACCEPTED
    except ConnectionRefusedError:
        return Probe.REFUSED
    except OSError:
        return Probe.INCONCLUSIVE


def _main_module_name() -> str | None:
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    name = getattr(spec, "name", None)
    return name if isinstance(name, str) else None


def watch_engine() -> bool:
    """Start (once per process) the daemon thread that ends this process when the engine dies.

    Returns whether a watchdog runs: False outside the dynamic-provider host (e.g. in tests).
    Thread-safe and idempotent: configure() may run more than once per process.
    """
    address = engine_address(sys.argv, _main_module_name())
    if address is None:
        return False
    return _start(address)


def watch_plugin_engine(address_text: str) -> bool:
    """The same watchdog for the hwc provider plugin (plugin.py), given the engine's address. The
    launcher execs Python, so the engine is this process's parent."""
    address = parse_engine_address(address_text)
    return False if address is None else _start(address)


def _start(address: tuple[str, int]) -> bool:
    global _started
    with _lock:
        if not _started:
            engine = find_engine()
            thread = threading.Thread(
                target=_watch, args=(address, engine, _exit), name=THREAD_NAME, daemon=True
            )
            thread.start()
            _started = True
    return True


def _watch(
    address: tuple[str, int],
    engine: ProcessIdentity | None,
    exit_process: Callable[[str], None],
    interval: float = CHECK_INTERVAL_SECONDS,
) -> None:
    """Check once per `interval` until the engine is gone, then call `exit_process` with the reason."""
    probes: list[Probe] = []
    where = f"{address[0]}:{address[1]}"
    while True:
        time.sleep(interval)
        if engine is not None and process_gone(engine, read_identity(engine.pid)):
            exit_process(f"the Pulumi engine (pid {engine.pid}) has exited")
            return
        probes = [*probes, probe(address)][-REFUSALS_NEEDED:]
        if engine_gone(probes):
            exit_process(f"the Pulumi engine at {where} refused {REFUSALS_NEEDED} connections in a row")
            return


def _exit(reason: str) -> None:
    """Say why on stderr (best effort: the engine that read it is gone), flush, and end the process."""

    def flush() -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"full-ECS image provider: {reason}; exiting\n")
            sys.stderr.flush()

    # A pipe nobody drains could block a flush forever: give it a bounded time, then exit anyway.
    flusher = threading.Thread(target=flush, name=f"{THREAD_NAME}-flush", daemon=True)
    flusher.start()
    flusher.join(FLUSH_TIMEOUT_SECONDS)
    os._exit(EXIT_STATUS)
