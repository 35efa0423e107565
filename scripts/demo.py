"""`make demo` / `make destroy`: run the repo's own Pulumi program against the local simulator.

    python scripts/demo.py up       # bootstrap the engine, start the simulator, `pulumi up` stack `local`
    python scripts/demo.py destroy  # `pulumi destroy`, remove stack `local`, stop the simulator

Everything the demo writes lives in `.demo/` (ignored by git), except the stack settings file
`Pulumi.local.yaml` that the Pulumi CLI keeps next to `Pulumi.yaml` (removed again by `destroy`):
- `.demo/state/`: the local file backend (PULUMI_BACKEND_URL=file://...), so no Pulumi Cloud login;
- `.demo/home/`: PULUMI_HOME (plugin cache, workspace settings), with the STAND-IN huaweicloud
  resource plugin (tools/huaweicloud-standin) installed, since the real one cannot be downloaded here;
- `.demo/simulator.json`, `.log`, `.pid`, `.url`: the simulator's state, output and process.
The commands are printed as they run, so each step can be repeated by hand (see README).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / ".demo"
STACK = "local"

# The passphrase only protects the secrets of this throwaway local demo stack (the simulator's made-up keys).
DEMO_PASSPHRASE = "hwc-full-ecs-image-local-demo"  # noqa: S105 - documented, protects nothing real
# Made-up credentials the simulator is started with; they open nothing but the local simulator.
SIM_ACCESS_KEY = "DEMOACCESSKEY0000001"
SIM_SECRET_KEY = "demo-simulator-secret-key-0001"  # noqa: S105 - a fixed key of the local simulator
SIM_PROJECT_ID = "0123456789abcdef0123456789abcdef"
SIM_REGION = "ap-southeast-1"
DEMO_JOB_SECONDS = 4.0

# Every service the component calls; the simulator serves all of them on one base URL.
SERVICES = ("ims", "csbs", "cbr", "ecs", "evs")
DEMO_IMAGE_NAME = "demo-full-ecs-image"
# One NEW ECS from the image. The subnet and VPC ids are made up: the simulator has no VPC service.
DEMO_SUBNET_ID = "d0000000-0000-4000-8000-000000000001"
DEMO_VPC_ID = "d0000000-0000-4000-8000-0000000000aa"
DEMO_SERVERS = [
    {
        "name": "demo-ecs-1",
        "flavor_id": "s6.large.2",
        "availability_zone": f"{SIM_REGION}a",
        "networks": [{"uuid": DEMO_SUBNET_ID}],
    }
]
SIM_START_TIMEOUT_SECONDS = 30.0


class DemoError(Exception):
    """A step failed; the message says what to do."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["up", "destroy"])
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            demo_up()
        else:
            demo_destroy()
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def demo_up() -> None:
    env = pulumi_env(bootstrap_engine())
    install_standin_plugin(env)
    install_hwc_plugin(env)
    url = ensure_simulator()
    select_or_create_stack(env)
    configure_stack(env, url)
    pulumi(env, "up", "--yes", "--skip-preview")
    print("\n==> stack outputs (from `pulumi stack output --json`)")
    outputs = json.loads(pulumi(env, "stack", "output", "--json", capture=True, quiet=True))
    for key in sorted(outputs):
        print(f"    {key}: {json.dumps(outputs[key])}")
    print_servers(url, outputs.get("server_ids") or [])
    print(
        f"\nThe image lives in the local simulator at {url} (state in .demo/simulator.json)."
        "\nRun `make demo` again: the second `pulumi up` finds nothing to change, and your own changes to"
        "\nthe stack config (e.g. `pulumi config set full-ecs-image:backupId ...`) are kept."
        "\nTear down and start over with `make destroy` (destroys stack `local`, stops the simulator and"
        "\nforgets its state)."
    )


def demo_destroy() -> None:
    env = pulumi_env(bootstrap_engine())
    install_standin_plugin(env)
    install_hwc_plugin(env)
    if stack_exists(env):
        # Destroy talks to the "cloud", so the simulator must run; it keeps its port when it can.
        url = ensure_simulator()
        pulumi(env, "stack", "select", STACK)
        moved = endpoints_config(env) != endpoints_json(url)
        set_endpoints(env, url)
        if resource_count(env) == 0:
            print(f"==> stack `{STACK}` holds no resources: nothing to destroy")
        elif moved:
            # The state records the old simulator URL, which a plain destroy would use; --run-program takes
            # the current config (and runs the program, which waits for images still being made).
            pulumi(env, "destroy", "--yes", "--skip-preview", "--run-program")
        else:
            pulumi(env, "destroy", "--yes", "--skip-preview")
        pulumi(env, "stack", "rm", "--yes", STACK)
    else:
        print(f"==> no stack `{STACK}` in .demo/state: nothing to destroy")
    stop_simulator()
    (DEMO / "simulator.json").unlink(missing_ok=True)  # the next `make demo` starts from the seed again
    print("==> demo torn down (the next `make demo` starts from a fresh simulator)")


def endpoints_json(url: str) -> str:
    return json.dumps(dict.fromkeys(SERVICES, url), separators=(",", ":"))


def endpoints_config(env: dict[str, str]) -> str | None:
    """The stack's huaweicloud:endpoints as set (None when unset)."""
    probe = subprocess.run(
        ["pulumi", "config", "get", "huaweicloud:endpoints", "--non-interactive"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=False,
    )  # fmt: skip
    return probe.stdout.strip() if probe.returncode == 0 else None


def resource_count(env: dict[str, str]) -> int:
    """How many resources the stack's state holds."""
    exported = subprocess.run(
        ["pulumi", "stack", "export", "--non-interactive"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, text=True, check=False,
    )  # fmt: skip
    if exported.returncode != 0:
        raise DemoError("`pulumi stack export` failed (its output is above)")
    deployment = json.loads(exported.stdout).get("deployment") or {}
    return len(deployment.get("resources") or [])


def install_standin_plugin(env: dict[str, str]) -> None:
    """The STAND-IN huaweicloud plugin v0.0.12 (demo and tests only) into the demo's PULUMI_HOME: the
    real pulumi-huaweicloud plugin cannot be downloaded here (see tools/huaweicloud-standin/README.md)."""
    result = subprocess.run(
        [str(REPO / "scripts" / "install-standin-plugin.sh"), env["PULUMI_HOME"]],
        env={**env, "PYTHON": sys.executable},
        stdout=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        raise DemoError("installing the stand-in huaweicloud plugin failed (see the message above)")


def install_hwc_plugin(env: dict[str, str]) -> None:
    """This package's `hwc` resource plugin into the demo's PULUMI_HOME (README: the one command after
    `pip install`)."""
    command = [
        sys.executable,
        "-m",
        "hwc_full_ecs_image",
        "install-plugin",
        "--pulumi-home",
        env["PULUMI_HOME"],
    ]
    if subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False).returncode != 0:
        raise DemoError("installing the hwc plugin failed (see the message above)")


def print_servers(url: str, server_ids: list[str]) -> None:
    """Each new ECS and its disks, as the simulator restored them from the image."""
    from simulator.testing import SimulatorControl

    control = SimulatorControl(url)
    try:
        volumes = {v["id"]: v for v in control.volumes()}
        for server in (s for s in control.servers() if s["id"] in server_ids):
            print(
                f"\n==> new ECS {server['name']} ({server['id']}), {server['status']}, made from the image:"
            )
            for attached in server["os-extended-volumes:volumes_attached"]:
                volume = volumes[attached["id"]]
                kind = "system disk" if attached["bootIndex"] == "0" else "data disk  "
                size = f"{volume['size']} GB {volume['volume_type']}"
                print(f"    {kind} {volume['id']}: {size} ({attached['device']})")
    finally:
        control.close()


def bootstrap_engine() -> Path:
    """Run scripts/bootstrap-engine.sh (seconds once cached) and return the directory holding `pulumi`."""
    result = subprocess.run(
        [str(REPO / "scripts" / "bootstrap-engine.sh")], stdout=subprocess.PIPE, text=True, check=False
    )
    lines = result.stdout.strip().splitlines()
    if result.returncode != 0 or not lines:
        raise DemoError("bootstrapping the Pulumi engine failed (see the messages above)")
    return Path(lines[-1])


def pulumi_env(bin_dir: Path, root: Path = DEMO, passphrase: str = DEMO_PASSPHRASE) -> dict[str, str]:
    """The environment every `pulumi` command runs with: file backend and PULUMI_HOME under `root`."""
    env = dict(os.environ)
    venv_bin = Path(sys.executable).parent
    env.update(
        {
            # Our CLI and its Python language host first, then the venv's python.
            "PATH": os.pathsep.join([str(bin_dir), str(venv_bin), env.get("PATH", "")]),
            "PULUMI_HOME": str(root / "home"),
            "PULUMI_BACKEND_URL": (root / "state").as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": passphrase,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            # The stand-in plugin's VPC id for ECS creates (the simulator has no VPC service).
            "HWC_STANDIN_VPC_ID": DEMO_VPC_ID,
        }
    )
    # The stack config is the only credential source the demo should use.
    for name in ("HW_ACCESS_KEY", "HW_SECRET_KEY", "HW_REGION_NAME", "HW_PROJECT_ID"):
        env.pop(name, None)
    env.pop("PULUMI_CONFIG_PASSPHRASE_FILE", None)  # only the given passphrase applies
    (root / "state").mkdir(parents=True, exist_ok=True)
    (root / "home").mkdir(parents=True, exist_ok=True)
    return env


def pulumi(
    env: dict[str, str], *args: str, stdin: str | None = None, capture: bool = False, quiet: bool = False
) -> str:
    """Run one `pulumi` command in the repo (printed first, so users can repeat it, unless quiet)."""
    shown = " ".join(args)
    if not quiet:
        print(f"\n$ pulumi {shown}", flush=True)
    result = subprocess.run(
        ["pulumi", *args, "--non-interactive"],
        cwd=REPO,
        env=env,
        input=stdin,
        stdout=subprocess.PIPE if capture else None,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DemoError(f"`pulumi {shown}` failed with exit code {result.returncode} (its output is above)")
    return result.stdout if capture else ""


def stack_exists(env: dict[str, str]) -> bool:
    listing = subprocess.run(
        ["pulumi", "stack", "ls", "--json", "--non-interactive"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if listing.returncode != 0:
        raise DemoError("`pulumi stack ls` failed (its output is above)")
    return any(entry.get("name") == STACK for entry in json.loads(listing.stdout or "[]"))


def select_or_create_stack(env: dict[str, str]) -> None:
    if stack_exists(env):
        pulumi(env, "stack", "select", STACK)
    else:
        pulumi(env, "stack", "init", STACK)


def configure_stack(env: dict[str, str], url: str) -> None:
    """Sets each demo setting only where the stack has none: a rerun never undoes what the user
    changed (e.g. another backupId would otherwise be reset, replacing the user's image). The
    endpoints follow the demo simulator, whose port may change between runs."""
    from simulator.seed import BACKUP_AVAILABLE  # the seed's available whole-server backup

    set_endpoints(env, url)
    defaults = {
        "huaweicloud:region": SIM_REGION,
        "huaweicloud:projectId": SIM_PROJECT_ID,
        "full-ecs-image:backupId": BACKUP_AVAILABLE,
        "full-ecs-image:imageName": DEMO_IMAGE_NAME,
        "full-ecs-image:servers": json.dumps(DEMO_SERVERS),
    }
    for key, value in defaults.items():
        if not config_is_set(env, key):
            pulumi(env, "config", "set", key, value)
    # Secrets go through stdin, so they never appear in a process listing.
    for key, secret in (("huaweicloud:accessKey", SIM_ACCESS_KEY), ("huaweicloud:secretKey", SIM_SECRET_KEY)):
        if not config_is_set(env, key):
            pulumi(env, "config", "set", "--secret", key, stdin=secret)


def config_is_set(env: dict[str, str], key: str) -> bool:
    """True when the stack already has a value for `key` (never prints it: it may be a secret)."""
    probe = subprocess.run(
        ["pulumi", "config", "get", key, "--non-interactive"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return probe.returncode == 0


def set_endpoints(env: dict[str, str], url: str) -> None:
    pulumi(env, "config", "set", "huaweicloud:endpoints", endpoints_json(url))


def ensure_simulator() -> str:
    """Reuse the demo simulator if it still answers, else start it in the background; return its URL."""
    url_file, pid_file = DEMO / "simulator.url", DEMO / "simulator.pid"
    previous_url = url_file.read_text().strip() if url_file.exists() else ""
    if previous_url and pid_file.exists() and simulator_alive(previous_url):
        print(f"==> reusing the simulator at {previous_url} (pid {pid_file.read_text().strip()})")
        return previous_url
    # Prefer the previous port, so the stack's endpoints config stays the same; else any free port.
    previous_port = previous_url.rsplit(":", 1)[-1] if previous_url else ""
    if previous_port.isdigit():
        try:
            return start_simulator(previous_port)
        except DemoError:
            print(f"==> could not reuse port {previous_port}; starting the simulator on a free port")
    return start_simulator("0")


def simulator_command(port: str, state_file: Path, job_seconds: float) -> list[str]:
    """`python -m simulator` with the made-up demo credentials (shared with scripts/bench.py)."""
    return [
        sys.executable,
        "-m",
        "simulator",
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--access-key",
        SIM_ACCESS_KEY,
        "--secret-key",
        SIM_SECRET_KEY,
        "--project-id",
        SIM_PROJECT_ID,
        "--region",
        SIM_REGION,
        "--state-file",
        str(state_file),
        "--job-seconds",
        str(job_seconds),
    ]


def start_simulator(port: str) -> str:
    url_file, pid_file = DEMO / "simulator.url", DEMO / "simulator.pid"
    DEMO.mkdir(exist_ok=True)
    log_path = DEMO / "simulator.log"
    # A few seconds per image job, so the demo shows the job and image states a real run goes through.
    command = simulator_command(port, DEMO / "simulator.json", DEMO_JOB_SECONDS)
    print("==> starting the simulator (state: .demo/simulator.json, log: .demo/simulator.log)", flush=True)
    with log_path.open("w") as log:
        # A new session: the simulator outlives this script and ignores the terminal's Ctrl-C.
        process = subprocess.Popen(
            command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = wait_for_listening_line(process, log_path)
    pid_file.write_text(f"{process.pid}\n")
    url_file.write_text(f"{url}\n")
    print(f"==> simulator listening on {url} (pid {process.pid})")
    return url


def wait_for_listening_line(process: subprocess.Popen[bytes], log_path: Path) -> str:
    """The simulator's first stdout line is `simulator listening on http://HOST:PORT`."""
    prefix = "simulator listening on "
    deadline = time.monotonic() + SIM_START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        lines = log_path.read_text().splitlines()
        if lines and lines[0].startswith(prefix):
            return lines[0][len(prefix) :].strip().rstrip("/")
        if process.poll() is not None:
            raise DemoError(f"the simulator exited with code {process.returncode}; see {log_path}")
        time.sleep(0.1)
    process.terminate()
    raise DemoError(
        f"the simulator did not report its port within {SIM_START_TIMEOUT_SECONDS:.0f}s; see {log_path}"
    )


def simulator_alive(url: str) -> bool:
    from simulator.testing import SimulatorControl

    try:
        SimulatorControl(url).calls()
    except Exception:  # any failure means "not our simulator any more"
        return False
    return True


def stop_simulator() -> None:
    pid_file = DEMO / "simulator.pid"
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text().strip())
    if is_demo_simulator(pid):
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not is_demo_simulator(pid):
                break
            time.sleep(0.1)
        else:
            os.kill(pid, signal.SIGKILL)
        print(f"==> simulator (pid {pid}) stopped")
    pid_file.unlink()
    (DEMO / "simulator.url").unlink(missing_ok=True)


def is_demo_simulator(pid: int) -> bool:
    """True if `pid` is still the simulator this script started (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(pid, 0)  # no /proc (macOS): trust the pid file while the process exists
        except OSError:
            return False
        return True
    return b"simulator" in cmdline and str(DEMO / "simulator.json").encode() in cmdline


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))  # `simulator` is imported from the repository
    sys.exit(main())
