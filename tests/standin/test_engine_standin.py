"""The real Pulumi CLI loads the STAND-IN huaweicloud plugin from the test's PULUMI_HOME (plugin
acquisition disabled) and creates, then destroys, a pulumi_huaweicloud ECS against the simulator."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi import automation as auto

from simulator.seed import AZ, IMAGE_EXISTING

from .conftest import StandinStack

pytestmark = pytest.mark.engine

SUBNET_ID = "d0000000-0000-4000-8000-0000000000bb"


def configure(stack: StandinStack, **extra: str) -> None:
    values = {
        "name": "standin-web",
        "imageId": IMAGE_EXISTING,
        "flavorId": "s6.large.2",
        "availabilityZone": AZ,
        "subnetId": SUBNET_ID,
        **extra,
    }
    stack.stack.set_all_config({key: auto.ConfigValue(value) for key, value in values.items()})


def made_servers(stack: StandinStack, before: set[str]) -> list[dict[str, Any]]:
    return [s for s in stack.sim.control.servers() if s["id"] not in before]


def test_instance_create_and_destroy_through_the_standin_plugin(standin_stack: StandinStack) -> None:
    stack, sim = standin_stack.stack, standin_stack.sim
    configure(standin_stack)
    before = {s["id"] for s in sim.control.servers()}
    sim.control.clear_calls()

    lines: list[str] = []
    up = stack.up(on_output=lines.append, color="never")

    assert up.summary.result == "succeeded", "\n".join(lines)
    assert "expected to have version" not in "\n".join(lines)  # GetPluginInfo's 0.0.12+standin is >= 0.0.12
    servers = made_servers(standin_stack, before)
    assert len(servers) == 1, servers
    server = servers[0]
    outputs = {k: v.value for k, v in up.outputs.items()}
    assert outputs["id"] == server["id"]
    assert outputs["status"] == server["status"] == "ACTIVE"
    attached = {v["id"]: v for v in server["os-extended-volumes:volumes_attached"]}
    assert outputs["systemDiskId"] in attached
    assert {v["volumeId"] for v in outputs["volumeAttacheds"]} == set(attached)
    assert outputs["accessIpV4"] == outputs["networks"][0]["fixedIpV4"] != ""
    calls = sim.control.calls()
    assert calls.get("ecs.create_servers") == 1, calls
    assert "ecs.delete_servers" not in calls
    deployment = stack.export_stack().deployment or {}
    providers = [r for r in deployment["resources"] if r["type"] == "pulumi:providers:huaweicloud"]
    assert providers
    assert providers[0]["inputs"].get("version") == "0.0.12"

    refresh = stack.refresh(color="never")
    assert refresh.summary.result == "succeeded"
    assert set(refresh.summary.resource_changes or {}) == {"same"}

    sim.control.clear_calls()
    destroy = stack.destroy(color="never")

    assert destroy.summary.result == "succeeded"
    assert sim.control.calls().get("ecs.delete_servers") == 1
    assert made_servers(standin_stack, before) == []


def test_preview_refuses_an_input_name_the_schema_lacks(standin_stack: StandinStack) -> None:
    configure(standin_stack, extraInput="vpcId")
    standin_stack.sim.control.clear_calls()

    with pytest.raises(auto.CommandError) as failure:
        standin_stack.stack.preview(color="never")

    assert "has no input property 'vpcId'" in str(failure.value)
    assert not standin_stack.sim.control.mutating_calls()
