"""`make bench`: how `pulumi up` and `pulumi destroy` scale from 1 FullEcsImage to N in one stack.

    python scripts/bench.py [--images N] [--job-seconds S] [--parallel P]

Runs the REAL Pulumi engine (scripts/bootstrap-engine.sh) against the local simulator on a real port. The
simulator starts from a state file built with its own seed code: the default seed plus N clones of the
seed's available whole-ECS backup, because a CSBS backup makes only one image. Each image job takes
`--job-seconds` (default 20), so the times measure waiting for the cloud rather than start-up overhead.

For 1 image and then N images, on a fresh stack each: one `pulumi up`, then one `pulumi destroy`. The
result is a ratio within this one run (the issue's target: N=50 images take at most 1.5x one image),
the API requests per image (from the simulator's call counts: polling pressure) and the destroy time.
Nothing is asserted: speed is reported, never tested. Everything lives in `.bench/` (git-ignored): the
file backend, PULUMI_HOME, the program copy, the simulator state/log, command logs and results.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from demo import (
    SERVICES,
    SIM_ACCESS_KEY,
    SIM_PROJECT_ID,
    SIM_REGION,
    SIM_SECRET_KEY,
    pulumi_env,
    simulator_command,
    wait_for_listening_line,
)
from demo import bootstrap_engine as demo_bootstrap_engine

if TYPE_CHECKING:
    from simulator.testing import SimulatorControl

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / ".bench"
PROGRAM_SOURCE = Path(__file__).resolve().parent / "bench_program" / "__main__.py"
PROJECT = "full-ecs-image-bench"
# Protects only the throwaway bench stacks' copies of the simulator's made-up keys.
BENCH_PASSPHRASE = "hwc-full-ecs-image-local-bench"  # noqa: S105 - documented, protects nothing real
TARGET_RATIO = 1.5  # issue 3, item 13: N=50 images in one `pulumi up` take at most 1.5x one image
# Clones of the seed's available backup: version-4-shaped UUIDs, distinct from every seed id.
BENCH_BACKUP_PREFIX = "c1000000-0000-4000-8000-"
IMAGE_NAME_PREFIX = "bench-image-"  # the program names its images bench-image-000, -001, ...


class BenchError(Exception):
    """A step failed; the message says what to do."""


@dataclass(frozen=True)
class Measurement:
    images: int
    up_seconds: float
    destroy_seconds: float
    up_calls: dict[str, int]
    destroy_calls: dict[str, int]
    first_post_seconds: float
    """When the first image was created (its POST), counted from the start of `pulumi up`."""
    last_post_seconds: float
    """When the last image was created: the spread shows how create() calls queue in the provider."""
    last_active_seconds: float
    """When the last image became active in the simulator; up_seconds minus this is the tail."""

    @property
    def up_requests_per_image(self) -> float:
        return sum(self.up_calls.values()) / self.images

    @property
    def destroy_requests_per_image(self) -> float:
        return sum(self.destroy_calls.values()) / self.images


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--images",
        type=int,
        default=int(os.environ.get("BENCH_IMAGES", "50")),
        help="images in the large stack (env BENCH_IMAGES; default 50)",
    )
    parser.add_argument(
        "--job-seconds",
        type=float,
        default=float(os.environ.get("BENCH_JOB_SECONDS", "20")),
        help="how long the simulator takes to make one image (env BENCH_JOB_SECONDS; default 20)",
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=int(os.environ.get("BENCH_PARALLEL", "0")),
        help="pass --parallel P to `pulumi up`/`destroy`; 0 = the engine's default (env BENCH_PARALLEL)",
    )
    args = parser.parse_args(argv)
    if args.images < 2:
        parser.error("--images must be at least 2 (it is compared with a 1-image stack)")
    if args.job_seconds < 0:
        parser.error("--job-seconds must not be negative")
    if args.parallel < 0:
        parser.error("--parallel must not be negative")
    try:
        results = run(args.images, args.job_seconds, args.parallel)
    except BenchError as exc:
        print(f"error running the benchmark: {exc}", file=sys.stderr)
        return 1
    print_table(results)
    return 0


def run(images: int, job_seconds: float, parallel: int) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    bin_dir = bootstrap_engine()
    for stale in ("state", "home", "program", "logs", "simulator.json"):
        path = BENCH / stale
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    for directory in ("program", "logs"):
        (BENCH / directory).mkdir(parents=True)
    env = bench_env(bin_dir)  # makes state/ and home/
    program = prepare_program()
    backup_ids = write_simulator_state(BENCH / "simulator.json", images)
    simulator, url = start_simulator(job_seconds)
    try:
        from simulator.testing import SimulatorControl

        control = SimulatorControl(url)
        try:
            runs = [measure(env, program, control, url, count, backup_ids, parallel) for count in (1, images)]
        finally:
            control.close()
    finally:
        simulator.terminate()
        simulator.wait(timeout=30)
    one, many = runs
    results: dict[str, Any] = {
        "job_seconds": job_seconds,
        "parallel": parallel or "engine default",
        "cpus": os.cpu_count(),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "target_ratio": TARGET_RATIO,
        "up_ratio": round(many.up_seconds / one.up_seconds, 3),
        "destroy_ratio": round(many.destroy_seconds / one.destroy_seconds, 3),
        "runs": [
            dataclasses.asdict(m)
            | {
                "up_requests_per_image": round(m.up_requests_per_image, 2),
                "destroy_requests_per_image": round(m.destroy_requests_per_image, 2),
            }
            for m in runs
        ],
    }
    results["meets_target"] = results["up_ratio"] <= TARGET_RATIO
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return results


def bootstrap_engine() -> Path:
    try:
        return demo_bootstrap_engine()
    except Exception as exc:  # demo.DemoError: the bootstrap printed its reason above
        raise BenchError(str(exc)) from None


def bench_env(bin_dir: Path) -> dict[str, str]:
    """The demo's environment (scripts/demo.py), with its backend and PULUMI_HOME in .bench/."""
    env = pulumi_env(bin_dir, root=BENCH, passphrase=BENCH_PASSPHRASE)
    # The program and the provider process import `components` from this working tree.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def prepare_program() -> Path:
    """A copy of scripts/bench_program in .bench/program, with a Pulumi.yaml naming this virtualenv."""
    program = BENCH / "program"
    shutil.copy(PROGRAM_SOURCE, program / "__main__.py")
    (program / "Pulumi.yaml").write_text(
        f"name: {PROJECT}\n"
        "description: make bench - N FullEcsImages against the local simulator\n"
        "runtime:\n"
        "  name: python\n"
        "  options:\n"
        f"    virtualenv: {json.dumps(sys.prefix)}\n"
    )
    return program


def write_simulator_state(path: Path, count: int) -> list[str]:
    """The default seed plus `count` available whole-ECS backups cloned from BACKUP_AVAILABLE."""
    from simulator.seed import BACKUP_AVAILABLE, build
    from simulator.state import StateFile

    state = build("default", SIM_PROJECT_ID, SIM_REGION)
    template = state.backups[BACKUP_AVAILABLE]
    backup_ids = []
    for index in range(count):
        backup_id = f"{BENCH_BACKUP_PREFIX}{index:012d}"
        clone = dataclasses.replace(
            template,
            id=backup_id,
            checkpoint_id=f"91000000-0000-4000-8000-{index:012d}",
            name=f"bench-backup-{index:03d}",
            # Distinct volume-backup ids; they back up the same web01 volumes as the template.
            volume_backups=[
                dataclasses.replace(volume, id=f"d1{index:06d}-0000-4000-8000-{disk:012d}")
                for disk, volume in enumerate(template.volume_backups)
            ],
            created_ts=template.created_ts + index + 1,
            updated_ts=template.updated_ts + index + 1,
            os_images=[],
        )
        state.backups[backup_id] = clone
        backup_ids.append(backup_id)
    StateFile(str(path)).save(state)
    return backup_ids


def start_simulator(job_seconds: float) -> tuple[subprocess.Popen[bytes], str]:
    log_path = BENCH / "simulator.log"
    command = simulator_command("0", BENCH / "simulator.json", job_seconds)
    print(f"==> simulator: job-seconds {job_seconds:g}, state .bench/simulator.json", flush=True)
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        url = wait_for_listening_line(process, log_path)
    except Exception as exc:  # demo.DemoError
        process.kill()
        raise BenchError(str(exc)) from None
    return process, url


def pulumi(env: dict[str, str], cwd: Path, log_name: str, *args: str, stdin: str | None = None) -> str:
    """Run one `pulumi` command, its output kept in .bench/logs/<log_name>.log; returns stdout."""
    log_path = BENCH / "logs" / f"{log_name}.log"
    result = subprocess.run(
        ["pulumi", *args, "--non-interactive"],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    with log_path.open("a") as log:
        log.write(f"$ pulumi {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BenchError(
            f"`pulumi {' '.join(args)}` failed with exit code {result.returncode}; "
            f"full output in .bench/logs/{log_name}.log; last lines:\n{tail}"
        )
    return result.stdout


def measure(
    env: dict[str, str],
    program: Path,
    control: SimulatorControl,
    url: str,
    count: int,
    backup_ids: list[str],
    parallel: int,
) -> Measurement:
    """One fresh stack with `count` images: timed `pulumi up`, then timed `pulumi destroy`."""
    stack = f"bench-{count}"
    parallel_args = ["--parallel", str(parallel)] if parallel else []
    print(f"==> stack {stack}: {count} image(s)", flush=True)
    pulumi(env, program, stack, "stack", "init", stack)
    endpoints = json.dumps(dict.fromkeys(SERVICES, url), separators=(",", ":"))
    pulumi(
        env,
        program,
        stack,
        "config",
        "set-all",
        "--plaintext",
        f"huaweicloud:region={SIM_REGION}",
        "--plaintext",
        f"huaweicloud:projectId={SIM_PROJECT_ID}",
        "--plaintext",
        f"huaweicloud:endpoints={endpoints}",
        "--plaintext",
        f"count={count}",
        "--plaintext",
        f"backupIds={json.dumps(backup_ids[:count])}",
    )
    # Secrets through stdin, as in the demo, so they never appear in a process listing.
    pulumi(env, program, stack, "config", "set", "--secret", "huaweicloud:accessKey", stdin=SIM_ACCESS_KEY)
    pulumi(env, program, stack, "config", "set", "--secret", "huaweicloud:secretKey", stdin=SIM_SECRET_KEY)

    control.clear_calls()
    print(f"    pulumi up ({count} image(s))...", flush=True)
    started_wall, started = time.time(), time.monotonic()
    pulumi(env, program, stack, "up", "--yes", "--skip-preview", *parallel_args)
    up_seconds = time.monotonic() - started
    up_calls: dict[str, int] = control.calls()
    ours = [i for i in control.state()["images"] if str(i["name"]).startswith(IMAGE_NAME_PREFIX)]
    not_active = [i["id"] for i in ours if i["status"] != "active"]
    if len(ours) != count or not_active:
        raise BenchError(
            f"after `pulumi up` the simulator holds {len(ours)} bench image(s) ({len(not_active)} not "
            f"active), expected {count} active; see .bench/logs/{stack}.log"
        )
    posts = sorted(float(i["created_ts"]) - started_wall for i in ours)
    last_active = max(float(i["active_ts"]) for i in ours) - started_wall
    print(f"    up: {up_seconds:.1f} s; pulumi destroy...", flush=True)

    control.clear_calls()
    started = time.monotonic()
    pulumi(env, program, stack, "destroy", "--yes", "--skip-preview", *parallel_args)
    destroy_seconds = time.monotonic() - started
    destroy_calls: dict[str, int] = control.calls()
    left = [i["id"] for i in control.state()["images"] if str(i["name"]).startswith(IMAGE_NAME_PREFIX)]
    if left:
        raise BenchError(f"`pulumi destroy` left {len(left)} bench image(s); see .bench/logs/{stack}.log")
    print(f"    destroy: {destroy_seconds:.1f} s", flush=True)
    pulumi(env, program, stack, "stack", "rm", "--yes", stack)
    return Measurement(
        images=count,
        up_seconds=round(up_seconds, 2),
        destroy_seconds=round(destroy_seconds, 2),
        up_calls=dict(sorted(up_calls.items())),
        destroy_calls=dict(sorted(destroy_calls.items())),
        first_post_seconds=round(posts[0], 2),
        last_post_seconds=round(posts[-1], 2),
        last_active_seconds=round(last_active, 2),
    )


def print_table(results: dict[str, Any]) -> None:
    runs = results["runs"]
    base_up, base_destroy = runs[0]["up_seconds"], runs[0]["destroy_seconds"]
    print(
        f"\nFullEcsImage scaling: job {results['job_seconds']:g} s per image, "
        f"--parallel {results['parallel']}, {results['cpus']} CPUs, "
        f"load average {results['load_average_before']} before / {results['load_average_after']} after\n"
    )
    header = (
        f"{'images':>6}  {'up s':>6}  {'ratio':>5}  {'req/image':>9}  {'destroy s':>9}  {'ratio':>5}  "
        f"{'1st POST s':>10}  {'POST spread s':>13}  {'tail s':>6}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        spread = run["last_post_seconds"] - run["first_post_seconds"]
        tail = run["up_seconds"] - run["last_active_seconds"]
        print(
            f"{run['images']:>6}  {run['up_seconds']:>6.1f}  {run['up_seconds'] / base_up:>5.2f}  "
            f"{run['up_requests_per_image']:>9.1f}  {run['destroy_seconds']:>9.1f}  "
            f"{run['destroy_seconds'] / base_destroy:>5.2f}  {run['first_post_seconds']:>10.1f}  "
            f"{spread:>13.1f}  {tail:>6.1f}"
        )
    verdict = "meets" if results["meets_target"] else "MISSES"
    print(
        f"\nup ratio {results['up_ratio']:.3f} {verdict} the target of at most {results['target_ratio']}x."
        "\nup s = 1st POST s (start-up and preflight) + POST spread s (the create() calls queueing in the"
        "\nprovider's 4 slots) + the job + tail s (from the last image turning active to the end of `up`)."
        "\nreq/image: API requests during `up`. Per route: .bench/results.json; output: .bench/logs/."
    )


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))  # `simulator` is imported from the repository
    sys.exit(main())
