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


def made_servers(stack: StandinStack, before: set[str]) -> list[dict[str, Any]]:
    return [s for s in stack.sim.control.servers() if s["id"] not in before]


def test_instance_create_and_destroy_through_the_standin_plugin(standin_stack: StandinStack) -> None:
    stack, sim = standin_stack.stack, standin_stack.sim
    stack.set_all_config(
        {
            "name": auto.ConfigValue("standin-web"),
            "imageId": auto.ConfigValue(IMAGE_EXISTING),
            "flavorId": auto.ConfigValue("s6.large.2"),
            "availabilityZone": auto.ConfigValue(AZ),
            "subnetId": auto.ConfigValue(SUBNET_ID),
        }
    )
    before = {s["id"] for s in sim.control.servers()}
    sim.control.clear_calls()

    up = stack.up(on_output=print, color="never")

    assert up.summary.result == "succeeded"
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

    sim.control.clear_calls()
    destroy = stack.destroy(on_output=print, color="never")

    assert destroy.summary.result == "succeeded"
    assert sim.control.calls().get("ecs.delete_servers") == 1
    assert made_servers(standin_stack, before) == []
