#!/usr/bin/env bash
# Generate the hwc package's SDKs (sdk/nodejs, sdk/go, sdk/python) from the plugin's schema.
#
# Usage: scripts/gen-sdks.sh [out dir, default sdk]
#   The schema is what `pulumi package get-schema hwc` prints (python -m hwc_full_ecs_image schema).
#   The generators are Pulumi's own (pkg/v3 codegen, as `pulumi package gen-sdk` runs them), built once
#   from the Go module proxy into a cache outside the clone by tools/sdk-gen (its header says why).
#   No .NET SDK: its generator is refused by the Go module proxy and no dotnet toolchain is here.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/sdk}"
python="${PYTHON:-$repo/.venv/bin/python}"
say() { printf '==> %s\n' "$*" >&2; }

stamp="$(cd "$repo/tools/sdk-gen" && cat go.mod go.sum main.go | sha256sum | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/hwc-full-ecs-image/sdk-gen-$stamp"
if [[ ! -x "$cache/hwc-gen-sdk" ]]; then
  say "building the SDK generator (Pulumi's codegen, once; about 2 minutes)"
  mkdir -p "$cache.partial"
  (cd "$repo/tools/sdk-gen" && GOFLAGS=-mod=mod go build -trimpath -o "$cache.partial/hwc-gen-sdk" .)
  rm -rf "$cache" && mv "$cache.partial" "$cache"
fi

schema="$(mktemp)"
trap 'rm -f "$schema"' EXIT
"$python" -m hwc_full_ecs_image schema >"$schema"
for language in nodejs go python; do
  rm -rf "${out:?}/$language"
  "$cache/hwc-gen-sdk" "$schema" "$language" "$out/$language"
done
say "SDKs in $out: nodejs go python"
