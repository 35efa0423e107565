"""The stand-in's ResourceProvider servicer called directly (no engine) against the simulator: Check refuses
unknown names, ImageShare shares and unshares, an Instance's data-disk override reaches the ECS API."""

from __future__ import annotations

import json
import threading
from typing import Any, NoReturn

import pytest
from google.protobuf import struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import provider_pb2

from simulator.seed import AZ, CBR_BACKUP, VOLUME_WEB01_DATA
from simulator.testing import RunningSimulator

from .conftest import STANDIN_VPC_ID, standin

server_module = standin("server")
api = standin("api")
schema = standin("schema")

OTHER_PROJECT = "fedcba9876543210fedcba9876543210"
URN_PREFIX = "urn:pulumi:test::standin-test::"


class AbortedError(Exception):
    pass


class FakeContext:
    """The one ServicerContext method the servicer uses."""

    def abort(self, code: object, message: str) -> NoReturn:
        raise AbortedError(message)


def struct(value: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(value)
    return out


@pytest.fixture
def provider(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("HWC_STANDIN_VPC_ID", STANDIN_VPC_ID)
    served = server_module.Provider()
    served.client.poll_seconds = 0.02
    endpoints = json.dumps(dict.fromkeys(("ims", "ecs", "evs"), sim.url))
    served.Configure(
        provider_pb2.ConfigureRequest(
            args=struct(
                {
                    "region": sim.region,
                    "projectId": sim.project_id,
                    "endpoints": endpoints,
                    # config secrets reach Configure wrapped even though the provider refuses secrets
                    "accessKey": {schema.SIG_KEY: schema.SECRET_SIG, "value": sim.access_key},
                    "secretKey": {schema.SIG_KEY: schema.SECRET_SIG, "value": sim.secret_key},
                }
            )
        ),
        FakeContext(),
    )
    return served


def cbr_image(provider: Any) -> str:
    """A full-ECS image from the seeded CBR backup (only CBR-based ones can be shared)."""
    client = provider.client
    job = client.call(
        "POST",
        "ims",
        "v1/cloudimages/wholeimages/action",
        {"name": "standin-cbr", "backup_id": CBR_BACKUP, "whole_image_type": "CBR"},
    )
    done = client.wait_job("ims", job["job_id"], 60, "the test image")
    return str(done["entities"]["image_id"])


def test_check_names_the_unknown_input(provider: Any) -> None:
    request = provider_pb2.CheckRequest(
        urn=URN_PREFIX + schema.INSTANCE + "::web",
        type=schema.INSTANCE,
        news=struct(
            {"name": "w", "imageId": "i", "flavorId": "f", "networks": [{"uuid": "s"}], "vpcId": "v"}
        ),
    )
    response = provider.Check(request, FakeContext())
    assert [(f.property, "vpcId" in f.reason) for f in response.failures] == [("vpcId", True)]


def test_plugin_info_and_schema_say_stand_in(provider: Any) -> None:
    assert provider.GetPluginInfo(None, FakeContext()).version == "0.0.12+standin"
    assert "STAND-IN" in provider.GetSchema(provider_pb2.GetSchemaRequest(), FakeContext()).schema


def test_image_share_create_update_delete(provider: Any, sim: RunningSimulator) -> None:
    image_id = cbr_image(provider)
    urn = URN_PREFIX + schema.IMAGE_SHARE + "::share"
    inputs = {"sourceImageId": image_id, "targetProjectIds": [OTHER_PROJECT]}

    created = provider.Create(
        provider_pb2.CreateRequest(urn=urn, type=schema.IMAGE_SHARE, properties=struct(inputs)), FakeContext()
    )

    assert created.id == image_id
    assert [m["member_id"] for m in sim.control.image_members(image_id)] == [OTHER_PROJECT]
    third = "0123456789abcdef0123456789abcde0"
    news = {**inputs, "targetProjectIds": [third]}
    provider.Update(
        provider_pb2.UpdateRequest(
            id=image_id, urn=urn, type=schema.IMAGE_SHARE, olds=struct(inputs), news=struct(news)
        ),
        FakeContext(),
    )
    assert [m["member_id"] for m in sim.control.image_members(image_id)] == [third]
    provider.Delete(
        provider_pb2.DeleteRequest(id=image_id, urn=urn, type=schema.IMAGE_SHARE, properties=struct(news)),
        FakeContext(),
    )
    assert sim.control.image_members(image_id) == []
    calls = sim.control.calls()
    assert calls.get("ims.share_image") == 2
    assert calls.get("ims.unshare_image") == 2


def test_instance_data_disk_override_and_delete(provider: Any, sim: RunningSimulator) -> None:
    image_id = cbr_image(provider)
    urn = URN_PREFIX + schema.INSTANCE + "::web"
    inputs = {
        "name": "standin-disks",
        "imageId": image_id,
        "flavorId": "s6.large.2",
        "availabilityZone": AZ,
        "networks": [{"uuid": "d0000000-0000-4000-8000-0000000000bb"}],
        "dataDisks": [{"type": "SSD", "size": 150, "snapshotId": VOLUME_WEB01_DATA}],
    }

    created = provider.Create(
        provider_pb2.CreateRequest(urn=urn, type=schema.INSTANCE, properties=struct(inputs)), FakeContext()
    )

    outputs = server_module.to_dict(created.properties)
    data = [v for v in outputs["volumeAttacheds"] if v["bootIndex"] != 0]
    assert [(v["size"], v["type"]) for v in data] == [(150, "SSD")]
    assert outputs["systemDiskId"] not in {v["volumeId"] for v in data}
    assert outputs["dataDisks"] == inputs["dataDisks"]

    provider.Delete(
        provider_pb2.DeleteRequest(
            id=created.id, urn=urn, type=schema.INSTANCE, properties=created.properties
        ),
        FakeContext(),
    )
    assert created.id not in {s["id"] for s in sim.control.servers()}
    read = provider.Read(
        provider_pb2.ReadRequest(id=created.id, urn=urn, type=schema.INSTANCE, inputs=struct(inputs)),
        FakeContext(),
    )
    assert read.id == ""


def test_an_api_error_becomes_the_rpc_error(provider: Any) -> None:
    urn = URN_PREFIX + schema.INSTANCE + "::web"
    inputs = {
        "name": "bad",
        "imageId": "no-such-image",
        "flavorId": "s6.large.2",
        "networks": [{"uuid": "s"}],
    }
    with pytest.raises(AbortedError, match="STAND-IN"):
        provider.Create(
            provider_pb2.CreateRequest(urn=urn, type=schema.INSTANCE, properties=struct(inputs)),
            FakeContext(),
        )


def test_cancel_stops_a_wait(provider: Any) -> None:
    provider.Cancel(None, FakeContext())
    assert isinstance(provider.cancelled, threading.Event)
    with pytest.raises(api.CancelledError):
        provider.client.sleep(5)


def test_delete_of_a_server_already_gone_calls_no_delete(provider: Any, sim: RunningSimulator) -> None:
    urn = URN_PREFIX + schema.INSTANCE + "::web"
    gone = "a0000000-0000-4000-8000-00000000dead"
    sim.control.clear_calls()

    provider.Delete(
        provider_pb2.DeleteRequest(id=gone, urn=urn, type=schema.INSTANCE, properties=struct({})),
        FakeContext(),
    )

    assert "ecs.delete_servers" not in sim.control.calls()


def test_a_throttled_or_unavailable_read_is_retried_as_terraform_does(
    provider: Any, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hwc_standin.api.RETRY_BASE_SECONDS", 0.01)
    sim.control.inject_fault("throttle", route="ims.list_images", count=1)
    sim.control.inject_fault("error", route="ims.list_images", count=1, status=503)

    listed = provider.client.call("GET", "ims", "v2/cloudimages")

    assert listed["images"]
    assert sim.control.calls()["ims.list_images"] == 3  # two transient answers, then the answer


def test_a_failing_create_request_is_not_resent(provider: Any, sim: RunningSimulator) -> None:
    sim.control.inject_fault("error", route="ims.create_whole_image", count=1, status=503)
    body = {"name": "once", "backup_id": CBR_BACKUP, "whole_image_type": "CBR"}

    with pytest.raises(Exception, match="HTTP 503"):
        provider.client.call("POST", "ims", "v1/cloudimages/wholeimages/action", body)

    assert sim.control.calls()["ims.create_whole_image"] == 1
