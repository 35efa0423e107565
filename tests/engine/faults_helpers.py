"""Helpers of the fault matrix (test_faults.py): a simulator of its own seeded with one CSBS backup per
image (restartable on the same port from its state file), engine runs that can be killed, and the
"cloud == state" check every row ends with."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.ims.records import JOB_TYPE
from simulator.seed import build, clone_ids, with_backup_clones
from simulator.state import StateFile
from simulator.testing import DEFAULT_PROJECT_ID, DEFAULT_REGION, RunningSimulator, start_simulator

from .conftest import EngineStack

IMAGE_TYPE = "hwc:ims:WholeImage"
SERVER_TYPE = "huaweicloud:Ecs/instance:Instance"
CREATE_ROUTE = "ims.create_whole_image"
IMAGE_PREFIX = "faults-image-"  # faults_program names its images faults-image-00, -01, ...
# Clones of the seed's available whole-ECS backup: series 2 (the bench uses series 1).
SEED = build("default", DEFAULT_PROJECT_ID, DEFAULT_REGION)


def write_state_file(path: Path, count: int) -> list[str]:
    """The default seed plus `count` available whole-ECS CSBS backups; their ids."""
    StateFile(str(path)).save(
        with_backup_clones(DEFAULT_PROJECT_ID, DEFAULT_REGION, count, series=2, label="faults")
    )
    return clone_ids(count, 2)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class FaultSim:
    """A simulator on a fixed port with a state file, so it can be stopped and started again mid-job."""

    state_file: Path
    port: int
    job_seconds: float
    running: RunningSimulator = field(init=False)

    def __post_init__(self) -> None:
        self.running = self._start()

    def _start(self) -> RunningSimulator:
        return start_simulator(state_file=str(self.state_file), port=self.port, job_seconds=self.job_seconds)

    def restart(self, down_seconds: float) -> None:
        """Stop (the state file is flushed), stay down `down_seconds`, start again from the state file.
        Call counts and faults are per process: they start from zero again."""
        self.running.stop()
        time.sleep(down_seconds)
        self.running = self._start()


def checkpoint(engine: EngineStack) -> dict[str, Any]:
    """The stack's checkpoint read straight from the file backend (no CLI: usable while an update runs)."""
    backend = Path(engine.cli_env["PULUMI_BACKEND_URL"].removeprefix("file://"))
    (path,) = backend.glob(".pulumi/stacks/*/test.json")
    deployment: dict[str, Any] = json.loads(path.read_text())["checkpoint"].get("latest") or {}
    return deployment


def created_images_in_checkpoint(engine: EngineStack) -> list[str]:
    """Image ids of the FullEcsImage entries the engine has recorded (create() returned for them)."""
    with contextlib.suppress(FileNotFoundError, ValueError, KeyError):
        resources = checkpoint(engine).get("resources") or []
        return [
            str(r["outputs"]["image_id"])
            for r in resources
            if r.get("type") == IMAGE_TYPE and (r.get("outputs") or {}).get("image_id")
        ]
    return []


def pending_creates(engine: EngineStack) -> list[str]:
    """URNs of the checkpoint's pending `creating` operations (read from the file backend)."""
    operations = checkpoint(engine).get("pending_operations") or []
    return [str(op["resource"]["urn"]) for op in operations if op.get("type") == "creating"]


def pending_operations_in(engine: EngineStack) -> list[str]:
    """`<type> <urn>` of every pending operation in the checkpoint (read from the file backend)."""
    operations = checkpoint(engine).get("pending_operations") or []
    return [f"{op.get('type')} {op['resource']['urn']}" for op in operations]


def start_engine(engine: EngineStack, *args: str, log: Path) -> subprocess.Popen[bytes]:
    """`pulumi <args> --yes --skip-preview` in its own session (so kill_tree can end all of it)."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(engine.engine_bin / "pulumi"), *args, "--yes", "--skip-preview", "--non-interactive"],
            cwd=engine.work_dir,
            env=engine.cli_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds}s waiting until {what}")
        time.sleep(0.1)


def kill_tree(root_pid: int) -> None:
    """SIGKILL a process and every descendant (plugins run in their own process groups)."""
    for pid in [*_descendants(root_pid), root_pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _descendants(root_pid: int) -> Iterator[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    pending = [root_pid]
    while pending:
        for child in children.get(pending.pop(), []):
            yield child
            pending.append(child)


@dataclass(frozen=True)
class Ours:
    """What the stack made in the simulator: everything the default seed does not hold."""

    images: dict[str, dict[str, Any]]
    servers: dict[str, dict[str, Any]]
    volumes: set[str]


def ours_in_cloud(sim: RunningSimulator) -> Ours:
    control = sim.control
    return Ours(
        images={i["id"]: i for i in control.images() if i["id"] not in SEED.images},
        servers={s["id"]: s for s in control.servers() if s["id"] not in SEED.servers},
        volumes={v["id"] for v in control.volumes() if v["id"] not in SEED.volumes},
    )


def create_jobs(sim: RunningSimulator) -> list[dict[str, Any]]:
    """IMS create jobs of this program's images: one per create request IMS accepted (kept across
    restarts in the state file, and after the image is gone)."""
    jobs: list[dict[str, Any]] = sim.control.state()["jobs"]
    return [j for j in jobs if j["job_type"] == JOB_TYPE and str(j["image_name"]).startswith(IMAGE_PREFIX)]


def assert_cloud_matches_state(
    engine: EngineStack,
    sim: RunningSimulator,
    *,
    images: int,
    servers: int,
    posts: int,
    refused_posts: int = 0,
    earlier_posts: int = 0,
) -> None:
    """The simulator holds exactly what the state says, and no create request was sent twice.

    images/servers: how many the state must hold. posts: create requests IMS accepted over the whole row
    (one per image IMS ever made; an adopted image costs none). refused_posts: create requests the
    injected faults answered before IMS saw them (throttled, failed or dropped at the gateway).
    earlier_posts: create requests counted by a simulator process that was restarted since."""
    deployment = engine.stack.export_stack().deployment or {}
    assert not deployment.get("pending_operations"), deployment.get("pending_operations")
    resources: list[dict[str, Any]] = deployment.get("resources") or []
    state_images = [str(r["outputs"]["image_id"]) for r in resources if r["type"] == IMAGE_TYPE]
    state_servers = [str(r["id"]) for r in resources if r["type"] == SERVER_TYPE]
    cloud = ours_in_cloud(sim)

    # No duplicate in the state, the expected count, and the cloud holds exactly those: no orphan.
    assert len(set(state_images)) == len(state_images) == images, state_images
    assert set(cloud.images) == set(state_images), {
        "orphan images": sorted(set(cloud.images) - set(state_images)),
        "missing images": sorted(set(state_images) - set(cloud.images)),
    }
    assert all(image["status"] == "active" for image in cloud.images.values()), cloud.images
    names = [image["name"] for image in cloud.images.values()]
    assert len(set(names)) == len(names), f"two images of one resource: {sorted(names)}"

    assert len(set(state_servers)) == len(state_servers) == servers, state_servers
    assert set(cloud.servers) == set(state_servers), {
        "orphan servers": sorted(set(cloud.servers) - set(state_servers)),
        "missing servers": sorted(set(state_servers) - set(cloud.servers)),
    }
    assert all(server["image"]["id"] in state_images for server in cloud.servers.values())
    attached = {
        volume["id"]
        for server in cloud.servers.values()
        for volume in server["os-extended-volumes:volumes_attached"]
    }
    assert cloud.volumes == attached, {"orphan volumes": sorted(cloud.volumes - attached)}

    # Every create request that reached IMS made one job (and one image); no second POST was sent.
    sent = earlier_posts + sim.control.calls().get(CREATE_ROUTE, 0)
    assert sent - refused_posts == posts, f"{sent} create requests, {refused_posts} refused; expected {posts}"
    assert len(create_jobs(sim)) == posts, create_jobs(sim)
