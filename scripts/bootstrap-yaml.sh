#!/usr/bin/env bash
# Provide the Pulumi YAML language host (pulumi-language-yaml) next to the Pulumi CLI.
#
# Usage: scripts/bootstrap-yaml.sh
#   Progress goes to stderr; the last stdout line is the engine's bin directory (scripts/bootstrap-engine.sh),
#   which then also holds pulumi-language-yaml. The host is built once from the Go module proxy (pulumi-yaml,
#   the version tools/pulumi-yaml-host/go.mod pins) into a cache outside the clone, then copied next to `pulumi`,
#   where the CLI finds bundled language hosts (one on PATH works too, with a warning on every command).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module_dir="$repo/tools/pulumi-yaml-host"
say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error bootstrapping the YAML language host: %s\n' "$*" >&2; exit 1; }

engine_bin="$("$repo/scripts/bootstrap-engine.sh" | tail -n 1)"
version="$(awk '$1 == "github.com/pulumi/pulumi-yaml" { print $2 } $2 == "github.com/pulumi/pulumi-yaml" { print $3 }' "$module_dir/go.mod")"
[[ -n "$version" ]] || die "tools/pulumi-yaml-host/go.mod pins no github.com/pulumi/pulumi-yaml version"
stamp="$(cd "$module_dir" && cat go.mod go.sum tools.go | sha256sum | cut -c1-16)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/hwc-full-ecs-image/pulumi-yaml-$version-$stamp"

if [[ ! -x "$cache/pulumi-language-yaml" ]]; then
  command -v go >/dev/null 2>&1 || die "Go is not installed (needed once, to build pulumi-yaml $version)"
  say "building the YAML language host (pulumi-yaml $version) into $cache (first time only; ~2 minutes)"
  work="$(mktemp -d "${cache}.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$module_dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$work/" \
    github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml) >"$work.log" 2>&1 \
    || { tail -n 20 "$work.log" >&2; die "go build failed (last lines above)"; }
  rm -f "$work.log"
  rm -rf "$cache" && mv "$work" "$cache"
fi
if ! cmp -s "$cache/pulumi-language-yaml" "$engine_bin/pulumi-language-yaml"; then
  cp "$cache/pulumi-language-yaml" "$engine_bin/pulumi-language-yaml.partial"
  mv "$engine_bin/pulumi-language-yaml.partial" "$engine_bin/pulumi-language-yaml"
fi
printf '%s\n' "$engine_bin"
