"""The Pulumi package schema of `hwc`, derived from schema.py (the one declaration of the image's
inputs and outputs): what `pulumi package get-schema` prints and SDK generators read.

Names and tokens are kept stable from 0.2.0 on: package `hwc`, module `ims`, resource `WholeImage`
(the component keeps `hwc:ims:FullEcsImage`). Property names are the inputs' own snake_case names, the
names state has recorded since 0.1, so upgraded stacks diff cleanly.
Pulumi package schema format: https://www.pulumi.com/docs/iac/extending-pulumi/schema/
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .component_schema import SECRET_INPUTS, ComponentInputs, ComponentOutputs
from .schema import ImageOutputs, ImageSpec

PACKAGE = "hwc"
VERSION = "0.2.0"
MODULE = "ims"
WHOLE_IMAGE = f"{PACKAGE}:{MODULE}:WholeImage"
COMPONENT = f"{PACKAGE}:{MODULE}:FullEcsImage"
PROVIDER_KEYS = {
    "region": ("The Huawei Cloud region, e.g. ap-southeast-1 (huaweicloud:region).", False),
    "accessKey": ("Access key (AK); also read from HW_ACCESS_KEY.", True),
    "secretKey": ("Secret key (SK); also read from HW_SECRET_KEY.", True),
    "projectId": ("The project of the region (huaweicloud:projectId).", False),
    "endpoints": ("JSON map from service (ims, csbs, cbr, ecs, evs) to URL.", False),
    "securityToken": ("Security token of temporary credentials.", True),
    "insecure": ("`true` skips TLS certificate verification.", False),
    "cacertFile": ("A PEM CA bundle to verify the endpoints with.", False),
}
"""The provider's settings: the same keys as pulumi-huaweicloud, which the component passes on."""


def _type_token(name: str) -> str:
    return f"{PACKAGE}:{MODULE}:{name}"


def _property(spec: dict[str, Any], defs: dict[str, Any], types: dict[str, Any]) -> dict[str, Any]:
    """One pydantic JSON-schema property as a Pulumi schema property (optional = not required)."""
    variants = [v for v in spec.get("anyOf", [spec]) if v.get("type") != "null"]
    if len(variants) != 1:
        raise ValueError(f"no union types in a Pulumi schema: {spec}")
    [one] = variants
    if "$ref" in one:
        name = one["$ref"].rsplit("/", 1)[-1]
        _object_type(name, defs, types)
        return {"$ref": f"#/types/{_type_token(name)}"}
    kind = one.get("type")
    if kind == "array":
        return {"type": "array", "items": _property(one["items"], defs, types)}
    if kind == "object":
        extra = one.get("additionalProperties")
        items = (
            _property(extra, defs, types)
            if isinstance(extra, dict) and extra
            else {"$ref": "pulumi.json#/Any"}
        )
        return {"type": "object", "additionalProperties": items}
    if "enum" in one or "const" in one:
        return {"type": "string"}
    if kind in ("string", "integer", "number", "boolean"):
        return {"type": kind}
    return {"$ref": "pulumi.json#/Any"}


def _object_type(name: str, defs: dict[str, Any], types: dict[str, Any]) -> None:
    token = _type_token(name)
    if token in types:
        return
    spec = defs[name]
    types[token] = {}  # placeholder: recursion
    types[token] = {
        "type": "object",
        "description": spec.get("description", name),
        "properties": _properties(spec, defs, types),
        "required": sorted(spec.get("required", [])),
    }


def _properties(spec: dict[str, Any], defs: dict[str, Any], types: dict[str, Any]) -> dict[str, Any]:
    found = {}
    for key, value in spec.get("properties", {}).items():
        description = value.get("description")
        if not description:
            raise ValueError(f"{key} has no description: give it a docstring in schema.py")
        found[key] = _property(value, defs, types) | {"description": description}
        if key in SECRET_INPUTS:
            found[key]["secret"] = True
    return found


def _model(model: type[BaseModel], types: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    spec = model.model_json_schema(mode="serialization")
    return _properties(spec, spec.get("$defs", {}), types), sorted(spec.get("required", []))


def package_schema() -> dict[str, Any]:
    types: dict[str, Any] = {}
    inputs, required = _model(ImageSpec, types)
    outputs, _ = _model(ImageOutputs, types)
    component_inputs, component_required = _model(ComponentInputs, types)
    component_outputs, _ = _model(ComponentOutputs, types)
    return {
        "name": PACKAGE,
        "version": VERSION,
        "displayName": "Huawei Cloud full-ECS images",
        "description": "Full-ECS images from CSBS or CBR backups (Huawei Cloud IMS), and new ECSs from them.",
        "publisher": "hwc-full-ecs-image",
        "license": "Apache-2.0",
        "meta": {"moduleFormat": "(.*)", "supportPack": True},
        "config": {
            "variables": {
                k: {"type": "string", "description": d, "secret": s} for k, (d, s) in PROVIDER_KEYS.items()
            }
        },
        "provider": {
            "description": "The hwc provider: Huawei Cloud settings, the same keys as pulumi-huaweicloud's.",
            "inputProperties": {
                k: {"type": "string", "description": d, "secret": s} for k, (d, s) in PROVIDER_KEYS.items()
            },
        },
        "resources": {
            WHOLE_IMAGE: {
                "description": (
                    "One IMS full-ECS image made from a CSBS or CBR backup. Usually a child of "
                    "hwc:ims:FullEcsImage; `pulumi import hwc:ims:WholeImage <name> <image id>` takes an "
                    "existing full-ECS image into a stack."
                ),
                "inputProperties": inputs,
                "requiredInputs": required,
                "properties": inputs | outputs,
                "required": required,
                "aliases": [{"type": "pulumi-python:dynamic/hwc-ims:FullEcsImage"}],
            },
            COMPONENT: {
                "isComponent": True,
                "description": (
                    "A full-ECS image made from a CSBS (or CBR) backup, checked at preview against every "
                    "rule of the console procedure, with NEW ECSs made from it and its share accepted in "
                    "target projects."
                ),
                "inputProperties": component_inputs,
                "requiredInputs": component_required,
                "properties": component_outputs,
                "required": sorted(set(component_outputs)),
            },
        },
        "types": types,
        "language": {
            "python": {"packageName": "hwc_full_ecs_image_sdk", "respectSchemaVersion": True},
            "nodejs": {"packageName": "@hwc/full-ecs-image", "respectSchemaVersion": True},
            "go": {
                "importBasePath": "example.invalid/hwc-full-ecs-image/sdk/go/hwc",
                "respectSchemaVersion": True,
            },
            "csharp": {"rootNamespace": "Hwc", "respectSchemaVersion": True},
        },
    }
