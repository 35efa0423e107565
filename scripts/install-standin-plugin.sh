#!/usr/bin/env bash
# Install the STAND-IN huaweicloud resource plugin (tests and the demo only; NOT the real
# pulumi-huaweicloud provider) into a Pulumi home:
#
#   scripts/install-standin-plugin.sh <PULUMI_HOME>
#
# Lays the plugin out exactly as `pulumi plugin install resource huaweicloud v0.0.12 --file <tgz>` does
# with CLI v3.260 (pkg/pluginstorage/download.go UnpackContents, checked against the real CLI):
#   $PULUMI_HOME/plugins/                                   (mode 0700)
#   $PULUMI_HOME/plugins/resource-huaweicloud-v0.0.12.lock  (empty; left behind, as the CLI does)
#   $PULUMI_HOME/plugins/resource-huaweicloud-v0.0.12.partial  (only while installing)
#   $PULUMI_HOME/plugins/resource-huaweicloud-v0.0.12/      (mode 0700: the tarball's contents)
#       pulumi-resource-huaweicloud   sh launcher: exec <python> -m hwc_standin "$@"
#       hwc_standin/                  the plugin's Python package (copied from tools/huaweicloud-standin)
# The launcher runs the interpreter given by $PYTHON (default: python3 on PATH), written into it as an
# absolute path at install time; that interpreter needs grpcio, protobuf, pulumi and httpx.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 <PULUMI_HOME>" >&2
    exit 2
fi
home="$1"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source_pkg="$repo/tools/huaweicloud-standin/hwc_standin"
python="${PYTHON:-python3}"
if [[ "$python" == */* && "$python" != /* ]]; then
    # A relative path (PYTHON=.venv/bin/python): made absolute, so a stack in another directory can run it.
    python="$(cd "$(dirname "$python")" 2>/dev/null && pwd)/$(basename "$python")"
elif [[ "$python" != /* ]]; then
    python="$(command -v "$python" || true)"
fi
if [[ -z "$python" || ! -x "$python" ]]; then
    echo "error installing the huaweicloud stand-in plugin: no Python interpreter (set PYTHON)" >&2
    exit 1
fi
if ! "$python" -c 'import grpc, google.protobuf, pulumi.runtime.proto.provider_pb2_grpc, httpx' 2>/dev/null; then
    echo "error installing the huaweicloud stand-in plugin: $python lacks grpcio/protobuf/pulumi/httpx" >&2
    exit 1
fi

plugins="$home/plugins"
name="resource-huaweicloud-v0.0.12"
final="$plugins/$name"
mkdir -p "$plugins"
chmod 0700 "$home" "$plugins" 2>/dev/null || true
: >"$final.lock"
: >"$final.partial"
chmod 0600 "$final.partial"
rm -rf "$final"
mkdir -m 0700 "$final"
cp -R "$source_pkg" "$final/hwc_standin"
find "$final/hwc_standin" -name __pycache__ -prune -exec rm -rf {} +

launcher="$final/pulumi-resource-huaweicloud"
{
    echo '#!/bin/sh'
    echo '# STAND-IN pulumi-resource-huaweicloud v0.0.12 (tests/demo only; NOT the real provider).'
    echo '# Written by scripts/install-standin-plugin.sh; the interpreter path is this machine'"'"'s.'
    echo 'here="$(cd "$(dirname "$0")" && pwd)"'
    echo 'PYTHONDONTWRITEBYTECODE=1 PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" exec '"'${python//\'/\'\\\'\'}'"' -m hwc_standin "$@"'
} >"$launcher"
chmod 0755 "$launcher"
rm -f "$final.partial"
echo "$launcher"
