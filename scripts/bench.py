"""`make bench`: how the component scales from 1 FullEcsImage to N in one stack, and how it waits.

    python scripts/bench.py [--images N] [--job-seconds S] [--delete-seconds D] [--rate-limit R]
                            [--parallel P] [--wait-jobs 5,60,600] [--wait-scaled-seconds W]
                            [--parts scaling,rate_limited,wait]

Parts (all by default; docs/bench.md explains every figure):

- `scaling`: the REAL Pulumi engine (scripts/bootstrap-engine.sh) against the local simulator on a real
  port (`--job-seconds`, `--delete-seconds`). For 1 image and then N, on a fresh stack each: a timed
  `pulumi preview` (new images: the provider's check() runs the read-only preflight), `pulumi up`, and
  `pulumi destroy`. Ratios N vs 1 for preview, up and destroy; API requests per image.
- `rate_limited`: a second simulator with `--rate-limit R` (requests per second, project-wide): one
  `pulumi up` and `pulumi destroy` of N images; failures (with their error lines), client retries, and
  the up time against the unlimited up of N images in the same run.
- `wait`: the program-side create wait (components/full_ecs_image/waiter.py) against Terraform's
  schedule and a naive 1 s poller, in-process (scripts/bench_wait.py): lag after the job's end and
  requests per image, for jobs of 5 s, 60 s and 600 s (time scaled down).

The simulator's state is built with its own seed code: the default seed plus clones of the seed's
available whole-ECS backup, because a CSBS backup makes only one image. Nothing is asserted: speed is
reported as ratios within one run, never tested. Everything lives in `.bench/` (git-ignored): the file
backend, PULUMI_HOME, the program copy, the simulator states/logs, command logs and results.json.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import bench_report as report
from demo import (
    SERVICES,
    SIM_ACCESS_KEY,
    SIM_PROJECT_ID,
    SIM_REGION,
    SIM_SECRET_KEY,
    install_hwc_plugin,
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
IMAGE_NAME_PREFIX = "bench-image-"  # the program names its images bench-image-000, -001, ...
PARTS = ("scaling", "rate_limited", "wait")


class BenchError(Exception):
    """A step failed; the message says what to do."""


@dataclass(frozen=True)
class Options:
    images: int
    job_seconds: float
    delete_seconds: float
    rate_limit: float
    parallel: int
    wait_jobs: tuple[float, ...]
    wait_scaled_seconds: float
    parts: tuple[str, ...]

    @property
    def parallel_args(self) -> list[str]:
        return ["--parallel", str(self.parallel)] if self.parallel else []


@dataclass(frozen=True)
class Measurement:
    images: int
    preview_seconds: float
    up_seconds: float
    destroy_seconds: float
    preview_calls: dict[str, int]
    up_calls: dict[str, int]
    destroy_calls: dict[str, int]
    first_post_seconds: float
    """When the first image was created (its POST), counted from the start of `pulumi up`."""
    last_post_seconds: float
    """When the last image was created: the spread shows how create() calls queue in the provider."""
    last_active_seconds: float
    """When the last image became active in the simulator; up_seconds minus this is the tail."""

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {
            "preview_requests_per_image": report.per_image(sum(self.preview_calls.values()), self.images),
            "up_requests_per_image": report.per_image(sum(self.up_calls.values()), self.images),
            "destroy_requests_per_image": report.per_image(sum(self.destroy_calls.values()), self.images),
        }


def env_float(name: str, default: str) -> float:
    return float(os.environ.get(name, default))


def parse_args(argv: list[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add(
        "--images",
        type=int,
        default=int(os.environ.get("BENCH_IMAGES", "50")),
        help="images in the large stacks (env BENCH_IMAGES; default 50)",
    )
    add(
        "--job-seconds",
        type=float,
        default=env_float("BENCH_JOB_SECONDS", "20"),
        help="how long the simulator takes to make one image (env BENCH_JOB_SECONDS; default 20)",
    )
    add(
        "--delete-seconds",
        type=float,
        default=env_float("BENCH_DELETE_SECONDS", "5"),
        help="how long an image stays listed after its DELETE (env BENCH_DELETE_SECONDS; default 5)",
    )
    add(
        "--rate-limit",
        type=float,
        default=env_float("BENCH_RATE_LIMIT", "10"),
        help="requests per second of the rate_limited part (env BENCH_RATE_LIMIT; default 10)",
    )
    add(
        "--parallel",
        type=int,
        default=int(os.environ.get("BENCH_PARALLEL", "0")),
        help="pass --parallel P to pulumi; 0 = the engine's default (env BENCH_PARALLEL)",
    )
    add(
        "--wait-jobs",
        default=os.environ.get("BENCH_WAIT_JOBS", "5,60,600"),
        help="job lengths (seconds) of the wait part, comma-separated (env BENCH_WAIT_JOBS)",
    )
    add(
        "--wait-scaled-seconds",
        type=float,
        default=env_float("BENCH_WAIT_SCALED_SECONDS", "20"),
        help="longest real time of one wait-part job; longer jobs are scaled down "
        "(env BENCH_WAIT_SCALED_SECONDS; default 20)",
    )
    add(
        "--parts",
        default=os.environ.get("BENCH_PARTS", ",".join(PARTS)),
        help=f"which parts to run, comma-separated, of {','.join(PARTS)} (env BENCH_PARTS; default all)",
    )
    args = parser.parse_args(argv)
    parts = tuple(p.strip() for p in str(args.parts).split(",") if p.strip())
    try:
        wait_jobs = tuple(float(j) for j in str(args.wait_jobs).split(",") if j.strip())
    except ValueError:
        parser.error(f"--wait-jobs must be numbers separated by commas, got {args.wait_jobs!r}")
    if args.images < 2:
        parser.error("--images must be at least 2 (it is compared with a 1-image stack)")
    if args.job_seconds < 0 or args.delete_seconds < 0:
        parser.error("--job-seconds and --delete-seconds must not be negative")
    if args.rate_limit <= 0:
        parser.error("--rate-limit must be positive")
    if args.parallel < 0:
        parser.error("--parallel must not be negative")
    if args.wait_scaled_seconds <= 0 or any(j <= 0 for j in wait_jobs):
        parser.error("--wait-scaled-seconds and every --wait-jobs value must be positive")
    if not parts or any(p not in PARTS for p in parts):
        parser.error(f"--parts must name some of {', '.join(PARTS)}, got {args.parts!r}")
    return Options(
        images=args.images,
        job_seconds=args.job_seconds,
        delete_seconds=args.delete_seconds,
        rate_limit=args.rate_limit,
        parallel=args.parallel,
        wait_jobs=wait_jobs,
        wait_scaled_seconds=args.wait_scaled_seconds,
        parts=parts,
    )


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        results = run(options)
    except BenchError as exc:
        print(f"error running the benchmark: {exc}", file=sys.stderr)
        return 1
    print("\n" + report.format_table(results))
    return 0


def run(options: Options) -> dict[str, Any]:
    results: dict[str, Any] = {
        "job_seconds": options.job_seconds,
        "delete_seconds": options.delete_seconds,
        "parallel": options.parallel or "engine default",
        "cpus": os.cpu_count(),
        "load_average_before": round(os.getloadavg()[0], 2),
        "parts": list(options.parts),
        "target_ratio": report.UP_TARGET_RATIO,
        "destroy_target_ratio": report.DESTROY_TARGET_RATIO,
    }
    for stale in ("state", "home", "program", "logs"):
        path = BENCH / stale
        if path.is_dir():
            shutil.rmtree(path)
    for stale_file in BENCH.glob("simulator*"):
        stale_file.unlink()
    (BENCH / "results.json").unlink(missing_ok=True)
    (BENCH / "logs").mkdir(parents=True)
    backup_count = max(options.images, len(options.wait_jobs) * 3)
    if "scaling" in options.parts or "rate_limited" in options.parts:
        bin_dir = bootstrap_engine()
        (BENCH / "program").mkdir(parents=True)
        env = bench_env(bin_dir)  # makes state/ and home/
        program = prepare_program()
        if "scaling" in options.parts:
            results |= run_scaling(options, env, program, backup_count)
            save(results)
        if "rate_limited" in options.parts:
            results["rate_limited"] = run_rate_limited(options, env, program, backup_count, results)
            save(results)
    if "wait" in options.parts:
        import bench_wait  # imports the component and the simulator: after sys.path is set

        print(f"==> wait: jobs {', '.join(f'{j:g}' for j in options.wait_jobs)} s", flush=True)
        state_file = BENCH / "simulator-wait.json"
        backup_ids = write_simulator_state(state_file, backup_count)
        rows = bench_wait.compare(state_file, backup_ids, options.wait_jobs, options.wait_scaled_seconds)
        results["wait_comparison"] = rows
        results["wait_goals"] = report.wait_goals(rows)
    save(results)
    return results


def save(results: dict[str, Any]) -> None:
    """results.json after every part, so a later failure keeps what was measured."""
    results["load_average_after"] = round(os.getloadavg()[0], 2)
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")


def run_scaling(options: Options, env: dict[str, str], program: Path, backup_count: int) -> dict[str, Any]:
    backup_ids = write_simulator_state(BENCH / "simulator.json", backup_count)
    with running_simulator(options, "simulator", rate_limit=None) as (control, url):
        one, many = [measure(options, env, program, control, url, n, backup_ids) for n in (1, options.images)]
    preview = report.preview_summary(
        one.preview_seconds,
        many.preview_seconds,
        many.images,
        sum(one.preview_calls.values()),
        sum(many.preview_calls.values()),
    )
    up_ratio = report.ratio(many.up_seconds, one.up_seconds)
    destroy_ratio = report.ratio(many.destroy_seconds, one.destroy_seconds)
    return {
        "up_ratio": up_ratio,
        "meets_target": up_ratio is not None and up_ratio <= report.UP_TARGET_RATIO,
        "destroy_ratio": destroy_ratio,
        "meets_destroy_target": destroy_ratio is not None and destroy_ratio <= report.DESTROY_TARGET_RATIO,
        **preview,
        "meets_preview_target": preview["preview_seconds_per_image"]
        <= report.PREVIEW_TARGET_SECONDS_PER_IMAGE,
        "up_requests_per_image": many.as_dict()["up_requests_per_image"],
        "meets_requests_target": many.as_dict()["up_requests_per_image"]
        <= report.UP_TARGET_REQUESTS_PER_IMAGE,
        "runs": [one.as_dict(), many.as_dict()],
    }


def bootstrap_engine() -> Path:
    try:
        return demo_bootstrap_engine()
    except Exception as exc:  # demo.DemoError: the bootstrap printed its reason above
        raise BenchError(str(exc)) from None


def bench_env(bin_dir: Path) -> dict[str, str]:
    """The demo's environment (scripts/demo.py), with its backend and PULUMI_HOME in .bench/."""
    env = pulumi_env(bin_dir, root=BENCH, passphrase=BENCH_PASSPHRASE)
    # The program and the hwc plugin import the package from this working tree.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    try:
        install_hwc_plugin(env)
    except Exception as exc:  # demo.DemoError: the install printed its reason above
        raise BenchError(str(exc)) from None
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
    """The default seed plus `count` available whole-ECS backups cloned from BACKUP_AVAILABLE; their ids."""
    from simulator.seed import clone_ids, with_backup_clones
    from simulator.state import StateFile

    StateFile(str(path)).save(with_backup_clones(SIM_PROJECT_ID, SIM_REGION, count, series=1, label="bench"))
    return clone_ids(count, 1)


@contextlib.contextmanager
def running_simulator(
    options: Options, name: str, *, rate_limit: float | None
) -> Iterator[tuple[SimulatorControl, str]]:
    """`python -m simulator` on a free port with .bench/<name>.json; its output in .bench/<name>.log."""
    from simulator.testing import SimulatorControl

    log_path = BENCH / f"{name}.log"
    command = simulator_command("0", BENCH / f"{name}.json", options.job_seconds)
    command += ["--delete-seconds", str(options.delete_seconds)]
    if rate_limit is not None:
        command += ["--rate-limit", str(rate_limit)]
    print(
        f"==> simulator: job-seconds {options.job_seconds:g}, delete-seconds {options.delete_seconds:g}"
        + (f", rate-limit {rate_limit:g}/s" if rate_limit is not None else "")
        + f", state .bench/{name}.json",
        flush=True,
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            url = wait_for_listening_line(process, log_path)
        except Exception as exc:  # demo.DemoError
            raise BenchError(str(exc)) from None
        control = SimulatorControl(url)
        try:
            yield control, url
        finally:
            control.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


def pulumi_run(
    env: dict[str, str], cwd: Path, log_name: str, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run one `pulumi` command, its output appended to .bench/logs/<log_name>.log."""
    result = subprocess.run(
        ["pulumi", *args, "--non-interactive"],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    with (BENCH / "logs" / f"{log_name}.log").open("a") as log:
        log.write(f"$ pulumi {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    return result


def pulumi(env: dict[str, str], cwd: Path, log_name: str, *args: str, stdin: str | None = None) -> str:
    """pulumi_run, raising BenchError (with the last lines) when the command fails; returns stdout."""
    result = pulumi_run(env, cwd, log_name, *args, stdin=stdin)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise BenchError(
            f"`pulumi {' '.join(args)}` failed with exit code {result.returncode}; "
            f"full output in .bench/logs/{log_name}.log; last lines:\n{tail}"
        )
    return result.stdout


def init_stack(
    env: dict[str, str], program: Path, stack: str, url: str, count: int, backup_ids: list[str]
) -> None:
    pulumi(env, program, stack, "stack", "init", stack)
    endpoints = json.dumps(dict.fromkeys(SERVICES, url), separators=(",", ":"))
    settings = {
        "huaweicloud:region": SIM_REGION,
        "huaweicloud:projectId": SIM_PROJECT_ID,
        "huaweicloud:endpoints": endpoints,
        "count": str(count),
        "backupIds": json.dumps(backup_ids[:count]),
    }
    pairs = [arg for key, value in settings.items() for arg in ("--plaintext", f"{key}={value}")]
    pulumi(env, program, stack, "config", "set-all", *pairs)
    # Secrets through stdin, as in the demo, so they never appear in a process listing.
    pulumi(env, program, stack, "config", "set", "--secret", "huaweicloud:accessKey", stdin=SIM_ACCESS_KEY)
    pulumi(env, program, stack, "config", "set", "--secret", "huaweicloud:secretKey", stdin=SIM_SECRET_KEY)


def bench_images(control: SimulatorControl) -> list[dict[str, Any]]:
    return [i for i in control.state()["images"] if str(i["name"]).startswith(IMAGE_NAME_PREFIX)]


def measure(
    options: Options,
    env: dict[str, str],
    program: Path,
    control: SimulatorControl,
    url: str,
    count: int,
    backup_ids: list[str],
) -> Measurement:
    """One fresh stack with `count` images: timed `pulumi preview`, `pulumi up`, `pulumi destroy`."""
    stack = f"bench-{count}"
    print(f"==> stack {stack}: {count} image(s)", flush=True)
    init_stack(env, program, stack, url, count, backup_ids)

    if count == 1:
        # Untimed: the first command after a fresh PULUMI_HOME loads the plugins and compiles bytecode.
        pulumi(env, program, stack, "preview", *options.parallel_args)
    control.clear_calls()
    started = time.monotonic()
    pulumi(env, program, stack, "preview", *options.parallel_args)
    preview_seconds = time.monotonic() - started
    preview_calls: dict[str, int] = control.calls()
    print(f"    preview: {preview_seconds:.1f} s; pulumi up...", flush=True)

    control.clear_calls()
    started_wall, started = time.time(), time.monotonic()
    pulumi(env, program, stack, "up", "--yes", "--skip-preview", *options.parallel_args)
    up_seconds = time.monotonic() - started
    up_calls: dict[str, int] = control.calls()
    ours = bench_images(control)
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
    pulumi(env, program, stack, "destroy", "--yes", "--skip-preview", *options.parallel_args)
    destroy_seconds = time.monotonic() - started
    destroy_calls: dict[str, int] = control.calls()
    left = bench_images(control)
    if left:
        raise BenchError(f"`pulumi destroy` left {len(left)} bench image(s); see .bench/logs/{stack}.log")
    print(f"    destroy: {destroy_seconds:.1f} s", flush=True)
    pulumi(env, program, stack, "stack", "rm", "--yes", stack)
    return Measurement(
        images=count,
        preview_seconds=round(preview_seconds, 2),
        up_seconds=round(up_seconds, 2),
        destroy_seconds=round(destroy_seconds, 2),
        preview_calls=dict(sorted(preview_calls.items())),
        up_calls=dict(sorted(up_calls.items())),
        destroy_calls=dict(sorted(destroy_calls.items())),
        first_post_seconds=round(posts[0], 2),
        last_post_seconds=round(posts[-1], 2),
        last_active_seconds=round(last_active, 2),
    )


def run_rate_limited(
    options: Options, env: dict[str, str], program: Path, backup_count: int, results: dict[str, Any]
) -> dict[str, Any]:
    """`pulumi up` and `destroy` of N images while the simulator refuses more than R requests per second.

    Failures are counted, not raised: failed operations (error messages), images not active after
    `up`, images left after `destroy` (then the limit is lifted and the stack destroyed again, so the
    run ends clean)."""
    count, per_second = options.images, options.rate_limit
    backup_ids = write_simulator_state(BENCH / "simulator-rate.json", backup_count)
    stack = f"bench-{count}-rate-limited"
    with running_simulator(options, "simulator-rate", rate_limit=per_second) as (control, url):
        print(f"==> stack {stack}: {count} image(s) at {per_second:g} requests/s", flush=True)
        init_stack(env, program, stack, url, count, backup_ids)
        control.clear_calls()
        started = time.monotonic()
        up = pulumi_run(env, program, stack, "up", "--yes", "--skip-preview", *options.parallel_args)
        up_seconds = time.monotonic() - started
        up_calls: dict[str, int] = control.calls()
        up_output = up.stdout + up.stderr
        not_active = count - len([i for i in bench_images(control) if i["status"] == "active"])
        up_errors = report.error_lines(up_output) if (up.returncode or not_active) else []
        failures = report.failures(up_errors, up.returncode)
        print(
            f"    up: {up_seconds:.1f} s, exit code {up.returncode}, {failures} failed, "
            f"{not_active} not active; destroy...",
            flush=True,
        )

        control.clear_calls()
        started = time.monotonic()
        destroy = pulumi_run(
            env, program, stack, "destroy", "--yes", "--skip-preview", *options.parallel_args
        )
        destroy_seconds = time.monotonic() - started
        destroy_calls: dict[str, int] = control.calls()
        destroy_output = destroy.stdout + destroy.stderr
        left = bench_images(control)
        destroy_errors = report.error_lines(destroy_output) if (destroy.returncode or left) else []
        print(
            f"    destroy: {destroy_seconds:.1f} s, exit code {destroy.returncode}, {len(left)} left",
            flush=True,
        )
        if destroy.returncode != 0 or left:
            control.set_rate_limit(None)
            pulumi(env, program, stack, "destroy", "--yes", "--skip-preview", *options.parallel_args)
        pulumi(env, program, stack, "stack", "rm", "--yes", stack)

    unlimited = next((r for r in results.get("runs", []) if r["images"] == count), None)
    up_total = sum(up_calls.values())
    summary: dict[str, Any] = {
        "per_second": per_second,
        "images": count,
        "failures": failures,
        "images_not_active": not_active,
        "up_seconds": round(up_seconds, 2),
        "ratio": report.ratio(up_seconds, unlimited["up_seconds"]) if unlimited else None,
        "ratio_basis": f"the unlimited `pulumi up` of {count} images in this run",
        "up_exit_code": up.returncode,
        "throttled_retries": report.count_retries(up_output),
        "requests_per_image": report.per_image(up_total, count),
        "up_calls": dict(sorted(up_calls.items())),
        "floor_seconds": round(sum(unlimited["up_calls"].values()) / per_second, 1) if unlimited else None,
        "error_lines": up_errors,
        "destroy_seconds": round(destroy_seconds, 2),
        "destroy_exit_code": destroy.returncode,
        "destroy_failures": report.failures(destroy_errors, destroy.returncode),
        "images_left": len(left),
        "destroy_throttled_retries": report.count_retries(destroy_output),
        "destroy_calls": dict(sorted(destroy_calls.items())),
        "destroy_error_lines": destroy_errors,
    }
    return summary


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))  # `simulator` and `components` are imported from the repository
    sys.exit(main())
