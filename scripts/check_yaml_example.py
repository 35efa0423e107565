"""`make examples`, YAML part: every resource of examples/yaml is a type of the hwc schema and sets only
its input properties (what `pulumi preview` would refuse later; the engine suite runs the example)."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml  # type: ignore[import-untyped]

from hwc_full_ecs_image.package_schema import package_schema

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "yaml" / "Pulumi.yaml"


def problems() -> list[str]:
    program = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    resources = package_schema()["resources"]
    found = []
    for name, resource in (program.get("resources") or {}).items():
        spec = resources.get(resource.get("type"))
        if spec is None:
            found.append(f"{name}: type {resource.get('type')!r} is not in the hwc schema")
            continue
        unknown = sorted(set(resource.get("properties") or {}) - set(spec["inputProperties"]))
        found += [f"{name}: {key!r} is not an input of {resource['type']}" for key in unknown]
        missing = sorted(set(spec.get("requiredInputs", [])) - set(resource.get("properties") or {}))
        found += [f"{name}: required input {key!r} is missing" for key in missing]
    return found


if __name__ == "__main__":
    found = problems()
    for line in found:
        print(f"error checking examples/yaml: {line}", file=sys.stderr)
    sys.exit(1 if found else 0)
