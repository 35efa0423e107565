"""Property values between the engine's wire form (pulumi.provider.experimental PropertyValue) and the
plain Python values the provider verbs work with.

Numbers travel as floats (protobuf Struct); whole numbers come back as ints, because the IMS rules
are on integers. An unknown value (a preview's Output) becomes `pulumi.output.Unknown`, which the
rules treat as unresolved. Secrets: a key whose input was secret comes back secret in the outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.output import Unknown
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc


def plain(value: PropertyValue) -> Any:
    """One wire value as a plain Python value (secrets unwrapped)."""
    inner = value.value
    if isinstance(inner, Computed):
        return Unknown()  # type: ignore[no-untyped-call]
    if isinstance(inner, bool) or inner is None or isinstance(inner, str):
        return inner
    if isinstance(inner, float):
        return int(inner) if inner.is_integer() else inner
    if isinstance(inner, Mapping):
        return {k: plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple | list):
        return [plain(v) for v in inner]
    return inner


def plain_map(values: Mapping[str, PropertyValue]) -> dict[str, Any]:
    return {key: plain(value) for key, value in values.items()}


def secret_keys(values: Mapping[str, PropertyValue]) -> frozenset[str]:
    """Top-level keys whose value is, or holds, a secret."""
    return frozenset(key for key, value in values.items() if value.contains_secret())


def wire(value: Any) -> PropertyValue:
    """A plain value as a wire value."""
    if isinstance(value, Unknown):
        # The wire's unknown sentinel: PropertyValue.marshal cannot marshal Computed (pulumi 3.260).
        return PropertyValue(rpc.UNKNOWN)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return PropertyValue(value)
    if isinstance(value, int | float):
        return PropertyValue(float(value))
    if isinstance(value, Mapping):
        return PropertyValue({str(k): wire(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return PropertyValue([wire(v) for v in value])
    raise TypeError(f"{type(value).__name__} cannot be sent to the engine")


def wire_map(values: Mapping[str, Any], secrets: Iterable[str] = ()) -> dict[str, PropertyValue]:
    hidden = frozenset(secrets)
    return {key: wire(value).with_secret(key in hidden) for key, value in values.items()}
