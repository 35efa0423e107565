"""The stand-in's property names are pulumi_huaweicloud 0.0.12's, and its request bodies and signatures
are the Terraform provider's (no engine, no simulator)."""

from __future__ import annotations

import inspect
import warnings
from datetime import UTC, datetime
from typing import Any

import pytest

from .conftest import standin

schema = standin("schema")
ecs_body = standin("ecs_body")
api = standin("api")


def getters(cls: type) -> dict[str, str]:
    """{wire name: Python name} of a pulumi input/state class's properties."""
    return {
        getattr(prop.fget, "_pulumi_name", attr): attr
        for attr, prop in vars(cls).items()
        if isinstance(prop, property)
    }


@pytest.fixture(scope="module")
def sdk() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pulumi_huaweicloud 0.0.12 imports the deprecated pkg_resources
        import pulumi_huaweicloud as huaweicloud
    return huaweicloud


def test_instance_names_are_the_sdk_names(sdk: Any) -> None:
    args, state = getters(sdk.ecs.InstanceArgs), getters(sdk.ecs.instance._InstanceState)
    assert set(args) == schema.INSTANCE_INPUTS
    assert set(state) - set(args) == schema.INSTANCE_COMPUTED
    for wire, attr in {**args, **state}.items():
        assert schema.python_name(wire) == attr


@pytest.mark.parametrize(
    ("field", "cls"),
    [
        ("bandwidth", "InstanceBandwidthArgs"),
        ("dataDisks", "InstanceDataDiskArgs"),
        ("networks", "InstanceNetworkArgs"),
        ("schedulerHints", "InstanceSchedulerHintArgs"),
    ],
)
def test_nested_names_are_the_sdk_names(sdk: Any, field: str, cls: str) -> None:
    names = getters(getattr(sdk.ecs, cls))
    assert set(names) == schema.INSTANCE_NESTED[field]
    assert all(schema.python_name(wire) == attr for wire, attr in names.items())


def test_volume_attached_and_image_share_names_are_the_sdk_names(sdk: Any) -> None:
    assert set(getters(sdk.ecs.InstanceVolumeAttachedArgs)) == schema.VOLUME_ATTACHED
    assert set(getters(sdk.ims.ImageShareArgs)) == schema.IMAGE_SHARE_INPUTS
    assert set(getters(sdk.ims.image_share._ImageShareState)) == schema.IMAGE_SHARE_INPUTS


def test_type_tokens_are_the_sdk_tokens(sdk: Any) -> None:
    assert f"'{schema.INSTANCE}'" in inspect.getsource(sdk.ecs.instance)
    assert f"'{schema.IMAGE_SHARE}'" in inspect.getsource(sdk.ims.image_share)


VALID = {
    "name": "web",
    "imageId": "img",
    "flavorId": "s6.large.2",
    "networks": [{"uuid": "subnet"}],
    "dataDisks": [{"type": "SSD", "size": 100, "snapshotId": "vol"}],
}


def test_check_accepts_sdk_names() -> None:
    assert schema.check_names(schema.INSTANCE, VALID) == []


@pytest.mark.parametrize(
    ("news", "where"),
    [
        ({**VALID, "image_id": "img"}, "image_id"),  # the Python name is not a wire name
        ({**VALID, "vpcId": "vpc"}, "vpcId"),
        ({**VALID, "dataDisks": [{"type": "SSD", "size": 10, "id": "x"}]}, "dataDisks[0].id"),
        ({**VALID, "networks": [{"uuid": "s", "subnetId": "s"}]}, "networks[0].subnetId"),
        ({k: v for k, v in VALID.items() if k != "flavorId"}, "flavorId"),
    ],
)
def test_check_refuses_names_the_schema_lacks_and_missing_required(news: dict[str, Any], where: str) -> None:
    failures = schema.check_names(schema.INSTANCE, news)
    assert [name for name, _ in failures] == [where]
    assert where in failures[0][1] or "required" in failures[0][1]


def test_check_refuses_unknown_image_share_names() -> None:
    failures = schema.check_names(
        schema.IMAGE_SHARE, {"sourceImageId": "i", "targetProjectIds": ["p"], "x": 1}
    )
    assert [name for name, _ in failures] == ["x"]


def test_diff_replaces_on_force_new_inputs_only() -> None:
    changed, replaces = schema.diff(schema.INSTANCE, VALID, {**VALID, "name": "web2", "imageId": "img2"})
    assert changed == ["imageId", "name"]
    assert replaces == ["imageId"]
    changed, replaces = schema.diff(
        schema.IMAGE_SHARE,
        {"sourceImageId": "i", "targetProjectIds": ["a", "b"]},
        {"sourceImageId": "i", "targetProjectIds": ["b", "a"]},
    )
    assert (changed, replaces) == ([], [])


def test_create_body_maps_inputs_as_terraform_does() -> None:
    inputs = {
        **VALID,
        "networks": [{"uuid": "subnet-1", "fixedIpV4": "192.168.0.9"}],
        "systemDiskType": "SSD",
        "systemDiskSize": 50,
        "availabilityZone": "az1",
        "securityGroupIds": ["sg1"],
        "keyPair": "kp",
        "tags": {"b": "2", "a": "1"},
        "userData": "#!/bin/sh\necho hi\n",
        "enterpriseProjectId": "ep1",
        "chargingMode": "postPaid",
    }
    server = ecs_body.create_body(inputs, "", "vpc-1")["server"]
    assert server["imageRef"] == "img"
    assert server["flavorRef"] == "s6.large.2"
    assert server["vpcid"] == "vpc-1"
    assert server["nics"] == [{"subnet_id": "subnet-1", "ip_address": "192.168.0.9"}]
    assert server["root_volume"] == {"volumetype": "SSD", "size": 50}
    assert server["data_volumes"] == [
        {"size": 100, "volumetype": "SSD", "extendparam": {"snapshotId": "vol"}}
    ]
    assert server["security_groups"] == [{"id": "sg1"}]
    assert server["key_name"] == "kp"
    assert "adminPass" not in server
    assert server["server_tags"] == [{"key": "a", "value": "1"}, {"key": "b", "value": "2"}]
    assert server["extendparam"] == {"enterprise_project_id": "ep1"}
    assert server["user_data"] == "IyEvYmluL3NoCmVjaG8gaGkK"
    assert server["availability_zone"] == "az1"


def test_create_body_defaults_the_system_disk_type_and_keeps_base64_user_data() -> None:
    server = ecs_body.create_body({**VALID, "userData": "aGk=", "adminPass": "P@ss"}, "ep0", "vpc")["server"]
    assert server["root_volume"] == {"volumetype": "GPSSD"}
    assert server["user_data"] == "aGk="
    assert server["adminPass"] == "P@ss"
    assert server["extendparam"] == {"enterprise_project_id": "ep0"}


@pytest.mark.parametrize(
    ("method", "url", "headers", "body", "signed", "signature"),
    [
        (
            "POST",
            "https://ims.ap-southeast-1.myhuaweicloud.com/v1/cloudimages/wholeimages/action",
            {
                "Content-Type": "application/json;charset=UTF-8",
                "X-Project-Id": "0123456789abcdef0123456789abcdef",
            },
            b'{"name":"img1","backup_id":"b1","whole_image_type":"CSBS"}',
            "content-type;host;x-project-id;x-sdk-date",
            "4eca7427094bddceecbde00e5edced9f212f6329efec982c6cb1c37bdf8f1d5b",
        ),
        (
            "GET",
            "https://ims.ap-southeast-1.myhuaweicloud.com/v2/cloudimages?id=abc&__imagetype=private",
            {},
            b"",
            "host;x-sdk-date",
            "f6ad4fa5c299623d47973108cc8569adea2f8c4fe7d7ca741d7fcc821cc07630",
        ),
    ],
)
def test_signature_matches_the_reference_vectors(
    method: str, url: str, headers: dict[str, str], body: bytes, signed: str, signature: str
) -> None:
    now = datetime(2024, 1, 1, tzinfo=UTC)
    out = api.sign(method, url, headers, body, "AKEXAMPLE", "SKEXAMPLE", now)
    assert out["Authorization"] == (
        f"SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders={signed}, Signature={signature}"
    )


def test_settings_take_config_then_hw_env_fallbacks() -> None:
    env = {
        "HW_ACCESS_KEY": "ak-env",
        "HW_SECRET_KEY": "sk-env",
        "HW_REGION_NAME": "r-env",
        "HW_PROJECT_ID": "p",
    }
    settings = api.Settings.from_config({"region": "r1", "endpoints": '{"ecs": "127.0.0.1:8080"}'}, env)
    assert (settings.region, settings.access_key, settings.secret_key, settings.project_id) == (
        "r1",
        "ak-env",
        "sk-env",
        "p",
    )
    assert settings.endpoint("ecs") == "https://127.0.0.1:8080/"
    assert settings.endpoint("evs") == "https://evs.r1.myhuaweicloud.com/"
