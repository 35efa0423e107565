"""`python -m simulator`: serve the simulator until SIGTERM/SIGINT, then flush state and exit 0."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
from types import FrameType

from simulator.app import Config, Simulator
from simulator.seed import SEEDS
from simulator.server import ServerThread


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Local Huawei Cloud simulator (IMS, CSBS, CBR, ECS, EVS) on one base URL. "
        "Cloud routes need AK/SK (SDK-HMAC-SHA256) signatures; /_sim/* is an unsigned control API.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free port (default 0)")
    parser.add_argument("--access-key", required=True, help="the only access key (AK) accepted")
    parser.add_argument("--secret-key", required=True, help="the secret key (SK) that signs requests")
    parser.add_argument("--project-id", required=True, help="project id expected in paths and X-Project-Id")
    parser.add_argument("--region", default="ap-southeast-1", help="region name (default ap-southeast-1)")
    parser.add_argument(
        "--state-file",
        default=None,
        help="JSON file: loaded at start if it exists, rewritten atomically after every change",
    )
    parser.add_argument(
        "--job-seconds",
        type=float,
        default=0.0,
        help="how long an image-creation job takes; 0 = finished at the next request (default 0)",
    )
    parser.add_argument(
        "--delete-seconds",
        type=float,
        default=0.0,
        help="how long an image (or ECS) deletion takes: the image stays listed that long after "
        "DELETE answered 204; 0 = gone at once (default 0)",
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=None,
        help="project-wide limit of cloud requests per second (all routes together, sliding "
        "one-second window); beyond it 429 APIG.0308 (default: no limit)",
    )
    parser.add_argument(
        "--seed",
        choices=SEEDS,
        default="default",
        help="initial data when no state file exists yet (default: default)",
    )
    args = parser.parse_args(argv)
    if not math.isfinite(args.job_seconds) or args.job_seconds < 0:
        parser.error(f"--job-seconds must be a finite number of seconds, 0 or more, got {args.job_seconds!r}")
    if not math.isfinite(args.delete_seconds) or args.delete_seconds < 0:
        parser.error(
            f"--delete-seconds must be a finite number of seconds, 0 or more, got {args.delete_seconds!r}"
        )
    if args.rate_limit is not None and (not math.isfinite(args.rate_limit) or args.rate_limit <= 0):
        parser.error(
            f"--rate-limit must be a positive number of requests per second, got {args.rate_limit!r}"
        )
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = Config(
        access_key=args.access_key,
        secret_key=args.secret_key,
        project_id=args.project_id,
        region=args.region,
        job_seconds=args.job_seconds,
        seed=args.seed,
        state_file=args.state_file,
        delete_seconds=args.delete_seconds,
        rate_limit=args.rate_limit,
    )
    try:
        app = Simulator(config)
        server = ServerThread(app, args.host, args.port)
    except (ValueError, OSError) as exc:
        print(f"error starting simulator: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server.start()
    print(f"simulator listening on {server.url}", flush=True)
    while not stop.wait(0.5):
        pass
    server.stop()  # waits for the serving loop, then flushes state
    print("simulator stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
