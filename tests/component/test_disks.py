"""disks.py: every new server's disks as the image defaults them, and every rule on overrides."""

from __future__ import annotations

from typing import Any

import pytest

from hwc_full_ecs_image.api_models import Backup, Volume
from hwc_full_ecs_image.disks import (
    DiskFact,
    DiskRequest,
    ServerDisks,
    SourceDisks,
    facts_from,
    plan_server,
    plan_servers,
)
from hwc_full_ecs_image.rules import Problem

SYSTEM = DiskFact(id="sys-1", size=40, type="ESSD")
DATA = DiskFact(id="data-1", size=100, type="GPSSD2", iops=5000, throughput=200)
GONE = DiskFact(id="gone-1", size=80, type=None)
FACTS = SourceDisks(system=SYSTEM, data=(DATA,))


def request(**fields: Any) -> DiskRequest:
    return DiskRequest.model_validate({"name": "app01", **fields})


def planned(facts: SourceDisks, **fields: Any) -> ServerDisks:
    result = plan_server(0, request(**fields), facts)
    assert isinstance(result, ServerDisks), result
    return result


def problems(facts: SourceDisks, **fields: Any) -> list[tuple[str, str]]:
    result = plan_server(0, request(**fields), facts)
    assert isinstance(result, list), result
    return [(p.field, p.rule) for p in result]


def test_every_disk_as_the_original_records_it() -> None:
    disks = planned(FACTS)
    assert disks.system.model_dump() == {
        "source": "sys-1",
        "type": "ESSD",
        "size": 40,
        "iops": None,
        "throughput": None,
    }
    [data] = disks.data
    assert (data.source, data.type, data.size, data.iops, data.throughput) == (
        "data-1",
        "GPSSD2",
        100,
        5000,
        200,
    )
    assert disks.lines() == [
        "system disk from sys-1: 40 GB ESSD",
        "data disk from data-1: 100 GB GPSSD2, iops 5000, throughput 200 MiB/s",
    ]


def test_a_deleted_original_names_the_disk_and_what_to_set() -> None:
    facts = SourceDisks(system=SYSTEM, data=(GONE,))
    [(field, rule)] = problems(facts)
    assert field == 'servers[0].data_disks["gone-1"]'
    assert "no longer exists in EVS" in rule
    assert 'set servers[0].data_disks["gone-1"].type' in rule
    fixed = planned(facts, data_disks={"gone-1": {"type": "SSD"}})
    assert [(d.type, d.size) for d in fixed.data] == [("SSD", 80)]


def test_a_deleted_original_set_to_gpssd2_needs_iops_and_throughput() -> None:
    facts = SourceDisks(system=SYSTEM, data=(GONE,))
    found = problems(facts, data_disks={"gone-1": {"type": "GPSSD2"}})
    assert [f for f, _ in found] == [
        'servers[0].data_disks["gone-1"].iops',
        'servers[0].data_disks["gone-1"].throughput',
    ]
    ok = planned(facts, data_disks={"gone-1": {"type": "GPSSD2", "iops": 3000, "throughput": 125}})
    assert (ok.data[0].iops, ok.data[0].throughput) == (3000, 125)


@pytest.mark.parametrize(
    ("fields", "path", "words"),
    [
        (
            {"data_disks": {"data-1": {"size": 50}}},
            'servers[0].data_disks["data-1"].size',
            "at least the original size 100",
        ),
        (
            {"data_disks": {"nope": {"size": 500}}},
            'servers[0].data_disks["nope"]',
            "is not an original data disk",
        ),
        ({"system_disk_size": 20}, "servers[0].system_disk_size", "at least the original size 40"),
        ({"data_disks": {"data-1": {"type": "SSD"}}}, None, None),  # iops/throughput not carried to SSD
        (
            {"data_disks": {"data-1": {"type": "SSD", "iops": 3000}}},
            'servers[0].data_disks["data-1"].iops',
            "applies only to GPSSD2 and ESSD2",
        ),
        (
            {"data_disks": {"data-1": {"iops": 1}}},
            'servers[0].data_disks["data-1"].iops',
            "must be 3000-128000",
        ),
        (
            {"data_disks": {"data-1": {"throughput": 5000}}},
            'servers[0].data_disks["data-1"].throughput',
            "must be 125-1000",
        ),
        ({"system_disk_type": "ESSD2"}, "servers[0].system_disk_iops", "is required for ESSD2 disks"),
        (
            {"system_disk_throughput": 200},
            "servers[0].system_disk_throughput",
            "applies only to GPSSD2 disks",
        ),
    ],
    ids=[
        "shrink",
        "unknown-disk",
        "small-system",
        "retype",
        "iops-on-ssd",
        "iops-range",
        "throughput-range",
        "essd2-no-iops",
        "throughput-on-essd",
    ],
)
def test_override_rules(fields: dict[str, Any], path: str | None, words: str | None) -> None:
    if path is None:
        [data] = planned(FACTS, **fields).data
        assert (data.type, data.iops, data.throughput) == ("SSD", None, None)
        return
    found = problems(FACTS, **fields)
    assert [f for f, _ in found] == [path]
    assert str(words) in found[0][1]


def test_overrides_grow_and_reprovision() -> None:
    disks = planned(
        FACTS,
        system_disk_size=60,
        system_disk_type="GPSSD2",
        system_disk_iops=4000,
        system_disk_throughput=150,
        data_disks={"data-1": {"size": 200, "iops": 6000}},
    )
    assert (disks.system.type, disks.system.size, disks.system.iops, disks.system.throughput) == (
        "GPSSD2",
        60,
        4000,
        150,
    )
    assert (disks.data[0].size, disks.data[0].iops, disks.data[0].throughput) == (200, 6000, 200)


def test_every_server_is_planned_and_every_problem_named() -> None:
    requests = [request(), DiskRequest(name="bad", system_disk_size=10)]
    planned_by_name, found = plan_servers(requests, FACTS)
    assert list(planned_by_name) == ["app01"]
    assert found == [Problem("servers[1].system_disk_size", found[0].rule)]


def test_no_system_disk_is_a_problem_of_the_server() -> None:
    [(field, rule)] = problems(SourceDisks(system=None, data=(DATA,)))
    assert field == "servers[0]"
    assert "system disk is not known" in rule


def test_facts_come_from_the_backup_and_evs() -> None:
    backup = Backup.model_validate(
        {
            "id": "c1",
            "status": "available",
            "volume_backups": [
                {"source_volume_id": "sys-1", "source_volume_size": 40, "bootable": True},
                {"source_volume_id": "data-1", "source_volume_size": 100, "bootable": False},
                {"source_volume_id": "gone-1", "source_volume_size": 80, "bootable": False},
            ],
        }
    )
    volumes = {
        "sys-1": Volume.model_validate(
            {"id": "sys-1", "size": 40, "volume_type": "ESSD", "status": "in-use"}
        ),
        "data-1": Volume.model_validate(
            {
                "id": "data-1",
                "size": 100,
                "volume_type": "GPSSD2",
                "status": "in-use",
                "iops": {"id": "x", "frozened": False, "total_val": 5000},
                "throughput": {"id": "y", "frozened": False, "total_val": 200},
            }
        ),
        "gone-1": None,
    }
    assert facts_from(backup, volumes) == SourceDisks(system=SYSTEM, data=(DATA, GONE))
