"""`python -m hwc_full_ecs_image install-plugin`: installs the `hwc` resource plugin for this
interpreter, the one command after `pip install`.

It lays the plugin out as `pulumi plugin install resource hwc v0.2.0 --file <tgz>` does (CLI v3.260,
pkg/pluginstorage/download.go): `$PULUMI_HOME/plugins/resource-hwc-v0.2.0/` holding
`pulumi-resource-hwc`, an sh launcher that execs this interpreter (its absolute path) on plugin.py, plus
the empty `.lock` file the CLI leaves. Both the official Pulumi CLI and the one this repository builds
run such a plugin directly; the engine finds it by name and version, with no PATH edits. Why not a
`PulumiPlugin.yaml` Python plugin: the official Python host would build a second virtualenv for it
from PyPI on first use (RunPlugin), which offline machines and pinned CI images cannot do, while the
package is already installed here (docs/design.md, "The plugin").
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

from .package_schema import PACKAGE, VERSION

LAUNCHER = f"pulumi-resource-{PACKAGE}"


def pulumi_home(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env.get("PULUMI_HOME") or Path.home() / ".pulumi")


def launcher_text(python: str) -> str:
    interpreter = shlex.quote(str(Path(python).absolute()))
    return (
        "#!/bin/sh\n"
        f"# pulumi-resource-{PACKAGE} v{VERSION}, written by `python -m hwc_full_ecs_image install-plugin`:\n"
        "# the interpreter of the virtualenv that has the hwc-full-ecs-image package.\n"
        f'exec {interpreter} -m hwc_full_ecs_image.plugin "$@"\n'
    )


def install(home: Path, python: str = sys.executable) -> Path:
    """Installs (or reinstalls) the plugin into `home`; returns the launcher's path."""
    plugins = home / "plugins"
    plugins.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = plugins / f"resource-{PACKAGE}-v{VERSION}"
    (plugins / f"{final.name}.lock").touch()
    partial = plugins / f"{final.name}.partial"
    partial.touch(mode=0o600)
    final.mkdir(exist_ok=True, mode=0o700)
    launcher = final / LAUNCHER
    launcher.write_text(launcher_text(python), encoding="utf-8")
    launcher.chmod(0o755)
    partial.unlink()
    return launcher
