"""`construct` of hwc:ims:FullEcsImage: the same FullEcsImage class (component.py), declared from any
Pulumi language through the plugin. The request's wire values (component_schema.py names) become
FullEcsImageArgs; the component's outputs go back as its state.

Values that carry dependencies, secrets or unknowns (a preview's Outputs) become pulumi Outputs that
keep them, as Pulumi's own Python provider server does (`pulumi/provider/experimental/server.py`
`_select_value`); every other value stays plain, so the component validates it at construction.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_huaweicloud as huaweicloud
from pulumi.output import Unknown, _OutputData
from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.resource import DependencyResource

from .component import FullEcsImage, FullEcsImageArgs
from .component_schema import (
    ComponentInputs,
    ComponentOutputs,
    ServerEntry,
    ServerNetwork,
    ShareAcceptorEntry,
)
from .errors import InputValidationError
from .rules import is_unresolved
from .settings import NAMESPACE
from .sharing import ShareAcceptor
from .wire import plain, wire

COMPONENT_FIELDS = {info.alias or name: name for name, info in ComponentInputs.model_fields.items()}
OUTPUT_FIELDS = {info.alias or name: name for name, info in ComponentOutputs.model_fields.items()}


def _has_unknown(value: PropertyValue) -> bool:
    inner = value.value
    if isinstance(inner, Computed):
        return True
    if isinstance(inner, Mapping):
        return any(_has_unknown(v) for v in inner.values())
    if isinstance(inner, tuple | list):
        return any(_has_unknown(v) for v in inner)
    return False


def as_input(value: PropertyValue) -> Any:
    """A wire value as the component takes it: plain, or an Output carrying its secrecy/dependencies."""
    if not value.contains_secret() and not value.dependencies and not _has_unknown(value):
        return plain(value)
    known = not _has_unknown(value)
    future: asyncio.Future[_OutputData[Any]] = asyncio.get_event_loop().create_future()
    future.set_result(
        _OutputData(
            resources={DependencyResource(urn) for urn in value.dependencies},
            value=plain(value) if known else None,
            is_known=known,
            is_secret=value.contains_secret(),
        )
    )
    return pulumi.Output._from_data(future)


def _entries(value: PropertyValue | None, what: str) -> list[dict[str, Any]]:
    """A list of objects, each field as_input (the list itself must be plain: its length matters)."""
    if value is None or value.value is None:
        return []
    if not isinstance(value.value, tuple | list):
        raise _invalid(what, "must be a list of objects, known at preview")
    entries = []
    for item in value.value:
        if not isinstance(item.value, Mapping):
            raise _invalid(what, "must be a list of objects, known at preview")
        entries.append({key: as_input(v) for key, v in item.value.items()})
    return entries


def _invalid(field: str, rule: str) -> InputValidationError:
    return InputValidationError(
        f"{field} {rule}", "fix the inputs listed above", verb="validating", subject="FullEcsImage"
    )


def _python_names(model: type[Any], entry: Mapping[str, Any], what: str) -> dict[str, Any]:
    names = {info.alias or name: name for name, info in model.model_fields.items()}
    unknown = sorted(set(entry) - set(names))
    if unknown:
        raise _invalid(what, f"has no input {', '.join(unknown)} (inputs: {', '.join(sorted(names))})")
    return {names[key]: value for key, value in entry.items() if value is not None}


def acceptor_from(entry: dict[str, Any], index: int, parent: pulumi.Resource | None) -> ShareAcceptor:
    """A ShareAcceptor whose provider the component makes from the target project's keys."""
    fields = _python_names(ShareAcceptorEntry, entry, f"shareAcceptors[{index}]")
    region = fields.get("region") or pulumi.Config(NAMESPACE).get("region")
    endpoints = pulumi.Config(NAMESPACE).get("endpoints")
    provider = huaweicloud.Provider(
        f"share-acceptor-{fields['project_id']}",
        region=region,
        project_id=fields["project_id"],
        access_key=pulumi.Output.secret(fields["access_key"]),
        secret_key=pulumi.Output.secret(fields["secret_key"]),
        endpoints=endpoints_of(endpoints),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    return ShareAcceptor(project_id=fields["project_id"], provider=provider, vault_id=fields["vault_id"])


def endpoints_of(text: str | None) -> Any:
    """The stack's `huaweicloud:endpoints` JSON map, for the target project's provider too."""
    return json.loads(text) if text else None


def server_from(entry: dict[str, Any], index: int, acceptors: Mapping[str, ShareAcceptor]) -> dict[str, Any]:
    """A `servers` entry of FullEcsImageArgs: Python names, the target project's provider."""
    fields = _python_names(ServerEntry, entry, f"servers[{index}]")
    extra = fields.pop("instance_args", None) or {}
    project = fields.pop("project", None)
    if project is not None:
        if project not in acceptors:
            raise _invalid(f"servers[{index}].project", "must be the projectId of a shareAcceptors entry")
        fields["provider"] = acceptors[project].provider
    if "networks" in fields and not is_unresolved(fields["networks"]):
        fields["networks"] = [
            _python_names(ServerNetwork, n, f"servers[{index}].networks") for n in fields["networks"]
        ]
    return {**extra, **fields}


def args_from(inputs: Mapping[str, PropertyValue], parent: pulumi.Resource | None) -> FullEcsImageArgs:
    unknown = sorted(set(inputs) - set(COMPONENT_FIELDS))
    if unknown:
        raise _invalid("FullEcsImage", f"has no input {', '.join(unknown)}")
    values = {
        COMPONENT_FIELDS[key]: as_input(value)
        for key, value in inputs.items()
        if key not in ("servers", "shareAcceptors") and value.value is not None
    }
    acceptors = [
        acceptor_from(e, i, parent)
        for i, e in enumerate(_entries(inputs.get("shareAcceptors"), "shareAcceptors"))
    ]
    by_project = {str(a.project_id): a for a in acceptors}
    servers = [
        server_from(e, i, by_project) for i, e in enumerate(_entries(inputs.get("servers"), "servers"))
    ]
    for required in ("backup_id", "name"):
        values.setdefault(required, None)
    return FullEcsImageArgs(**values, servers=servers or None, share_acceptors=acceptors or None)


async def state_of(component: FullEcsImage) -> dict[str, PropertyValue]:
    """The component's outputs as wire values (unknown at preview where they are)."""
    state: dict[str, PropertyValue] = {}
    for key, name in OUTPUT_FIELDS.items():
        output = pulumi.Output.from_input(getattr(component, name))
        known = await output.is_known()
        value = await output.future() if known else None
        secret = await output.is_secret()
        deps = {await r.urn.future() for r in await output.resources()}
        wired = wire(value if known else Unknown())  # type: ignore[no-untyped-call]
        state[key] = wired.with_secret(secret).with_dependencies(d for d in deps if d)
    return state


async def construct(request: api.ConstructRequest) -> api.ConstructResponse:
    component = FullEcsImage(request.name, args_from(request.inputs, request.options.parent), request.options)
    urn = await component.urn.future()
    return api.ConstructResponse(urn or "", await state_of(component), {})
