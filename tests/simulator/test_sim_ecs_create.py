"""ECS server creation from full-ECS images (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html)
through the official EcsClient."""

from __future__ import annotations

from typing import Any

import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkecs.v2 import (
    CreatePostPaidServersRequest,
    CreatePostPaidServersRequestBody,
    CreateServersRequest,
    CreateServersRequestBody,
    PostPaidServer,
    PostPaidServerDataVolume,
    PostPaidServerDataVolumeExtendParam,
    PostPaidServerExtendParam,
    PostPaidServerNic,
    PostPaidServerRootVolume,
    PostPaidServerSecurityGroup,
    PostPaidServerTag,
    PrePaidServer,
    PrePaidServerExtendParam,
    PrePaidServerNic,
    PrePaidServerRootVolume,
    ShowJobRequest,
    ShowServerRequest,
)
from sim_helpers import SEEDED_SERVERS, ecs_client, make_image, raw_server, sdk_error, signed_request

from simulator import seed
from simulator.testing import RunningSimulator

ORIGINAL_DATA = seed.VOLUME_WEB01_DATA  # IMAGE_EXISTING's one data disk: 100 GB SSD


def data_volume(size: int, kind: str = "SSD", snapshot_id: str | None = None) -> PostPaidServerDataVolume:
    extend = PostPaidServerDataVolumeExtendParam(snapshot_id=snapshot_id) if snapshot_id else None
    return PostPaidServerDataVolume(volumetype=kind, size=size, extendparam=extend)


def server(**fields: Any) -> PostPaidServer:
    values: dict[str, Any] = {
        "image_ref": seed.IMAGE_EXISTING,
        "flavor_ref": "s6.large.2",
        "name": "web01-clone",
        "vpcid": "vpc-0001",
        "nics": [PostPaidServerNic(subnet_id="subnet-0001")],
        "root_volume": PostPaidServerRootVolume(volumetype="SSD"),
    }
    values.update(fields)
    return PostPaidServer(**values)


def create(sim: RunningSimulator, **fields: Any) -> Any:
    body = CreatePostPaidServersRequestBody(server=server(**fields))
    return ecs_client(sim).create_post_paid_servers(CreatePostPaidServersRequest(body=body))


def create_error(sim: RunningSimulator, **fields: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientRequestException) as err:
        create(sim, **fields)
    return sdk_error(err.value)


def show(sim: RunningSimulator, server_id: str) -> Any:
    return ecs_client(sim).show_server(ShowServerRequest(server_id=server_id)).server


def disks(sim: RunningSimulator, server_id: str) -> list[tuple[int, str, bool, str]]:
    """(size, type, multiattach, bootIndex) of a server's volumes, system disk first."""
    volumes = {v["id"]: v for v in sim.control.volumes()}
    result = []
    for attached in show(sim, server_id).os_extended_volumesvolumes_attached:
        volume = volumes[attached.id]
        assert [a["server_id"] for a in volume["attachments"]] == [server_id]
        result.append((volume["size"], volume["volume_type"], volume["multiattach"], attached.boot_index))
    return result


def test_create_returns_a_job_whose_sub_job_names_the_new_server(sim: RunningSimulator) -> None:
    created = create(sim)
    job = ecs_client(sim).show_job(ShowJobRequest(job_id=created.job_id))

    assert len(created.server_ids) == 1
    assert (job.job_type, job.status) == ("createServer", "SUCCESS")
    assert [s.entities.server_id for s in job.entities.sub_jobs] == created.server_ids
    assert sim.control.calls() == {"ecs.create_servers": 1, "ecs.show_job": 1}
    assert sim.control.mutating_calls() == {"ecs.create_servers": 1}


def test_new_server_shows_image_flavor_address_metadata_and_tags(sim: RunningSimulator) -> None:
    created = create(
        sim,
        nics=[PostPaidServerNic(subnet_id="subnet-0001", ip_address="192.168.0.77")],
        metadata={"owner": "ops"},
        server_tags=[PostPaidServerTag(key="env", value="test")],
        security_groups=[PostPaidServerSecurityGroup(id="sg-0001")],
        key_name="kp-1",
        # PostPaidServerExtendParam types chargingMode as an int (0 = pay-per-use).
        extendparam=PostPaidServerExtendParam(charging_mode=0, enterprise_project_id="0"),
    )
    found = show(sim, created.server_ids[0])

    assert (found.name, found.status, found.image.id) == ("web01-clone", "ACTIVE", seed.IMAGE_EXISTING)
    assert (found.flavor.id, found.flavor.vcpus, found.flavor.ram) == ("s6.large.2", "2", "4096")
    assert [(a.addr, a.os_ext_ip_stype) for a in found.addresses["vpc-0001"]] == [("192.168.0.77", "fixed")]
    assert (found.metadata, found.tags, found.key_name) == ({"owner": "ops"}, ["env=test"], "kp-1")
    assert [g.id for g in found.security_groups] == ["sg-0001"]


def test_each_nic_gets_a_distinct_private_ip(sim: RunningSimulator) -> None:
    nics = [PostPaidServerNic(subnet_id="subnet-0001"), PostPaidServerNic(subnet_id="subnet-0002")]
    first = show(sim, create(sim, nics=nics).server_ids[0])
    second = show(sim, create(sim, nics=nics[:1]).server_ids[0])

    ips = [a.addr for a in first.addresses["vpc-0001"]] + [a.addr for a in second.addresses["vpc-0001"]]
    assert len(set(ips)) == 3
    assert all(ip.startswith("192.168.0.") for ip in ips)


def test_a_fixed_ip_already_in_use_is_refused(sim: RunningSimulator) -> None:
    nics = [PostPaidServerNic(subnet_id="subnet-0001", ip_address="192.168.0.50")]
    create(sim, nics=nics)
    assert create_error(sim, nics=nics) == (
        400,
        "Ecs.0005",
        "Invalid parameter: IP address 192.168.0.50 is already in use",
    )


def test_server_gets_new_system_disk_and_one_disk_per_original_data_disk(sim: RunningSimulator) -> None:
    server_id = create(sim).server_ids[0]
    assert disks(sim, server_id) == [(40, "SSD", False, "0"), (100, "SSD", False, "-1")]
    assert ORIGINAL_DATA not in [v.id for v in show(sim, server_id).os_extended_volumesvolumes_attached]


def test_root_size_must_be_at_least_min_disk(sim: RunningSimulator) -> None:
    bigger = create(sim, root_volume=PostPaidServerRootVolume(volumetype="GPSSD", size=60)).server_ids[0]
    assert disks(sim, bigger)[0] == (60, "GPSSD", False, "0")
    assert create_error(sim, root_volume=PostPaidServerRootVolume(volumetype="SSD", size=20)) == (
        400,
        "Ecs.0005",
        "Invalid parameter: root_volume.size 20 GB is smaller than the image's min_disk (40 GB)",
    )


@pytest.mark.parametrize(
    "snapshot_id", [ORIGINAL_DATA, "50000000-0000-4000-8000-000000000000"], ids=["disk-id", "snapshot-id"]
)
def test_data_volume_naming_an_original_disk_sets_its_size_and_type(
    sim: RunningSimulator, snapshot_id: str
) -> None:
    image = next(i for i in sim.control.images() if i["id"] == seed.IMAGE_EXISTING)
    if snapshot_id != ORIGINAL_DATA:
        snapshot_id = image["_sim_data_disks"][0]["snapshot_id"]
    server_id = create(sim, data_volumes=[data_volume(150, "ESSD", snapshot_id), data_volume(20)]).server_ids[
        0
    ]

    assert disks(sim, server_id) == [
        (40, "SSD", False, "0"),
        (150, "ESSD", False, "-1"),  # the restored original, resized and retyped
        (20, "SSD", False, "-1"),  # a new empty disk
    ]


def test_restored_disk_smaller_than_the_original_is_refused(sim: RunningSimulator) -> None:
    status, code, message = create_error(sim, data_volumes=[data_volume(50, "SSD", ORIGINAL_DATA)])
    assert (status, code) == (400, "Ecs.0005")
    assert "is smaller than the original disk (100 GB)" in message


def test_snapshot_id_that_is_not_a_disk_of_the_image_is_ecs_0046(sim: RunningSimulator) -> None:
    status, code, message = create_error(sim, data_volumes=[data_volume(100, "SSD", seed.VOLUME_DB01_DATA)])
    assert (status, code) == (400, "Ecs.0046")
    assert f"neither a data disk nor a snapshot of image {seed.IMAGE_EXISTING}" in message


def test_image_with_two_data_disks_restores_both_with_their_types(sim: RunningSimulator) -> None:
    image_id = make_image(sim, seed.BACKUP_TWO_DATA_DISKS)
    server_id = create(sim, image_ref=image_id).server_ids[0]
    assert disks(sim, server_id) == [
        (40, "SSD", False, "0"),
        (100, "SSD", False, "-1"),
        (50, "SAS", False, "-1"),
    ]


def test_unknown_image_is_ecs_0031(sim: RunningSimulator) -> None:
    assert create_error(sim, image_ref="nope") == (400, "Ecs.0031", "The image nope does not exist.")


def test_image_still_being_made_is_ecs_0032(sim: RunningSimulator) -> None:
    sim.control.set_job_seconds(3600)
    body = {"name": "img", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "CSBS"}
    signed_request(sim, "POST", "/v1/cloudimages/wholeimages/action", body=body)
    image_id = next(i["id"] for i in sim.control.images() if i["__backup_id"] == seed.BACKUP_AVAILABLE)
    assert create_error(sim, image_ref=image_id)[:2] == (400, "Ecs.0032")


def test_image_whose_backup_is_not_available_is_ecs_0048(sim: RunningSimulator) -> None:
    sim.control.set_backup_status(seed.BACKUP_USED, "error")
    assert create_error(sim) == (
        400,
        "Ecs.0048",
        f"The full-ECS image {seed.IMAGE_EXISTING} cannot be used: its backup {seed.BACKUP_USED} is error, "
        "not available.",
    )


def test_image_whose_backup_was_deleted_is_ecs_0034(sim: RunningSimulator) -> None:
    image_id = make_image(sim, seed.BACKUP_AVAILABLE)
    state = sim.app.state
    with sim.app.lock:
        del state.backups[seed.BACKUP_AVAILABLE]
    assert create_error(sim, image_ref=image_id)[:2] == (400, "Ecs.0034")


def test_count_makes_numbered_servers(sim: RunningSimulator) -> None:
    created = create(sim, count=2)
    names = [show(sim, s).name for s in created.server_ids]
    assert names == ["web01-clone-0001", "web01-clone-0002"]
    assert len(sim.control.servers()) == SEEDED_SERVERS + 2


def test_prepaid_servers_are_created_through_v1_1_with_an_order(sim: RunningSimulator) -> None:
    prepaid = PrePaidServer(
        image_ref=seed.IMAGE_EXISTING,
        flavor_ref="c7.xlarge.2",
        name="yearly",
        vpcid="vpc-0001",
        nics=[PrePaidServerNic(subnet_id="subnet-0001")],
        root_volume=PrePaidServerRootVolume(volumetype="SSD", size=40),
        extendparam=PrePaidServerExtendParam(
            charging_mode="prePaid", period_type="month", period_num=1, is_auto_pay="true"
        ),
    )
    body = CreateServersRequestBody(server=prepaid)
    created = ecs_client(sim).create_servers(CreateServersRequest(body=body))

    assert created.order_id
    assert (show(sim, created.server_ids[0]).flavor.vcpus, sim.control.calls()["ecs.create_servers"]) == (
        "4",
        1,
    )


def test_prepaid_through_v1_is_refused(sim: RunningSimulator) -> None:
    body = {"server": {**raw_server(), "extendparam": {"chargingMode": "prePaid"}}}
    response = signed_request(sim, "POST", f"/v1/{sim.project_id}/cloudservers", body=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "Ecs.0005"


def test_null_optional_fields_are_accepted(sim: RunningSimulator) -> None:
    body = {
        "server": raw_server(
            count=None,
            data_volumes=None,
            metadata=None,
            root_volume={"volumetype": "SSD", "size": None, "extendparam": None},
            extendparam={"chargingMode": 0, "enterprise_project_id": None},
        ),
        "dry_run": None,
    }
    response = signed_request(sim, "POST", f"/v1/{sim.project_id}/cloudservers", body=body)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"job_id", "serverIds"}


def test_dry_run_checks_and_creates_nothing(sim: RunningSimulator) -> None:
    path = f"/v1/{sim.project_id}/cloudservers"
    valid = signed_request(sim, "POST", path, body={"server": raw_server(), "dry_run": True})
    invalid = signed_request(sim, "POST", path, body={"server": raw_server(imageRef="nope"), "dry_run": True})

    assert (valid.status_code, valid.content) == (202, b"")
    assert invalid.json()["error"]["code"] == "Ecs.0031"
    assert len(sim.control.servers()) == SEEDED_SERVERS


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"colour": "red"}, "unknown field(s) in 'server': ['colour']"),
        ({"name": ""}, "'server.name' is required"),
        ({"name": "bad name!"}, "'server.name' must be 1-64 letters"),
        ({"flavorRef": "huge"}, "flavorRef 'huge' is not a flavor of this region"),
        ({"vpcid": None}, "'server.vpcid' is required"),
        ({"nics": []}, "'server.nics' must list 1 to 12 NICs"),
        ({"nics": [{"subnet_id": "s", "ip_address": "300.1.1.1"}]}, "is not an IPv4 address"),
        ({"root_volume": {"volumetype": "FAST"}}, "'server.root_volume.volumetype' must be one of"),
        ({"root_volume": {"volumetype": "GPSSD2"}}, "'server.root_volume.iops' is required"),
        ({"data_volumes": [{"volumetype": "SSD", "size": 5}]}, "must be from 10 to 32768 GB, got 5"),
        ({"count": 0}, "'server.count' must be from 1 to 500, got 0"),
        ({"adminPass": "Secret-1", "key_name": "kp"}, "either 'server.adminPass' or 'server.key_name'"),
        ({"user_data": "not base64!"}, "'server.user_data' must be base64-encoded"),
        ({"description": "<b>"}, "'server.description' must be at most 85 characters"),
        ({"metadata": {"a": 1}}, "'server.metadata' must map strings to strings"),
        ({"server_tags": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}, "must not repeat a key"),
        ({"extendparam": {"chargingMode": "free"}}, "chargingMode' must be postPaid or prePaid"),
    ],
)
def test_malformed_servers_are_ecs_0005(sim: RunningSimulator, fields: dict[str, Any], message: str) -> None:
    body = {"server": raw_server(**fields)}
    response = signed_request(sim, "POST", f"/v1/{sim.project_id}/cloudservers", body=body)
    error = response.json()["error"]
    assert (response.status_code, error["code"]) == (400, "Ecs.0005")
    assert message in error["message"]
    assert len(sim.control.servers()) == SEEDED_SERVERS


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "'server' must be an object"),
        ({"server": raw_server(), "extra": 1}, "unknown field(s) in 'body': ['extra']"),
        ({"server": "x"}, "'server' must be an object"),
        ([], "the request body must be a JSON object"),
    ],
)
def test_malformed_bodies_are_ecs_0005(sim: RunningSimulator, body: Any, message: str) -> None:
    response = signed_request(sim, "POST", f"/v1/{sim.project_id}/cloudservers", body=body)
    assert response.json()["error"]["code"] == "Ecs.0005"
    assert message in response.json()["error"]["message"]


def test_availability_zone_must_belong_to_the_region(sim: RunningSimulator) -> None:
    server_id = create(sim, availability_zone=f"{sim.region}b").server_ids[0]
    assert show(sim, server_id).os_ext_a_zavailability_zone == f"{sim.region}b"
    assert create_error(sim, availability_zone="eu-west-0a") == (
        400,
        "Ecs.0005",
        f"Invalid parameter: availability_zone 'eu-west-0a' is not a zone of region {sim.region}",
    )


def test_flavor_memory_must_fit_the_image_ram_limits(sim: RunningSimulator) -> None:
    body = {"name": "img", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "CSBS", "min_ram": 8192}
    signed_request(sim, "POST", "/v1/cloudimages/wholeimages/action", body=body)
    image_id = next(i["id"] for i in sim.control.images() if i["__backup_id"] == seed.BACKUP_AVAILABLE)

    assert create_error(sim, image_ref=image_id, flavor_ref="s6.large.2")[:2] == (400, "Ecs.0005")
    assert create(sim, image_ref=image_id, flavor_ref="s6.large.4").server_ids
