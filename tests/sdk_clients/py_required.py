"""Walk a raw JSON answer against an official Python SDK model and list what the model requires but the
answer lacks.

The Python SDK generator marks a required field by assigning it unconditionally in the model's
``__init__`` (``self.name = name``); optional ones are guarded (``if name is not None: self.name = name``).
See e.g. ``huaweicloudsdkecs/v2/model/server_detail.py`` in
https://github.com/huaweicloud/huaweicloud-sdk-python-v3. The SDK's deserializer itself coerces
primitives (``str(5)``) and never checks required fields, so the raw body is walked here instead.
"""

from __future__ import annotations

import functools
import inspect
import re
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

_REQUIRED_RE = re.compile(r"^ {8}self\.(\w+) = \1$", re.MULTILINE)
_PRIMITIVES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
}


@dataclass
class Findings:
    """Problems (fail the check) and notes (reported only) of one answer."""

    missing: list[str] = field(default_factory=list)  # required by the SDK model, absent or null
    wrong_type: list[str] = field(default_factory=list)  # present with another JSON type than the model's
    unknown: list[str] = field(default_factory=list)  # keys the SDK model does not know (note)
    absent_optional: list[str] = field(default_factory=list)  # optional model fields never sent (note)

    @property
    def ok(self) -> bool:
        return not self.missing and not self.wrong_type


@functools.cache
def required_attributes(model: type) -> frozenset[str]:
    """Attribute names the model's __init__ sets unconditionally: the generator's mark of `required`."""
    return frozenset(_REQUIRED_RE.findall(inspect.getsource(model.__init__)))  # type: ignore[misc]


def check(raw: Any, model: type, package: ModuleType) -> Findings:
    """Check a decoded JSON body against a response model class of `package` (e.g. huaweicloudsdkims.v2)."""
    findings = Findings()
    body_type = getattr(model, "openapi_types", {}).get("body")
    if isinstance(raw, list) and body_type is not None:  # array answers: the model's `body` attribute
        _walk(raw, body_type, "$", package, findings)
    else:
        _walk_model(raw, model, "$", package, findings)
    return findings


def _walk(value: Any, type_name: str, path: str, package: ModuleType, findings: Findings) -> None:
    if type_name in _PRIMITIVES:
        wanted = _PRIMITIVES[type_name]
        if not isinstance(value, wanted) or (type_name != "bool" and isinstance(value, bool)):
            findings.wrong_type.append(f"{path}: {type(value).__name__} where the SDK has {type_name}")
        return
    if type_name in ("object", "date", "datetime"):
        return
    if type_name.startswith("list["):
        if not isinstance(value, list):
            findings.wrong_type.append(f"{path}: {type(value).__name__} where the SDK has {type_name}")
            return
        for index, item in enumerate(value):
            _walk(item, type_name[5:-1], f"{path}[{index}]", package, findings)
        return
    if type_name.startswith("dict("):
        if not isinstance(value, dict):
            findings.wrong_type.append(f"{path}: {type(value).__name__} where the SDK has {type_name}")
            return
        inner = type_name[type_name.index(",") + 1 : -1].strip()
        for key, item in value.items():
            _walk(item, inner, f"{path}[{key!r}]", package, findings)
        return
    model = getattr(package, type_name, None)
    if model is None:
        raise LookupError(f"error reading SDK model {type_name}: not in {package.__name__}")
    _walk_model(value, model, path, package, findings)


def _walk_model(value: Any, model: type, path: str, package: ModuleType, findings: Findings) -> None:
    types: dict[str, str] = model.openapi_types  # type: ignore[attr-defined]
    if not types:  # an enum class: the SDK takes its JSON string as is
        if not isinstance(value, str):
            findings.wrong_type.append(f"{path}: {type(value).__name__} where the SDK has {model.__name__}")
        return
    if not isinstance(value, dict):
        findings.wrong_type.append(f"{path}: {type(value).__name__} where the SDK has {model.__name__}")
        return
    keys: dict[str, str] = model.attribute_map  # type: ignore[attr-defined]
    required = required_attributes(model)
    known = set(keys.values())
    findings.unknown.extend(f"{path}.{key}" for key in value if key not in known)
    for attribute, type_name in types.items():
        key = keys[attribute]
        where = f"{path}.{key}"
        if value.get(key) is None:
            (findings.missing if attribute in required else findings.absent_optional).append(where)
            continue
        _walk(value[key], type_name, where, package, findings)
