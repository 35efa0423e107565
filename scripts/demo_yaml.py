"""`make demo-yaml`: the same stack as `make demo`, written in YAML (examples/yaml), against the same
simulator. The component comes from the hwc plugin's construct (the path every non-Python language takes).

Stack `local-yaml` in the demo's backend (.demo/state); `make destroy` tears it down too. Config as the
Python example, servers by their schema (camelCase) names.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from demo import (
    DEMO_IMAGE_NAME,
    DEMO_SUBNET_ID,
    REPO,
    SIM_ACCESS_KEY,
    SIM_PROJECT_ID,
    SIM_REGION,
    SIM_SECRET_KEY,
    DemoError,
    bootstrap_engine,
    endpoints_json,
    ensure_simulator,
    install_hwc_plugin,
    install_standin_plugin,
    print_servers,
    pulumi_env,
)

EXAMPLE = REPO / "examples" / "yaml"
STACK = "local-yaml"
SERVER = {"name": "demo-yaml-ecs-1", "flavorId": "s6.large.2", "availabilityZone": f"{SIM_REGION}a"}


def run(env: dict[str, str], *args: str, stdin: str | None = None, capture: bool = False) -> str:
    if not capture:
        print(f"\n$ pulumi {' '.join(args)}", flush=True)
    done = subprocess.run(
        ["pulumi", *args, "--non-interactive"],
        cwd=EXAMPLE, env=env, input=stdin, text=True, check=False,
        stdout=subprocess.PIPE if capture else None,
    )  # fmt: skip
    if done.returncode != 0:
        raise DemoError(f"`pulumi {' '.join(args)}` failed (its output is above)")
    return done.stdout or ""


def stack_exists(env: dict[str, str]) -> bool:
    listed = json.loads(run(env, "stack", "ls", "--json", capture=True) or "[]")
    return any(s.get("name") == STACK for s in listed)


def up() -> None:
    from simulator.seed import BACKUP_AVAILABLE

    env = pulumi_env(bootstrap_engine())
    install_standin_plugin(env)
    install_hwc_plugin(env)
    url = ensure_simulator()
    run(env, "stack", "select", "--create", STACK)
    settings = {
        "huaweicloud:region": SIM_REGION,
        "huaweicloud:projectId": SIM_PROJECT_ID,
        "huaweicloud:endpoints": endpoints_json(url),
        "backupId": BACKUP_AVAILABLE,
        "imageName": f"{DEMO_IMAGE_NAME}-yaml",
    }
    for key, value in settings.items():
        run(env, "config", "set", key, value)
    for key, value in SERVER.items():
        run(env, "config", "set", "--path", f"servers[0].{key}", value)
    run(env, "config", "set", "--path", "servers[0].networks[0].uuid", DEMO_SUBNET_ID)
    for key, secret in (("huaweicloud:accessKey", SIM_ACCESS_KEY), ("huaweicloud:secretKey", SIM_SECRET_KEY)):
        run(env, "config", "set", "--secret", key, stdin=secret)
    run(env, "up", "--yes", "--skip-preview")
    outputs = json.loads(run(env, "stack", "output", "--json", capture=True))
    print("\n==> stack outputs (YAML example)")
    for key in sorted(outputs):
        print(f"    {key}: {json.dumps(outputs[key])}")
    print_servers(url, outputs.get("server_ids") or [])


def destroy() -> None:
    env = pulumi_env(bootstrap_engine())
    install_standin_plugin(env)
    install_hwc_plugin(env)
    if not stack_exists(env):
        return
    url = ensure_simulator()
    run(env, "stack", "select", STACK)
    run(env, "config", "set", "huaweicloud:endpoints", endpoints_json(url))
    run(env, "destroy", "--yes", "--skip-preview")
    run(env, "stack", "rm", "--yes", STACK)


def main(argv: list[str]) -> int:
    try:
        destroy() if argv[:1] == ["destroy"] else up()
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
