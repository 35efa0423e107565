"""`make demo-yaml` / `make demo-typescript`: the same stack as `make demo`, written in YAML
(examples/yaml) or TypeScript (examples/typescript), against the same simulator. The component comes from
the hwc plugin's construct (the path every non-Python language takes).

Usage: demo_lang.py <yaml|typescript> [up|destroy]. Stack `local-<language>` in the demo's backend
(.demo/state); `make destroy` tears both down too. Config as the Python example, servers by their schema
(camelCase) names.
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

LANGUAGES = ("yaml", "typescript")
EXAMPLE = REPO / "examples" / "yaml"  # set by main()
STACK = "local-yaml"
SERVER = {"name": "demo-ecs-2", "flavorId": "s6.large.2", "availabilityZone": f"{SIM_REGION}a"}


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
    from simulator.seed import BACKUP_STOPPED_SERVER, BACKUP_TWO_DATA_DISKS

    # A backup makes one image, and `make demo` uses the seed's BACKUP_AVAILABLE: each language its own.
    backup = {"yaml": BACKUP_TWO_DATA_DISKS, "typescript": BACKUP_STOPPED_SERVER}[EXAMPLE.name]

    env = pulumi_env(bootstrap_engine())
    install_standin_plugin(env)
    install_hwc_plugin(env)
    url = ensure_simulator()
    run(env, "stack", "select", "--create", STACK)
    settings = {
        "huaweicloud:region": SIM_REGION,
        "huaweicloud:projectId": SIM_PROJECT_ID,
        "huaweicloud:endpoints": endpoints_json(url),
        "backupId": backup,
        "imageName": f"{DEMO_IMAGE_NAME}-{EXAMPLE.name}",
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
    print(f"\n==> stack outputs ({EXAMPLE.name} example)")
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


def prepare_typescript() -> None:
    """The generated Node.js SDK built, and the example's packages installed (npm ci)."""
    for command, where in (
        ([str(REPO / "scripts" / "build-node-sdk.sh")], REPO),
        (["npm", "ci", "--silent"], EXAMPLE),
    ):
        if subprocess.run(command, cwd=where, stdout=subprocess.DEVNULL, check=False).returncode != 0:
            raise DemoError(f"`{' '.join(command)}` failed (its output is above)")


def main(argv: list[str]) -> int:
    global EXAMPLE, STACK
    if not argv or argv[0] not in LANGUAGES:
        print(f"usage: demo_lang.py <{'|'.join(LANGUAGES)}> [up|destroy]", file=sys.stderr)
        return 2
    EXAMPLE, STACK = REPO / "examples" / argv[0], f"local-{argv[0]}"
    try:
        if argv[1:2] == ["destroy"]:
            destroy()
            return 0
        if argv[0] == "typescript":
            prepare_typescript()
        up()
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
