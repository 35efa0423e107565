#!/usr/bin/env bash
# Provide the Pulumi CLI and a Python language host of exactly the version of the pinned `pulumi` Python SDK.
#
# Usage: scripts/bootstrap-engine.sh
#   Progress goes to stderr; the last stdout line is the directory holding `pulumi`, `pulumi-language-python`,
#   `pulumi-language-python-exec` and `pulumi-resource-pulumi-python` (put it first on PATH, or pass its parent to
#   pulumi.automation.PulumiCommand(root=...)).
#
# 1. If `pulumi version` on PATH prints exactly v<version> and the Python plugins sit next to it, use that.
# 2. Otherwise use (or build once) a cache outside the clone:
#    ${XDG_CACHE_HOME:-$HOME/.cache}/hwc-full-ecs-image/pulumi-v<version>/bin
#    built from the Go module proxy through the wrapper module tools/pulumi-cli (docs/engine.md explains why
#    the language host is our own). The build happens in a temporary directory that is moved into place only
#    when complete, so an interrupted build never leaves a half-filled cache. Later runs take well under a second.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
module_dir="$repo/tools/pulumi-cli"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error bootstrapping the Pulumi engine: %s\n' "$*" >&2; exit 1; }

# The single source of the version: requirements.txt's `pulumi==X.Y.Z` pin.
version="$(sed -n 's/^pulumi==\([0-9][0-9.]*\)[[:space:]]*$/\1/p' "$repo/requirements.txt")"
[[ -n "$version" ]] || die "requirements.txt has no 'pulumi==X.Y.Z' pin; add one (it selects the CLI version)"

plugins=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)

has_all_plugins() { # $1: directory
  local f
  for f in "${plugins[@]}"; do [[ -f "$1/$f" ]] || return 1; done
  [[ -x "$1/pulumi" && -x "$1/pulumi-language-python" && -x "$1/pulumi-resource-pulumi-python" ]]
}

cli_version() { # $1: pulumi executable; prints its version or nothing
  PULUMI_SKIP_UPDATE_CHECK=true "$1" version 2>/dev/null | head -n 1 || true
}

# 1. A matching CLI already installed (for example by the official installer).
if ambient="$(command -v pulumi 2>/dev/null)"; then
  ambient_dir="$(cd "$(dirname "$(readlink -f "$ambient")")" && pwd)"
  if [[ "$(cli_version "$ambient")" == "v$version" ]] && has_all_plugins "$ambient_dir"; then
    say "using Pulumi CLI v$version from PATH ($ambient_dir)"
    printf '%s\n' "$ambient_dir"
    exit 0
  fi
fi

# 2. The per-version cache. Its stamp records a hash of the wrapper module, so editing the module (for example
#    our language host) rebuilds it.
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/hwc-full-ecs-image"
target="$cache_root/pulumi-v$version"
stamp_wanted="v$version $(cd "$module_dir" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) \
  -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"

cache_ok() {
  [[ -f "$target/stamp" && "$(cat "$target/stamp")" == "$stamp_wanted" ]] && has_all_plugins "$target/bin" \
    && [[ "$(cli_version "$target/bin/pulumi")" == "v$version" ]]
}

mkdir -p "$cache_root"
if cache_ok; then
  printf '%s\n' "$target/bin"
  exit 0
fi

# Serialise concurrent bootstraps (make demo and make test in two terminals) where flock exists.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/.lock"
  if ! flock -n 9; then
    say "waiting for another engine bootstrap to finish (lock $cache_root/.lock)"
    flock 9
  fi
  if cache_ok; then
    printf '%s\n' "$target/bin"
    exit 0
  fi
fi

# The wrapper's `go` line (copied from pulumi pkg/v3's go.mod) is the minimum Go release.
min_go="$(awk '$1 == "go" { print $2; exit }' "$module_dir/go.mod")"
command -v go >/dev/null 2>&1 || die "Go is not installed, and no Pulumi CLI v$version is on PATH.
Install Go $min_go or newer (https://go.dev/dl/) and run this again, or install the Pulumi CLI v$version
(https://www.pulumi.com/docs/iac/download-install/) so that 'pulumi version' prints v$version."

cd "$module_dir"
# An older Go stops here when GOTOOLCHAIN=local; with GOTOOLCHAIN=auto it fetches go$min_go first.
pinned="$(go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3 2>&1)" \
  || die "cannot read tools/pulumi-cli/go.mod with $(go version): $pinned
The build needs Go $min_go or newer: install it, or run with GOTOOLCHAIN=auto to let Go download it."
[[ "$pinned" == "v$version" ]] || die "tools/pulumi-cli/go.mod requires github.com/pulumi/pulumi/pkg/v3 $pinned \
but requirements.txt pins pulumi==$version; change both pins together (see docs/engine.md)"

# Leftovers of builds that were killed outright (SIGKILL skips the cleanup trap); we hold the lock here.
if command -v flock >/dev/null 2>&1; then
  rm -rf "$cache_root"/.build-v*
fi
work="$(mktemp -d "$cache_root/.build-v$version.XXXXXX")"
cleanup() { [[ -n "${builder:-}" ]] && kill "$builder" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
chmod 0755 "$work"
mkdir -p "$work/bin"

say "building Pulumi CLI v$version and the Python language host into $target"
say "(first time only: downloads ~300 Go modules from the Go module proxy and compiles them; several minutes)"
started=$SECONDS
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version"
# Official release flags (pulumi/pulumi .goreleaser.yml): static, trimmed, version stamped. Without the
# version stamp the Automation API rejects the CLI.
CGO_ENABLED=0 go build -mod=readonly -v -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$work/bin/" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./cmd/pulumi-language-python >"$work/build.log" 2>&1 &
builder=$!
while kill -0 "$builder" 2>/dev/null; do
  sleep 10
  kill -0 "$builder" 2>/dev/null || break
  say "  ... $((SECONDS - started))s: $(grep -c '^go: downloading' "$work/build.log" || true) modules downloaded," \
    "$(grep -vc '^go: ' "$work/build.log" || true) packages compiled"
done
if ! wait "$builder"; then
  builder=""
  tail -n 30 "$work/build.log" >&2
  die "go build failed (last lines above); check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY))"
fi
builder=""

# The two Python-side shims ship inside the sdk/v3 module; module files are read-only and lose their modes.
sdk_dir="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
[[ -n "$sdk_dir" && -d "$sdk_dir/python" ]] || die "the github.com/pulumi/pulumi/sdk/v3 module download has no python/ folder"
cp "$sdk_dir/python/cmd/pulumi-language-python-exec" "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$work/bin/"
chmod 0755 "$work/bin/"*

got="$(cli_version "$work/bin/pulumi")"
[[ "$got" == "v$version" ]] || die "the freshly built CLI reports version '$got', expected v$version"
printf '%s\n' "$stamp_wanted" >"$work/stamp"
rm -f "$work/build.log"

# Swap the finished build into place: rename is atomic; the stale copy (if any) is removed afterwards.
if [[ -e "$target" ]]; then
  mv "$target" "$work.stale"
fi
mv "$work" "$target"
rm -rf "$work.stale"
say "built Pulumi CLI v$version in $((SECONDS - started))s: $target/bin"
printf '%s\n' "$target/bin"
