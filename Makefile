# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv lint fmt test engine demo demo-yaml demo-typescript destroy bench simulator sdks examples clean

$(STAMP): requirements.txt pyproject.toml
	@echo "==> virtualenv $(VENV) with the pinned requirements"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

venv: $(STAMP)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Everything: lint, type checks, the examples in every language, unit + simulator + provider + engine suites.
test: venv lint engine examples
	$(PY) -m pytest

# The Pulumi CLI + Python language host of the pinned SDK version (built once from the Go module proxy, then
# cached outside the clone; see docs/engine.md).
engine:
	scripts/bootstrap-engine.sh >/dev/null

# README command one: `pulumi up` of this repo's program against the local simulator (stack `local`).
demo: venv
	$(PY) scripts/demo.py up

# The same stack in YAML (examples/yaml) or TypeScript (examples/typescript), served by the hwc plugin's
# construct, against the demo's simulator (language hosts: scripts/bootstrap-langs.sh; docs/languages.md).
demo-yaml: venv
	scripts/bootstrap-langs.sh >/dev/null
	$(PY) scripts/demo_lang.py yaml

demo-typescript: venv
	scripts/bootstrap-langs.sh >/dev/null
	$(PY) scripts/demo_lang.py typescript

# Destroy the demo stack(s) and stop the demo simulator.
destroy: venv
	$(PY) scripts/demo_lang.py yaml destroy
	$(PY) scripts/demo_lang.py typescript destroy
	$(PY) scripts/demo.py destroy

# Scaling benchmark: `pulumi up`/`destroy` of 1 vs 50 FullEcsImages with the real engine against the
# simulator (BENCH_IMAGES, BENCH_JOB_SECONDS, BENCH_PARALLEL tune it); results in .bench/results.json.
bench: venv engine
	$(PY) scripts/bench.py

# Run the simulator by hand, from anywhere: make -C <checkout> simulator (see docs/simulator.md).
simulator: venv
	$(PY) -m simulator --host 127.0.0.1 --port 8800 --access-key LOCALAK --secret-key LOCALSK \
	  --project-id 0123456789abcdef0123456789abcdef

# The hwc package's SDKs (sdk/nodejs, sdk/go, sdk/python) from the plugin's schema (docs/languages.md).
sdks: venv
	scripts/gen-sdks.sh

# Build every example against the committed SDKs: Go (go build), TypeScript (tsc), YAML (schema check).
examples: venv
	cd examples/go && GOFLAGS=-mod=mod go build -o go-example .
	scripts/build-node-sdk.sh >/dev/null
	cd examples/typescript && npm ci --no-audit --no-fund --silent && npx tsc --noEmit -p .
	$(PY) scripts/check_yaml_example.py

clean:
	rm -rf $(VENV) .demo .bench .mypy_cache .ruff_cache .pytest_cache
