#!/usr/bin/env bash
# Provide the YAML and Node.js language hosts (pulumi-language-yaml, pulumi-language-nodejs) next to the CLI.
#
# Usage: scripts/bootstrap-langs.sh
#   Progress goes to stderr; the last stdout line is the engine's bin directory (scripts/bootstrap-engine.sh),
#   which then also holds both hosts. Each is built once from the Go module proxy into a cache outside the
#   clone, then copied next to `pulumi`, where the CLI finds bundled language hosts (one on PATH works too,
#   with a warning on every command):
#   - pulumi-language-yaml: pulumi-yaml's own host, the version tools/pulumi-yaml-host/go.mod pins;
#   - pulumi-language-nodejs: our small host (tools/pulumi-nodejs-host; the official one is refused by the
#     proxy), which runs the Node.js SDK's own entry point.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error bootstrapping the language hosts: %s\n' "$*" >&2; exit 1; }

engine_bin="$("$repo/scripts/bootstrap-engine.sh" | tail -n 1)"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/hwc-full-ecs-image"

build_host() { # $1: module dir, $2: package to build, $3: binary name, $4: cache name
  local module_dir="$1" package="$2" binary="$3" name="$4" stamp cache work
  stamp="$(cd "$module_dir" && cat go.mod go.sum ./*.go | sha256sum | cut -c1-16)"
  cache="$cache_root/$name-$stamp"
  if [[ ! -x "$cache/$binary" ]]; then
    command -v go >/dev/null 2>&1 || die "Go is not installed (needed once, to build $binary)"
    say "building $binary into $cache (first time only; a minute or two)"
    work="$(mktemp -d "${cache}.XXXXXX")"
    (cd "$module_dir" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$work/$binary" "$package") \
      >"$work.log" 2>&1 || { tail -n 20 "$work.log" >&2; rm -rf "$work"; die "go build of $binary failed (above)"; }
    rm -f "$work.log"
    rm -rf "$cache" && mv "$work" "$cache"
  fi
  if ! cmp -s "$cache/$binary" "$engine_bin/$binary"; then
    cp "$cache/$binary" "$engine_bin/$binary.partial"
    mv "$engine_bin/$binary.partial" "$engine_bin/$binary"
  fi
}

yaml_version="$(awk '$1 == "github.com/pulumi/pulumi-yaml" { print $2 } $2 == "github.com/pulumi/pulumi-yaml" { print $3 }' \
  "$repo/tools/pulumi-yaml-host/go.mod")"
[[ -n "$yaml_version" ]] || die "tools/pulumi-yaml-host/go.mod pins no github.com/pulumi/pulumi-yaml version"
build_host "$repo/tools/pulumi-yaml-host" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml \
  pulumi-language-yaml "pulumi-yaml-$yaml_version"
build_host "$repo/tools/pulumi-nodejs-host" . pulumi-language-nodejs pulumi-nodejs-host
printf '%s\n' "$engine_bin"
