"""After the image, with the real CLI, the simulator and the STAND-IN huaweicloud plugin: new ECSs that
get the image's disks, a change of backup that replaces image and servers (servers deleted first),
destroy that leaves nothing of ours, and sharing (CBR images only)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi import automation as auto

from simulator.seed import BACKUP_AVAILABLE, BACKUP_TWO_DATA_DISKS, BACKUP_USED, CBR_BACKUP, IMAGE_EXISTING

from .conftest import EngineStack
from .test_engine import made_images, only_made_image, planned

pytestmark = pytest.mark.engine

SUBNET = "d0000000-0000-4000-8000-000000000001"
PROJECTS = ["0123456789abcdef0123456789abcd01", "0123456789abcdef0123456789abcd02"]
NEVER = ("ecs.change_os", "ecs.reinstall_os", "ecs.batch_start_servers", "ecs.batch_stop_servers",
         "ecs.batch_reboot_servers")  # fmt: skip


def two_servers(override_disk: str | None = None) -> list[dict[str, Any]]:
    base = {"flavor_id": "s6.large.2", "networks": [{"uuid": SUBNET}], "availability_zone": "ap-southeast-1a"}
    second: dict[str, Any] = {**base, "name": "clone2", "system_disk_size": 60}
    if override_disk:
        second["data_disks"] = {override_disk: {"type": "ESSD", "size": 300}}
    return [{**base, "name": "clone1"}, second]


def our_servers(engine: EngineStack) -> list[dict[str, Any]]:
    return [s for s in engine.sim.control.servers() if s["name"] in ("clone1", "clone2")]


def disks_of(engine: EngineStack, server: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(system disk, data disks) of a server as the simulator holds them."""
    volumes = {v["id"]: v for v in engine.sim.control.volumes()}
    attached = server["os-extended-volumes:volumes_attached"]
    [system] = [volumes[a["id"]] for a in attached if a["bootIndex"] == "0"]
    return system, [volumes[a["id"]] for a in attached if a["bootIndex"] != "0"]


def test_servers_get_the_images_disks_and_nothing_touches_an_existing_ecs(engine: EngineStack) -> None:
    engine.set("backupId", BACKUP_TWO_DATA_DISKS)
    engine.stack.up()  # the image alone first, to learn its original disks
    original = engine.outputs()["data_disks"]
    engine.set_object("servers", two_servers(override_disk=original[0]["id"]))
    engine.sim.control.clear_calls()

    engine.stack.up()

    image = only_made_image(engine)
    servers = {s["name"]: s for s in our_servers(engine)}
    assert set(servers) == {"clone1", "clone2"}
    assert all(s["image"]["id"] == image["id"] for s in servers.values())
    system, data = disks_of(engine, servers["clone1"])
    assert system["size"] == image["min_disk"]
    assert sorted((d["size"], d["volume_type"]) for d in data) == sorted(
        (d["size"], d["type"]) for d in original
    )
    system, data = disks_of(engine, servers["clone2"])
    assert system["size"] == 60
    expected = [(300, "ESSD"), *((d["size"], d["type"]) for d in original[1:])]
    assert sorted((d["size"], d["volume_type"]) for d in data) == sorted(expected)
    outputs = engine.outputs()
    assert outputs["server_ids"] == [servers["clone1"]["id"], servers["clone2"]["id"]]
    assert all(ip for ip in outputs["server_private_ips"])
    assert not [name for name in NEVER if name in engine.sim.control.calls()]


def test_servers_wait_for_the_active_image(engine: EngineStack) -> None:
    engine.sim.control.set_job_seconds(3)  # the image stays queued/saving for a while
    engine.set_object("servers", two_servers())

    engine.stack.up()

    # The simulator refuses a server from an image that is not active (Ecs.0032): two servers exist.
    assert len(our_servers(engine)) == 2
    assert engine.sim.control.calls()["ecs.create_servers"] == 2


def test_another_backup_replaces_image_and_servers_deleting_the_servers_first(engine: EngineStack) -> None:
    engine.set_object("servers", two_servers())
    engine.stack.up()
    old_image = only_made_image(engine)["id"]
    old_servers = {s["id"] for s in our_servers(engine)}

    events: list[auto.EngineEvent] = []
    engine.set("backupId", BACKUP_TWO_DATA_DISKS)
    engine.stack.up(on_event=events.append)

    new_servers = {s["id"] for s in our_servers(engine)}
    assert len(new_servers) == 2
    assert not new_servers & old_servers
    assert only_made_image(engine)["id"] != old_image
    deletions = [
        e.resource_pre_event.metadata.type
        for e in events
        if e.resource_pre_event
        and e.resource_pre_event.metadata.op in (auto.OpType.DELETE_REPLACED, auto.OpType.DELETE)
    ]
    assert deletions.index("hwc:ims:WholeImage") > max(
        i for i, t in enumerate(deletions) if t == "huaweicloud:Ecs/instance:Instance"
    )


def test_destroy_leaves_no_server_volume_or_image_of_ours(engine: EngineStack) -> None:
    volumes_before = {v["id"] for v in engine.sim.control.volumes()}
    engine.set_object("servers", two_servers())
    engine.stack.up()
    assert len(our_servers(engine)) == 2

    engine.stack.destroy()

    assert our_servers(engine) == []
    assert made_images(engine) == []
    assert {v["id"] for v in engine.sim.control.volumes()} == volumes_before


def test_a_cbr_image_is_shared_with_two_projects_and_destroy_unshares_it(engine: EngineStack) -> None:
    engine.set("source", "cbr")
    engine.set("backupId", CBR_BACKUP)
    engine.set_object("shareWithProjectIds", PROJECTS)

    engine.stack.up()

    image = only_made_image(engine)
    assert sorted(m["member_id"] for m in engine.sim.control.image_members(image["id"])) == PROJECTS
    engine.sim.control.clear_calls()
    engine.stack.destroy()
    assert engine.sim.control.mutating_calls().get("ims.unshare_image") == 1  # the share, removed first
    assert made_images(engine) == []


def test_sharing_a_csbs_image_fails_preview_with_the_cbr_explanation(engine: EngineStack) -> None:
    engine.set("backupId", BACKUP_AVAILABLE)
    engine.set_object("shareWithProjectIds", PROJECTS)

    result = engine.cli("preview", check=False)

    assert result.returncode != 0
    assert "only full-ECS images made from CBR backups can be shared" in result.stdout + result.stderr
    assert "migrate the CSBS backup to CBR first" in result.stdout + result.stderr
    assert engine.sim.control.mutating_calls() == {}


def test_an_in_place_image_change_previews_no_server_replacement(engine: EngineStack) -> None:
    engine.set_object("servers", two_servers())
    engine.stack.up()
    engine.set("description", "changed in place")

    preview = engine.stack.preview()

    assert planned(preview) == {"update": 1, "same": 5}  # the image only; servers untouched
    engine.stack.up()
    assert engine.cli("preview", "--expect-no-changes", check=False).returncode == 0


def test_after_adopting_an_image_a_preview_shows_no_change(engine: EngineStack) -> None:
    engine.set("backupId", BACKUP_USED)
    engine.set("adoptImageId", IMAGE_EXISTING)
    engine.set_object("servers", two_servers())
    engine.stack.up()  # the adopted image records no job_id

    result = engine.cli("preview", "--expect-no-changes", check=False)

    assert result.returncode == 0, result.stdout + result.stderr
