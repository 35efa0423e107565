"""The component's wiring under Pulumi mocks: the dynamic resource is backed by the real provider
against the simulator, so the program-side wait for `active` runs for real."""

from __future__ import annotations

import runpy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest

from components.full_ecs_image import FullEcsImage, FullEcsImageArgs, ServerSpec
from components.full_ecs_image.component import TYPE_TOKEN
from components.full_ecs_image.errors import InputValidationError
from components.full_ecs_image.provider import FullEcsImageProvider
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import configured, sim_config

_PULUMI_TEST: Callable[..., Any] = pulumi.runtime.test  # untyped in the SDK


def run(program: Callable[[], pulumi.Output[Any]]) -> None:
    """Runs a mock program and awaits the Output it returns (pulumi.runtime.test)."""
    _PULUMI_TEST(program)()


DYNAMIC_TYPE = "pulumi-python:dynamic/hwc-ims:FullEcsImage"
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


def use_mocks(mocks: CloudBackedMocks, *, preview: bool) -> None:
    pulumi.runtime.set_mocks(mocks, project="full-ecs-image", stack="test", preview=preview)


@pytest.mark.usefixtures("program_config")
def test_component_waits_until_active_and_exposes_outputs(sim: RunningSimulator) -> None:
    mocks = CloudBackedMocks(configured(sim_config(sim)))
    use_mocks(mocks, preview=False)
    sim.control.set_job_seconds(0.3)

    def check() -> pulumi.Output[Any]:
        image = FullEcsImage("web", FullEcsImageArgs(backup_id=seed.BACKUP_AVAILABLE, name="web01-full"))

        def verify(values: list[Any]) -> None:
            image_id, status, min_disk, os_version, data_disks, backup_id, server_id = values
            assert status == "active"
            assert image_id in [i["id"] for i in sim.control.images()]
            assert (min_disk, os_version) == (40, seed.OS_VERSION)
            assert [d["type"] for d in data_disks] == ["SSD"]
            assert (backup_id, server_id) == (seed.BACKUP_AVAILABLE, seed.SERVER_RUNNING)

        return pulumi.Output.all(
            image.image_id, image.status, image.min_disk, image.os_version, image.data_disks,
            image.backup_id, image.source_server_id,
        ).apply(verify)  # fmt: skip

    run(check)
    types = [r.typ for r in mocks.registered]
    assert types == [TYPE_TOKEN, DYNAMIC_TYPE]
    dynamic = mocks.registered[1]
    assert dynamic.name == "web-image"
    assert len(dynamic.inputs["marker"]) == 32
    # create() returned before the image was active; the program's wait took it to "active".
    assert mocks.created_status in ("queued", "saving")


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
    message = str(error.value)
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
    dynamic = mocks.registered[1]
    assert dynamic.inputs["backup_id"] == "x"  # passed through, not rejected at construction
    inputs = {k: v for k, v in dynamic.inputs.items() if k != "__provider"}
    failures = FullEcsImageProvider().check({}, inputs).failures
    assert [(f.property, f.reason) for f in failures] == [
        ("backup_id", "must be a UUID such as 0a1b2c3d-0000-4000-8000-000000000001")
    ]


@pytest.mark.usefixtures("program_config")
def test_servers_are_new_ecs_children_of_the_waited_image(sim: RunningSimulator) -> None:
    mocks = CloudBackedMocks(configured(sim_config(sim)))
    use_mocks(mocks, preview=False)
    override = {seed_volume(sim): {"type": "ESSD", "size": 200}}

    def check() -> pulumi.Output[Any]:
        image = FullEcsImage(
            "web",
            FullEcsImageArgs(
                backup_id=seed.BACKUP_AVAILABLE,
                name="web01-full",
                servers=[
                    ServerSpec(name="clone1", flavor_id="s6.large.2", subnet_id=SUBNET, key_pair="kp"),
                    {"name": "clone2", "flavor_id": "s6.large.2", "subnet_id": SUBNET,
                     "admin_pass": pulumi.Output.secret("Pa55word!"), "data_disks": override},
                ],
            ),
        )  # fmt: skip
        return pulumi.Output.all(image.image_id, image.server_ids)

    run(check)
    servers = [r for r in mocks.registered if r.typ == ECS_TYPE]
    assert [s.name for s in servers] == ["web-clone1", "web-clone2"]
    image_id = next(i["id"] for i in sim.control.images() if i["__backup_id"] == seed.BACKUP_AVAILABLE)
    assert all(s.inputs["imageId"] == image_id for s in servers)
    assert servers[0].inputs["networks"] == [{"uuid": SUBNET}]
    assert servers[0].inputs["keyPair"] == "kp"
    assert "dataDisks" not in servers[0].inputs
    assert servers[1].inputs["dataDisks"] == [{"type": "ESSD", "size": 200, "snapshotId": seed_volume(sim)}]
    monitor = pulumi.runtime.settings.SETTINGS.monitor
    urns = list(monitor.get_registered_resources())
    assert any(
        urn.endswith(f"{TYPE_TOKEN}${ECS_TYPE}::web-clone1") for urn in urns
    )  # parented to the component
    assert not [r for r in sim.control.mutating_calls() if r.startswith("ecs.")]


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
    assert [r.typ for r in mocks.registered] == [TYPE_TOKEN, DYNAMIC_TYPE]
    assert mocks.registered[1].inputs["tags"] == {"env": "prod"}
    assert "create_timeout_minutes" not in mocks.registered[1].inputs  # unset: check() fills 30
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
