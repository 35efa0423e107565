"""Servers and shares as the real cloud needs them, with the real CLI, the simulator and the STAND-IN
huaweicloud plugin: every disk rule at preview (no write when one breaks), disks restored with their
type and provisioned iops/throughput, the share accepted in a second project and an ECS made there in
the same `up`, and an `up` that changes nothing printing no progress lines."""

from __future__ import annotations

import re
from typing import Any

import pytest

from simulator.seed import BACKUP_TWO_DATA_DISKS, CBR_BACKUP, VOLUME_WEB01_DATA

from .conftest import EngineStack
from .test_engine import made_images, only_made_image
from .test_servers import disks_of, two_servers

pytestmark = pytest.mark.engine

BACKUP_DATA_DISK_GONE = "c0000000-0000-4000-8000-000000000009"
BACKUP_GPSSD2 = "c0000000-0000-4000-8000-00000000000a"
CBR_BACKUP_GPSSD2 = "e0000000-0000-4000-8000-000000000005"
UNKNOWN_DISK = "f0000000-0000-4000-8000-00000000dead"
PROGRESS = re.compile(r"job (INIT|RUNNING|SUCCESS)|image active|image (queued|saving)")


def one_server(**extra: Any) -> list[dict[str, Any]]:
    [first, _] = two_servers()
    return [{**first, **extra}]


def failed_preview(engine: EngineStack) -> str:
    result = engine.cli("preview", check=False)
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr


def provisioned(volume: dict[str, Any], key: str) -> int | None:
    """A volume's iops/throughput as EVS shows it (`{"total_val": n}`), or None."""
    value = volume.get(key)
    return value.get("total_val") if isinstance(value, dict) else value


def test_a_data_disk_whose_original_is_gone_fails_preview_naming_it(engine: EngineStack) -> None:
    engine.set("backupId", BACKUP_DATA_DISK_GONE)
    engine.set_object("servers", one_server())

    output = failed_preview(engine)

    match = re.search(r'servers\[0\]\.data_disks\["([0-9a-f-]{36})"\]', output)
    assert match, output
    assert "no longer exists in EVS" in output
    assert f'set servers[0].data_disks["{match.group(1)}"].type' in output
    assert engine.sim.control.mutating_calls() == {}
    # Said as asked: the server is created with that type and the original size (80 GB).
    engine.set_object("servers", one_server(data_disks={match.group(1): {"type": "SAS"}}))
    engine.stack.up()
    [server] = [s for s in engine.sim.control.servers() if s["name"] == "clone1"]
    _, [data] = disks_of(engine, server)
    assert (data["volume_type"], data["size"]) == ("SAS", 80)


@pytest.mark.parametrize(("backup_id", "source"), [(BACKUP_GPSSD2, "csbs"), (CBR_BACKUP_GPSSD2, "cbr")])
def test_essd_system_and_gpssd2_data_disks_come_back_as_they_were(
    engine: EngineStack, backup_id: str, source: str
) -> None:
    engine.set("backupId", backup_id)
    engine.set("source", source)
    engine.set_object("servers", one_server())

    preview = engine.stack.preview()
    assert re.search(r"new server 'clone1' gets system disk from \S+: \d+ GB ESSD", preview.stdout)
    assert re.search(r"data disk from \S+: \d+ GB GPSSD2, iops 5000, throughput 200 MiB/s", preview.stdout)
    engine.stack.up()

    [server] = [s for s in engine.sim.control.servers() if s["name"] == "clone1"]
    system, [data] = disks_of(engine, server)
    assert system["volume_type"] == "ESSD"
    assert (data["volume_type"], provisioned(data, "iops"), provisioned(data, "throughput")) == (
        "GPSSD2",
        5000,
        200,
    )


@pytest.mark.parametrize(
    ("server", "words"),
    [
        (
            {"data_disks": {VOLUME_WEB01_DATA: {"size": 50}}},
            ".size: must be at least the original size 100 GB",
        ),
        (
            {"data_disks": {UNKNOWN_DISK: {"size": 500}}},
            f'data_disks["{UNKNOWN_DISK}"]: is not an original data',
        ),
        ({"system_disk_size": 10}, "servers[0].system_disk_size: must be at least the original size"),
        ({"data_disks": {VOLUME_WEB01_DATA: {"type": "GPSSD2"}}}, ".iops: is required for GPSSD2 disks"),
    ],
    ids=["shrink", "unknown-disk", "small-system-disk", "gpssd2-without-iops"],
)
def test_a_broken_disk_rule_fails_preview_and_up_without_a_write(
    engine: EngineStack, server: dict[str, Any], words: str
) -> None:
    engine.set("backupId", BACKUP_TWO_DATA_DISKS)
    engine.set_object("servers", one_server(**server))

    output = failed_preview(engine)
    assert words in output, output
    up = engine.cli("up", "--yes", check=False)
    assert up.returncode != 0
    assert words in up.stdout + up.stderr
    assert engine.sim.control.mutating_calls() == {}


@pytest.mark.parametrize("as_outputs", [False, True], ids=["plain", "outputs"])
def test_two_images_on_one_backup_fail_preview_without_a_write(engine: EngineStack, as_outputs: bool) -> None:
    engine.set("secondImageOnSameBackup", "true")
    engine.set("asOutputs", "true" if as_outputs else "false")

    output = failed_preview(engine)

    assert "backup_id" in output, output
    assert "a backup can be used to create only one full-ECS image" in output
    assert engine.sim.control.mutating_calls() == {}


def test_an_up_that_changes_nothing_prints_no_progress_lines(engine: EngineStack) -> None:
    engine.sim.control.set_job_seconds(1)
    first = engine.stack.up()
    assert PROGRESS.search(first.stdout), first.stdout  # the up that made the image shows its progress

    second = engine.stack.up()

    assert not PROGRESS.search(second.stdout), second.stdout
    changes = dict(second.summary.resource_changes or {})
    assert set(changes) == {"same"}, changes


def test_a_cbr_image_is_accepted_in_a_second_project_and_an_ecs_made_there(engine: EngineStack) -> None:
    sim = engine.sim
    other = sim.second_project
    engine.set("source", "cbr")
    engine.set("backupId", CBR_BACKUP)
    engine.set_object("shareWithProjectIds", [other.project_id])
    engine.set_object("shareAcceptors", [{"projectId": other.project_id, "vaultId": other.vault_id}])
    engine.cli(
        "config",
        "set",
        "--secret",
        "--path",
        f"shareAcceptorKeys.{other.project_id}.accessKey",
        other.access_key,
    )
    engine.cli(
        "config",
        "set",
        "--secret",
        "--path",
        f"shareAcceptorKeys.{other.project_id}.secretKey",
        other.secret_key,
    )
    engine.set_object("servers", one_server(name="there", project=other.project_id))

    engine.stack.up()

    image = only_made_image(engine)
    assert engine.outputs()["share_status"] == {other.project_id: "accepted"}
    listed = sim.control.images(project_id=other.project_id)
    assert image["id"] in [i["id"] for i in listed]
    [there] = [s for s in sim.control.servers(project_id=other.project_id) if s["name"] == "there"]
    assert there["image"]["id"] == image["id"]
    assert engine.cli("preview", "--expect-no-changes", check=False).returncode == 0

    engine.stack.destroy()

    assert made_images(engine) == []
    assert [s for s in sim.control.servers(project_id=other.project_id) if s["name"] == "there"] == []
    assert image["id"] not in [i["id"] for i in sim.control.images(project_id=other.project_id)]
