"""The component's wiring under Pulumi mocks: the dynamic resource is backed by the real provider
against the simulator, so the program-side wait for `active` runs for real."""

from __future__ import annotations

import runpy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

from hwc_full_ecs_image import FullEcsImage, FullEcsImageArgs, ServerSpec
from hwc_full_ecs_image.component import TYPE_TOKEN, timeout_minutes
from hwc_full_ecs_image.errors import InputValidationError
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.rules import MARKER_TAG_KEY
from hwc_full_ecs_image.servers import planned_disks, server_marker
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import sim_config

_PULUMI_TEST: Callable[..., Any] = pulumi.runtime.test  # untyped in the SDK


def run(program: Callable[[], pulumi.Output[Any]]) -> None:
    """Runs a mock program and awaits the Output it returns (pulumi.runtime.test)."""
    _PULUMI_TEST(program)()


DYNAMIC_TYPE = "hwc:ims:WholeImage"
PROVIDER_TYPE = "pulumi:providers:hwc"
ECS_TYPE = "huaweicloud:Ecs/instance:Instance"
SUBNET = "d0000000-0000-4000-8000-000000000001"


class CloudBackedMocks(pulumi.runtime.Mocks):
    """Records every registration; the image resource is created by the real provider in the simulator."""

    def __init__(self, provider: FullEcsImageProvider | None) -> None:
        self.provider = provider
        self.registered: list[pulumi.runtime.MockResourceArgs] = []
        self.created_status: str | None = None  # the image status create() returned

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args)
        if args.typ == DYNAMIC_TYPE:
            inputs = {k: v for k, v in args.inputs.items() if k != "__provider"}
            if self.provider is None:  # preview: what the engine shows before create()
                return None, inputs
            checked = self.provider.check({}, inputs)
            assert checked.failures == []
            result = self.provider.create(checked.inputs)
            self.created_status = str((result.outs or {}).get("status"))
            return result.id, dict(result.outs or {})
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture
def program_config(sim: RunningSimulator) -> Iterator[None]:
    """The stack config the program reads (pulumi.Config("huaweicloud")), pointing at the simulator."""
    for key, value in sim_config(sim).items():
        pulumi.runtime.set_config(key, value)
    yield
    pulumi.runtime.set_all_config({})


def use_mocks(mocks: pulumi.runtime.Mocks, *, preview: bool) -> None:
    pulumi.runtime.set_mocks(mocks, project="full-ecs-image", stack="test", preview=preview)


class EchoMocks(pulumi.runtime.Mocks):
    """Mocks as Pulumi's testing guide writes them: every resource echoes its inputs as outputs,
    or (full=...) the image resource returns these complete outputs."""

    def __init__(self, full: dict[str, Any] | None = None) -> None:
        self.full = full
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.registered.append(args)
        if args.typ == DYNAMIC_TYPE and self.full is not None:
            return str(self.full["image_id"]), {**args.inputs, **self.full}
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


def image_args(mocks: EchoMocks | CloudBackedMocks) -> pulumi.runtime.MockResourceArgs:
    """The registration of the image's dynamic resource."""
    [registered] = [r for r in mocks.registered if r.typ == DYNAMIC_TYPE]
    return registered


def outputs_of(image: FullEcsImage) -> pulumi.Output[list[Any]]:
    return pulumi.Output.all(
        image.image_id, image.status, image.min_disk, image.os_version, image.data_disks, image.backup_id
    )


@pytest.mark.usefixtures("program_config")
def test_under_mocks_that_echo_inputs_nothing_calls_the_cloud(sim: RunningSimulator) -> None:
    mocks = EchoMocks()
    use_mocks(mocks, preview=False)  # not a preview: the component would otherwise wait for `active`
    seen: list[Any] = []

    def program() -> pulumi.Output[Any]:
        image = FullEcsImage("web", FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="web01-full"))
        return outputs_of(image).apply(seen.extend)

    run(program)
    assert sim.control.calls() == {}
    # The outputs are the mock's: it echoed the inputs, so only backup_id is known.
    assert seen == [None, None, None, None, [], seed.BACKUP_AVAILABLE]
    assert sorted(r.typ for r in mocks.registered) == sorted([TYPE_TOKEN, PROVIDER_TYPE, DYNAMIC_TYPE])


@pytest.mark.usefixtures("program_config")
def test_under_mocks_with_full_outputs_the_component_exposes_them_without_calling_the_cloud(
    sim: RunningSimulator,
) -> None:
    full = {
        "image_id": "img-0001", "status": "saving", "min_disk": 40, "os_version": "EulerOS 2.9",
        "data_disks": [{"id": "d1", "size": 100, "type": "SSD"}], "job_id": "job-1",
        "create_started_at": 1e12, "create_timeout_minutes": 30, "region": "r1", "project_id": "p1",
    }  # fmt: skip
    use_mocks(EchoMocks(full), preview=False)
    seen: list[Any] = []

    def program() -> pulumi.Output[Any]:
        image = FullEcsImage("web", FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="web01-full"))
        return outputs_of(image).apply(seen.extend)

    run(program)
    assert sim.control.calls() == {}
    assert seen == ["img-0001", "saving", 40, "EulerOS 2.9", full["data_disks"], seed.BACKUP_AVAILABLE]


@pytest.mark.usefixtures("program_config")
def test_preview_makes_no_api_call(sim: RunningSimulator) -> None:
    use_mocks(CloudBackedMocks(None), preview=True)

    def check() -> pulumi.Output[Any]:
        image = FullEcsImage("web", FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="web01-full"))
        return image.backup_id

    run(check)
    assert sim.control.calls() == {}


def test_plain_inputs_are_validated_all_at_once() -> None:
    use_mocks(CloudBackedMocks(None), preview=True)
    with pytest.raises(InputValidationError) as error:
        FullEcsImage(
            "bad",
            FullEcsImageArgs(
                backup_id="nope", name=" spaced", description="<b>", min_ram=8, max_ram=4,
                servers=[{"name": "web", "flavor_id": "f", "subnet_id": SUBNET}],
            ),
        )  # fmt: skip
    message = error.value.message
    assert isinstance(error.value, pulumi.RunError)  # printed by the language host without a traceback
    assert message.startswith("error validating FullEcsImage 'bad': 5 invalid input(s)")
    for field in ("backup_id:", "name:", "description:", "min_ram:", "servers[0]:"):
        assert field in message


def test_output_inputs_are_left_to_check() -> None:
    mocks = CloudBackedMocks(None)
    use_mocks(mocks, preview=True)

    def check() -> pulumi.Output[Any]:
        image = FullEcsImage("late", FullEcsImageArgs(backup_id=pulumi.Output.from_input("x"), name="ok"))
        return image.backup_id

    run(check)  # "x" is not a UUID, but as an Output it is the provider's check() that rejects it
    dynamic = image_args(mocks)
    assert dynamic.inputs["backup_id"] == "x"  # passed through, not rejected at construction
    inputs = {k: v for k, v in dynamic.inputs.items() if k != "__provider"}
    failures = FullEcsImageProvider().check({}, inputs).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("backup_id", "must be a UUID such as 0a1b2c3d-0000-4000-8000-000000000001"),
        ("", "the provider was not configured"),  # this provider was never configured
    ]


DISKS = [
    {"id": "a0000000-0000-4000-8000-00000000000a", "size": 100, "type": "SSD"},
    {
        "id": "a0000000-0000-4000-8000-00000000000b",
        "size": 50,
        "type": "GPSSD2",
        "iops": 5000,
        "throughput": 200,
    },
]
SYSTEM_DISK = {"id": "a0000000-0000-4000-8000-000000000009", "size": 40, "type": "ESSD"}
IMAGE_OUTPUTS = {
    "image_id": "img-0001", "status": "active", "min_disk": 40, "os_version": "EulerOS 2.9",
    "data_disks": DISKS, "source_disks": {"system": SYSTEM_DISK, "data": DISKS}, "job_id": "job-1",
    "create_started_at": 1e12, "create_timeout_minutes": 30, "region": "r1", "project_id": "p1",
}  # fmt: skip
SHARE_TYPE = "huaweicloud:Ims/imageShare:ImageShare"
SECRET_PASSWORD = {
    pulumi.runtime.rpc._special_sig_key: pulumi.runtime.rpc._special_secret_sig,
    "value": "Pa55word!",
}
"""How the mock monitor sees a secret input: still secret."""
PROJECTS = ["0123456789abcdef0123456789abcdea", "0123456789abcdef0123456789abcdeb"]


def test_servers_and_the_share_are_children_with_exact_inputs() -> None:
    mocks = EchoMocks(IMAGE_OUTPUTS)
    use_mocks(mocks, preview=False)
    password = pulumi.Output.secret("Pa55word!")

    def program() -> pulumi.Output[Any]:
        image = FullEcsImage(
            "web",
            FullEcsImageArgs(
                backup_id=seed.CBR_BACKUP, source="cbr", name="web01-full", share_with_project_ids=PROJECTS,
                servers=[
                    {"name": "clone1", "flavor_id": "s6.large.2", "networks": [{"uuid": SUBNET}],
                     "key_pair": "kp", "tags": {"env": "prod"}, "charging_mode": "postPaid"},
                    ServerSpec.model_validate(
                        {"name": "clone2", "flavor_id": "s6.large.2", "networks": [{"uuid": SUBNET}],
                         "admin_pass": password, "system_disk_size": 60,
                         "data_disks": {DISKS[0]["id"]: {"type": "ESSD", "size": 200}}}
                    ),
                ],
            ),
        )  # fmt: skip
        return pulumi.Output.all(image.server_ids, image.server_private_ips)

    run(program)
    marker = image_args(mocks).inputs["marker"]  # the image's; each server's tag derives from it
    # Registered concurrently (their inputs wait for the image), so in any order.
    servers = sorted((r for r in mocks.registered if r.typ == ECS_TYPE), key=lambda r: r.name)
    assert [s.name for s in servers] == ["web-clone1", "web-clone2"]
    restored = [{"type": "SSD", "size": 100, "snapshotId": DISKS[0]["id"]},
                {"type": "GPSSD2", "size": 50, "snapshotId": DISKS[1]["id"], "iops": 5000,
                 "throughput": 200}]  # fmt: skip
    assert servers[0].inputs == {
        "name": "clone1", "imageId": "img-0001", "flavorId": "s6.large.2", "networks": [{"uuid": SUBNET}],
        "keyPair": "kp", "tags": {"env": "prod", MARKER_TAG_KEY: server_marker(marker, "clone1")},
        "chargingMode": "postPaid", "systemDiskSize": 40, "systemDiskType": "ESSD",
        "deleteDisksOnTermination": True,
        "dataDisks": restored,
    }  # fmt: skip
    assert servers[1].inputs == {
        "name": "clone2", "imageId": "img-0001", "flavorId": "s6.large.2", "networks": [{"uuid": SUBNET}],
        "adminPass": SECRET_PASSWORD, "systemDiskSize": 60, "systemDiskType": "ESSD",
        "deleteDisksOnTermination": True,
        "tags": {MARKER_TAG_KEY: server_marker(marker, "clone2")},
        "dataDisks": [{"type": "ESSD", "size": 200, "snapshotId": DISKS[0]["id"]}, restored[1]],
    }  # fmt: skip
    [share] = [r for r in mocks.registered if r.typ == SHARE_TYPE]
    assert share.name == "web-share"
    assert share.inputs == {"sourceImageId": "img-0001", "targetProjectIds": PROJECTS}
    urns = list(pulumi.runtime.settings.SETTINGS.monitor.get_registered_resources())
    for child in (f"{ECS_TYPE}::web-clone1", f"{ECS_TYPE}::web-clone2", f"{SHARE_TYPE}::web-share"):
        assert any(urn.endswith(f"{TYPE_TOKEN}${child}") for urn in urns), child  # parented to the component


def test_no_servers_and_no_share_means_no_children_but_the_image() -> None:
    mocks = EchoMocks(IMAGE_OUTPUTS)
    use_mocks(mocks, preview=False)
    run(lambda: FullEcsImage("web", FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="n")).server_ids)
    assert sorted(r.typ for r in mocks.registered) == sorted([TYPE_TOKEN, PROVIDER_TYPE, DYNAMIC_TYPE])


def test_sharing_a_csbs_image_is_refused_at_construction() -> None:
    use_mocks(EchoMocks(), preview=True)
    with pytest.raises(InputValidationError) as error:
        FullEcsImage(
            "web",
            FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="n", share_with_project_ids=PROJECTS),
        )
    assert (
        "share_with_project_ids: only full-ECS images made from CBR backups can be shared"
        in error.value.message
    )
    assert "migrate the CSBS backup to CBR first" in error.value.message


def test_sharing_given_as_outputs_is_refused_by_check() -> None:
    mocks = EchoMocks()
    use_mocks(mocks, preview=True)
    late = pulumi.Output.from_input(PROJECTS)
    run(
        lambda: (
            FullEcsImage(
                "web",
                FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="n", share_with_project_ids=late),
            ).backup_id
        )
    )
    inputs = {k: v for k, v in image_args(mocks).inputs.items() if k != "__provider"}
    failures = FullEcsImageProvider().check({}, inputs).failures
    assert [f.property for f in failures] == ["share_with_project_ids", ""]  # "": never configured
    assert "only full-ECS images made from CBR backups can be shared" in failures[0].reason


def test_a_server_whose_disks_break_a_rule_is_not_created() -> None:
    # check() refuses this at preview; should the cloud change after it, the program refuses too.
    request = ServerSpec.model_validate(
        {"name": "s", "data_disks": {DISKS[0]["id"]: {"size": 99}}, "system_disk_size": 39}
    ).disk_request()
    with pytest.raises(InputValidationError) as error:
        planned_disks(2, request, {"system": SYSTEM_DISK, "data": DISKS})
    message = error.value.message
    assert message.startswith("error validating servers[2]: ")
    assert (
        f'servers[2].data_disks["{DISKS[0]["id"]}"].size: must be at least the original size 100 GB'
        in message
    )
    assert "servers[2].system_disk_size: must be at least the original size 40 GB" in message


def seed_volume(sim: RunningSimulator) -> str:
    """The original data volume of BACKUP_AVAILABLE, read from the simulator's state."""
    backup = next(b for b in sim.control.state()["backups"] if b["id"] == seed.BACKUP_AVAILABLE)
    volumes = backup.get("volume_backups") or backup["extend_info"]["volume_backups"]
    return str(next(v["source_volume_id"] for v in volumes if not v["bootable"]))


def test_example_stack_program_registers_one_component(sim: RunningSimulator) -> None:
    """The repo's __main__.py (the stack a team copies) reads its config and declares one image."""
    mocks = CloudBackedMocks(None)
    use_mocks(mocks, preview=True)
    pulumi.runtime.set_config("full-ecs-image:backupId", seed.BACKUP_AVAILABLE)
    pulumi.runtime.set_config("full-ecs-image:imageName", "web01-full")
    pulumi.runtime.set_config("full-ecs-image:tags", '{"env": "prod"}')
    program = Path(__file__).resolve().parents[2] / "__main__.py"
    try:
        run(lambda: pulumi.Output.from_input(runpy.run_path(str(program))["image"].backup_id))
    finally:
        pulumi.runtime.set_all_config({})
    assert sorted(r.typ for r in mocks.registered) == sorted([TYPE_TOKEN, PROVIDER_TYPE, DYNAMIC_TYPE])
    assert image_args(mocks).inputs["tags"] == {"env": "prod"}
    assert "create_timeout_minutes" not in image_args(mocks).inputs  # unset: check() fills 30
    assert sim.control.calls() == {}


def test_example_stack_rejects_a_zero_timeout() -> None:
    """createTimeoutMinutes: 0 is reported, not silently replaced by the default."""
    use_mocks(CloudBackedMocks(None), preview=True)
    pulumi.runtime.set_config("full-ecs-image:backupId", seed.BACKUP_AVAILABLE)
    pulumi.runtime.set_config("full-ecs-image:imageName", "web01-full")
    pulumi.runtime.set_config("full-ecs-image:createTimeoutMinutes", "0")
    program = Path(__file__).resolve().parents[2] / "__main__.py"
    try:
        with pytest.raises(InputValidationError, match=r"create_timeout_minutes: Input should be greater"):
            runpy.run_path(str(program))
    finally:
        pulumi.runtime.set_all_config({})


class RecordingMonitor(MockMonitor):
    """The mock monitor, keeping each RegisterResource request (it carries the resource options)."""

    def __init__(self, mocks: pulumi.runtime.Mocks) -> None:
        super().__init__(mocks)
        self.requests: list[Any] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method's name
        self.requests.append(request)
        return super().RegisterResource(request)  # type: ignore[no-untyped-call]


def test_protect_retain_and_deleted_with_given_to_the_component_reach_the_image() -> None:
    mocks = EchoMocks()
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="full-ecs-image", stack="test", preview=True, monitor=monitor)

    def program() -> pulumi.Output[Any]:
        anchor = pulumi.CustomResource("test:index:Anchor", "anchor", {})
        opts = pulumi.ResourceOptions(protect=True, retain_on_delete=True, deleted_with=anchor)
        image = FullEcsImage("web", FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="n"), opts)
        return image.backup_id

    run(program)
    [request] = [r for r in monitor.requests if r.type == DYNAMIC_TYPE]
    assert request.protect is True
    assert request.retainOnDelete is True
    assert request.deletedWith.endswith("test:index:Anchor::anchor")
    assert request.parent.endswith(f"{TYPE_TOKEN}::web")


@pytest.mark.parametrize(
    ("duration", "minutes"), [("30m", 30), ("1h30m", 90), ("90s", 2), ("45.5m", 46), ("2h", 120)]
)
def test_custom_timeouts_create_becomes_whole_minutes(duration: str, minutes: int) -> None:
    assert timeout_minutes(duration) == minutes


def test_custom_timeouts_create_sets_the_budget_only_when_the_input_is_unset() -> None:
    mocks = EchoMocks()
    use_mocks(mocks, preview=True)
    opts = pulumi.ResourceOptions(custom_timeouts=pulumi.CustomTimeouts(create="1h"))

    def program() -> pulumi.Output[Any]:
        FullEcsImage("a", FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="a"), opts)
        explicit = FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="b", create_timeout_minutes=5)
        return FullEcsImage("b", explicit, opts).backup_id

    run(program)
    budgets = {
        r.name: r.inputs.get("create_timeout_minutes") for r in mocks.registered if r.typ == DYNAMIC_TYPE
    }
    assert budgets == {"a-image": 60, "b-image": 5}


def test_a_malformed_custom_timeout_is_reported() -> None:
    with pytest.raises(InputValidationError, match=r"custom_timeouts.create 'soon' is not a duration"):
        timeout_minutes("soon")
