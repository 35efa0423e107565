"""The engine watchdog of the dynamic-provider process: its decisions, and each signal in a real process.

The decision logic is tested as pure functions. Then a stand-in provider process (the real module, with
`__main__` posing as `pulumi.dynamic.__main__`) shows each signal alone: the engine's address refusing
connections while the engine process lives, and the engine process dying while its address still accepts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hwc_full_ecs_image import watchdog
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.watchdog import (
    DYNAMIC_PROVIDER_MAIN,
    EXIT_STATUS,
    THREAD_NAME,
    Probe,
    ProcessIdentity,
    engine_address,
    engine_gone,
    engine_pid,
    is_shim,
    parse_engine_address,
    parse_stat,
    probe,
    process_gone,
    read_identity,
)

from .helpers import configured

REPO = Path(__file__).resolve().parents[2]
A, R, U = Probe.ACCEPTED, Probe.REFUSED, Probe.INCONCLUSIVE  # U: unknown (inconclusive)

# Pure decisions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:37137", ("127.0.0.1", 37137)),
        ("localhost:1", ("localhost", 1)),
        ("[::1]:50051", ("::1", 50051)),
        ("127.0.0.1:65535", ("127.0.0.1", 65535)),
    ],
)
def test_engine_addresses_parse(text: str, expected: tuple[str, int]) -> None:
    assert parse_engine_address(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "37137",
        ":37137",
        "127.0.0.1:",
        "127.0.0.1:0",
        "127.0.0.1:65536",
        "127.0.0.1:port",
        "127.0.0.1:١٢٣",  # Unicode digits are no port
        "-p:1234",
        "tests/component/test_x.py::test_y",
        "tests/x.py:12",
        "[]:1234",
    ],
)
def test_anything_else_is_no_engine_address(text: str) -> None:
    assert parse_engine_address(text) is None


def test_the_address_counts_only_in_the_dynamic_provider_host() -> None:
    assert engine_address(["x", "127.0.0.1:4000"], DYNAMIC_PROVIDER_MAIN) == ("127.0.0.1", 4000)
    assert engine_address(["x", "127.0.0.1:4000"], "pytest.__main__") is None
    assert engine_address(["x", "127.0.0.1:4000"], None) is None
    assert engine_address(["x"], DYNAMIC_PROVIDER_MAIN) is None
    assert engine_address(["x", "-q"], DYNAMIC_PROVIDER_MAIN) is None


@pytest.mark.parametrize(
    ("probes", "gone"),
    [
        ([], False),
        ([R], False),  # one refusal may be a fluke: never enough
        ([R, R], True),
        ([A, R, R], True),
        ([R, R, A], False),  # accepted again: alive
        ([R, U, R], False),  # an inconclusive probe breaks the run
        ([U, U, U, U], False),  # timeouts (a slow or busy engine) never count
        ([A, A, A], False),
        ([R, A, R], False),
    ],
)
def test_gone_only_after_consecutive_refusals(probes: list[Probe], gone: bool) -> None:
    assert engine_gone(probes) is gone


def test_the_number_of_refusals_needed_is_a_parameter() -> None:
    assert engine_gone([R, R], needed=3) is False
    assert engine_gone([R, R, R], needed=3) is True
    assert engine_gone([R], needed=0) is False


STAT = "4242 (pulumi (x) y) S 17 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 9 0 98765 1 2 3"


def test_stat_lines_parse_even_with_parentheses_in_the_name() -> None:
    assert parse_stat(4242, STAT) == ProcessIdentity(pid=4242, ppid=17, state="S", start_ticks=98765)


def test_the_engine_is_the_shims_parent_or_else_our_parent() -> None:
    shim = ProcessIdentity(pid=20, ppid=10, state="S", start_ticks=5)
    shim_argv = ["/bin/sh", "/opt/pulumi/bin/pulumi-resource-pulumi-python", "127.0.0.1:1"]
    assert is_shim(shim_argv)
    assert engine_pid(shim, shim_argv) == 10
    assert not is_shim(["/opt/pulumi/bin/pulumi", "up"])
    assert engine_pid(shim, ["/opt/pulumi/bin/pulumi", "up"]) == 20
    assert not is_shim([])


def test_a_process_is_gone_when_missing_replaced_or_a_zombie() -> None:
    engine = ProcessIdentity(pid=10, ppid=1, state="S", start_ticks=5)
    assert not process_gone(engine, engine)
    assert not process_gone(engine, ProcessIdentity(pid=10, ppid=1, state="R", start_ticks=5))
    assert not process_gone(engine, ProcessIdentity(pid=10, ppid=99, state="D", start_ticks=5))
    assert process_gone(engine, None)
    assert process_gone(engine, ProcessIdentity(pid=10, ppid=1, state="S", start_ticks=6))  # pid reused
    assert process_gone(engine, ProcessIdentity(pid=10, ppid=1, state="Z", start_ticks=5))


# Probes and /proc, against real sockets and processes --------------------------------------------------


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    """A listening loopback socket (an engine address that accepts connections)."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server


def test_probes_tell_a_listening_port_from_a_closed_one(listener: socket.socket) -> None:
    assert probe(listener.getsockname()[:2]) is Probe.ACCEPTED
    with socket.socket() as bound:  # bound but not listening: the kernel refuses, and no one can take it
        bound.bind(("127.0.0.1", 0))
        assert probe(bound.getsockname()[:2]) is Probe.REFUSED


def test_this_process_reads_as_alive() -> None:
    me = read_identity(os.getpid())
    assert me is not None
    assert me.ppid == os.getppid()
    assert not process_gone(me, read_identity(os.getpid()))


def test_watch_returns_after_refusals_and_not_while_the_address_accepts(listener: socket.socket) -> None:
    reasons: list[str] = []
    address = listener.getsockname()[:2]
    watcher = threading.Thread(
        target=watchdog._watch, args=(address, None, reasons.append, 0.05), daemon=True
    )
    watcher.start()
    time.sleep(0.5)  # ten checks against a live address
    assert reasons == []
    assert watcher.is_alive()
    listener.close()
    watcher.join(5)
    assert not watcher.is_alive()
    assert len(reasons) == 1
    assert "refused 2 connections in a row" in reasons[0]


# In pytest: nothing ---------------------------------------------------------------------------------


def test_watch_engine_is_a_no_op_in_pytest() -> None:
    assert watchdog.watch_engine() is False
    assert watchdog.watch_engine() is False
    assert THREAD_NAME not in {thread.name for thread in threading.enumerate()}


def test_configure_starts_no_watchdog_in_pytest() -> None:
    configured({})
    FullEcsImageProvider()  # constructing it does nothing either
    assert THREAD_NAME not in {thread.name for thread in threading.enumerate()}


# A stand-in provider process ---------------------------------------------------------------------------

# Poses as the dynamic-provider host (the real `__main__` runs a gRPC server), then calls watch_engine()
# twice (idempotent) and waits; it reports its pid and how many watchdog threads run.
PROVIDER = """
import sys, threading, time, os
from importlib.machinery import ModuleSpec
sys.modules["__main__"].__spec__ = ModuleSpec("pulumi.dynamic.__main__", None)
from hwc_full_ecs_image import watchdog
assert watchdog.watch_engine() and watchdog.watch_engine()
threads = [t for t in threading.enumerate() if t.name == watchdog.THREAD_NAME]
print(os.getpid(), len(threads), flush=True)
time.sleep(120)
"""
# The engine stand-in: starts its arguments (the shim) as a child without waiting, then sleeps.
ENGINE = "import subprocess, sys, time; subprocess.Popen(sys.argv[1:]); time.sleep(120)"
SHIM = '#!/bin/sh\n"$PROVIDER_PYTHON" -u -c "$PROVIDER_SCRIPT" "$@"\n'


def provider_env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "PROVIDER_PYTHON": sys.executable,
        "PROVIDER_SCRIPT": PROVIDER,
    }


def running(pid: int) -> bool:
    identity = read_identity(pid)
    return identity is not None and identity.state not in ("Z", "X")


def wait_gone(pid: int, seconds: float) -> float:
    """Seconds until `pid` no longer runs; fails after `seconds`."""
    start = time.monotonic()
    while running(pid):
        if time.monotonic() - start > seconds:
            raise AssertionError(f"process {pid} still runs after {seconds}s")
        time.sleep(0.05)
    return time.monotonic() - start


@contextlib.contextmanager
def started(args: list[str]) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        args, env=provider_env(), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_the_provider_exits_when_the_engine_address_refuses(listener: socket.socket) -> None:
    host, port = listener.getsockname()[:2]
    # Started by this (live) test process: only the address signal can fire.
    with started([sys.executable, "-u", "-c", PROVIDER, f"{host}:{port}"]) as provider:
        assert provider.stdout is not None
        pid, threads = map(int, provider.stdout.readline().split())
        assert (pid, threads) == (provider.pid, 1)
        time.sleep(2.5)  # more than two checks: an accepting address never makes it exit
        assert provider.poll() is None
        listener.close()
        assert provider.wait(timeout=10) == EXIT_STATUS
        _, stderr = provider.communicate()
    assert f"the Pulumi engine at {host}:{port} refused 2 connections in a row; exiting" in stderr


def test_the_provider_and_shim_exit_when_the_engine_process_dies(
    listener: socket.socket, tmp_path: Path
) -> None:
    # The address keeps accepting (this test holds it): only the engine-process signal can fire.
    shim = tmp_path / "pulumi-resource-pulumi-python"
    shim.write_text(SHIM)
    shim.chmod(0o755)
    host, port = listener.getsockname()[:2]
    with started([sys.executable, "-c", ENGINE, str(shim), f"{host}:{port}"]) as engine:
        assert engine.stdout is not None
        pid, threads = map(int, engine.stdout.readline().split())
        assert threads == 1
        provider = read_identity(pid)
        assert provider is not None
        shim_pid = provider.ppid
        shim_identity = read_identity(shim_pid)
        assert shim_identity is not None
        assert shim_identity.ppid == engine.pid  # engine -> sh shim -> python, as the real engine runs it
        try:
            os.kill(engine.pid, signal.SIGKILL)
            took = wait_gone(pid, seconds=10)
            wait_gone(shim_pid, seconds=5)  # the shim only waited for python
        finally:
            for leftover in (pid, shim_pid):
                if running(leftover):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(leftover, signal.SIGKILL)
        assert took < 5
        assert engine.stderr is not None
        assert f"the Pulumi engine (pid {engine.pid}) has exited; exiting" in engine.stderr.read()
