"""`python -m hwc_full_ecs_image install-plugin [--pulumi-home DIR]` | `schema`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .install import install, pulumi_home
from .package_schema import package_schema


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hwc_full_ecs_image")
    commands = parser.add_subparsers(dest="command", required=True)
    plugin = commands.add_parser(
        "install-plugin", help="install the hwc resource plugin for this interpreter"
    )
    plugin.add_argument("--pulumi-home", type=Path, default=None, help="default: $PULUMI_HOME or ~/.pulumi")
    commands.add_parser("schema", help="print the package schema (as `pulumi package get-schema hwc` does)")
    args = parser.parse_args(argv)
    if args.command == "schema":
        print(json.dumps(package_schema(), indent=2))
        return 0
    launcher = install(args.pulumi_home or pulumi_home())
    print(f"installed the hwc plugin: {launcher}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
