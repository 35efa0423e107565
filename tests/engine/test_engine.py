"""The real Pulumi engine (CLI v<pinned>) driving FullEcsImage against the simulator: preview, up,
refresh, replace, destroy, an interrupted create, what the state file holds, and key rotation.

Each test gets a fresh stack (local file backend in tmp_path) and a reset simulator on a real port.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
from typing import Any

import pytest
from pulumi import automation as auto

from simulator.seed import BACKUP_AVAILABLE, BACKUP_TWO_DATA_DISKS, IMAGE_EXISTING

from .conftest import IMAGE_NAME, EngineStack, configure_for_simulator
from .faults_helpers import checkpoint, kill_tree, wait_until

pytestmark = pytest.mark.engine

RESOURCE_TYPE = "hwc:ims:WholeImage"
# Seed images exist before any test; only images the component made are counted.
SEED_IMAGES = {IMAGE_EXISTING}
# Generous bound for the provider pickle: by-reference pickling makes it a few hundred bytes; a pickle
# that captured a client, settings or a module by value would be many kilobytes.
MAX_PROVIDER_BLOB_CHARS = 4096


def made_images(engine: EngineStack) -> list[dict[str, Any]]:
    return [image for image in engine.sim.control.images() if image["id"] not in SEED_IMAGES]


def only_made_image(engine: EngineStack) -> dict[str, Any]:
    images = made_images(engine)
    assert len(images) == 1, f"expected exactly one image made by the component, found {images}"
    return images[0]


def state_outputs(engine: EngineStack) -> dict[str, Any]:
    """Outputs of the image's dynamic resource as the checkpoint records them."""
    entries = engine.resource_state(RESOURCE_TYPE)
    assert len(entries) == 1, f"expected one {RESOURCE_TYPE} in state, found {len(entries)}"
    outputs: dict[str, Any] = entries[0]["outputs"]
    return outputs


def changes(result: auto.UpResult | auto.RefreshResult | auto.DestroyResult) -> dict[str, int]:
    """The summary's resource changes keyed by operation name ("create", "same", ...)."""
    return {op_name(op): count for op, count in (result.summary.resource_changes or {}).items()}


def planned(result: auto.PreviewResult) -> dict[str, int]:
    return {op_name(op): count for op, count in result.change_summary.items()}


def op_name(op: object) -> str:
    """OpType members and plain strings alike ("create", "update", "same", ...)."""
    return str(op.value) if isinstance(op, auto.OpType) else str(op)


# a ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_outputs", [False, True], ids=["plain", "outputs"])
def test_preview_with_invalid_inputs_fails_with_field_messages_and_no_api_call(
    engine: EngineStack, as_outputs: bool
) -> None:
    engine.set("asOutputs", "true" if as_outputs else "false")
    engine.set("backupId", "not-a-backup-id")
    engine.set("imageName", "bad/name")
    engine.set("minRam", "-1")
    engine.sim.control.clear_calls()

    with pytest.raises(auto.CommandError) as raised:
        engine.stack.preview()

    lines = str(raised.value).splitlines()
    rules = {
        "backup_id": "must be a UUID",
        "name": "must be 1-128 characters",
        "min_ram": "greater than or equal to 0",
    }
    for field_name, rule in rules.items():
        # Plain values: the component's constructor lists them; Outputs: the provider's check() failures.
        prefix = f"property {field_name} value" if as_outputs else f"{field_name}: "
        assert [line for line in lines if prefix in line and rule in line], (field_name, lines)
    assert not [line for line in lines if "Traceback" in line]
    assert engine.sim.control.calls() == {}


# b ---------------------------------------------------------------------------------------------------


def test_up_creates_exactly_one_image_whose_outputs_match_the_cloud(engine: EngineStack) -> None:
    result = engine.stack.up()

    # the stack, the component, its image resource and the image's deletion barrier
    assert changes(result) == {"create": 4}
    image = only_made_image(engine)
    outputs = engine.outputs()
    assert outputs["image_id"] == image["id"]
    assert outputs["status"] == image["status"] == "active"
    assert image["name"] == IMAGE_NAME
    assert outputs["min_disk"] == image["min_disk"]
    assert outputs["backup_id"] == BACKUP_AVAILABLE
    assert engine.sim.control.calls().get("ims.create_whole_image") == 1
    assert len(outputs["data_disks"]) == 1  # BACKUP_AVAILABLE: system disk + one data disk


# c ---------------------------------------------------------------------------------------------------


def test_second_up_changes_nothing(engine: EngineStack) -> None:
    engine.stack.up()
    image_id = only_made_image(engine)["id"]
    engine.sim.control.clear_calls()

    preview = engine.stack.preview()
    result = engine.stack.up()

    assert set(planned(preview)) == {"same"}
    assert set(changes(result)) == {"same"}
    assert engine.sim.control.mutating_calls() == {}
    assert only_made_image(engine)["id"] == image_id


# d ---------------------------------------------------------------------------------------------------


def test_new_name_description_and_tags_update_in_place(engine: EngineStack) -> None:
    engine.stack.up()
    image_id = only_made_image(engine)["id"]

    engine.set("imageName", "renamed-by-config")
    engine.set("description", "updated by the engine test")
    engine.set_object("tags", {"team": "imaging", "env": "test"})
    result = engine.stack.up()

    assert changes(result) == {"update": 1, "same": 3}  # only the image resource
    image = only_made_image(engine)
    assert image["id"] == image_id
    assert image["name"] == "renamed-by-config"
    assert image["__description"] == "updated by the engine test"
    assert engine.outputs()["image_id"] == image_id
    (recorded,) = [i for i in engine.sim.control.state()["images"] if i["id"] == image_id]
    tags = {tag["key"]: tag["value"] for tag in recorded["tags"]}
    assert {"team": "imaging", "env": "test"}.items() <= tags.items()


# e ---------------------------------------------------------------------------------------------------


def test_refresh_records_an_out_of_band_rename(engine: EngineStack) -> None:
    engine.stack.up()
    image_id = only_made_image(engine)["id"]
    engine.sim.control.rename_image(image_id, "renamed-in-console")

    result = engine.stack.refresh()

    assert changes(result).get("update") == 1  # the image resource, whose name changed
    assert state_outputs(engine)["name"] == "renamed-in-console"
    # The next preview wants to put the configured name back, in place.
    preview = engine.stack.preview()
    assert planned(preview) == {"update": 1, "same": 3}


# f ---------------------------------------------------------------------------------------------------


def test_another_backup_replaces_the_image(engine: EngineStack) -> None:
    engine.stack.up()
    old_id = only_made_image(engine)["id"]

    engine.set("backupId", BACKUP_TWO_DATA_DISKS)
    result = engine.stack.up()

    assert changes(result).get("replace", 0) == 1  # the image (no helper resource beside it)
    new_image = only_made_image(engine)  # the old image is gone
    assert new_image["id"] != old_id
    assert engine.outputs()["image_id"] == new_image["id"]
    assert engine.outputs()["backup_id"] == BACKUP_TWO_DATA_DISKS
    assert len(engine.outputs()["data_disks"]) == 2


# g ---------------------------------------------------------------------------------------------------


def test_refresh_drops_an_image_deleted_out_of_band_and_up_recreates_it(engine: EngineStack) -> None:
    engine.stack.up()
    old_id = only_made_image(engine)["id"]
    engine.sim.control.delete_image(old_id)

    refresh = engine.stack.refresh()

    assert changes(refresh).get("delete", 0) == 1
    assert engine.resource_state(RESOURCE_TYPE) == []
    result = engine.stack.up()
    assert changes(result).get("create", 0) == 1
    new_image = only_made_image(engine)
    assert new_image["id"] != old_id
    assert state_outputs(engine)["image_id"] == new_image["id"]


# h ---------------------------------------------------------------------------------------------------


def test_destroy_deletes_the_image_and_keeps_the_backup(engine: EngineStack) -> None:
    engine.stack.up()

    result = engine.stack.destroy()

    assert changes(result) == {"delete": 4}  # stack, component, image, deletion barrier
    assert made_images(engine) == []
    assert IMAGE_EXISTING in {image["id"] for image in engine.sim.control.images()}
    (backup,) = [b for b in engine.sim.control.state()["backups"] if b["id"] == BACKUP_AVAILABLE]
    assert backup["status"] == "available"


# i ---------------------------------------------------------------------------------------------------


def test_up_after_the_engine_was_killed_mid_create_adopts_the_one_image(engine: EngineStack) -> None:
    # Hold the provider in its wait right after the create POST, then kill the whole engine process tree.
    # create() follows the job through the progress API (ims.show_job_progress) once the POST is made.
    engine.sim.control.inject_fault("slow", route="ims.show_job_progress", count=1000, delay_seconds=5.0)
    process = subprocess.Popen(
        [str(engine.engine_bin / "pulumi"), "up", "--yes", "--skip-preview", "--non-interactive"],
        cwd=engine.work_dir,
        env=engine.cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: engine.sim.control.calls().get("ims.create_whole_image", 0) >= 1,
            seconds=120,
            what="the create request",
        )
        # The engine records the pending create in its checkpoint file before it calls create(); on a
        # loaded machine that write can land a moment after the POST is seen: kill only once it is there.
        wait_until(
            lambda: "creating" in pending_in_file(engine),
            seconds=30,
            what="the pending create in the checkpoint",
        )
    finally:
        kill_tree(process.pid)
        process.wait()
    assert engine.sim.control.calls()["ims.create_whole_image"] == 1
    engine.sim.control.clear_faults()
    engine.sim.control.clear_calls()

    # What a user does after a crash (README): release the file backend's stale lock, then refresh with
    # --clear-pending-creates (pulumi 3.260 drops pending creates non-interactively only with that flag,
    # cmd/pulumi/operations/refresh.go), then up again. The state then knows no image, so the provider must
    # find the one the interrupted create started.
    engine.stack.cancel()
    assert pending_operation_types(engine) == ["creating"]
    engine.stack.refresh(clear_pending_creates=True)
    assert pending_operation_types(engine) == []
    assert engine.resource_state(RESOURCE_TYPE) == []
    engine.stack.up()

    image = only_made_image(engine)
    assert engine.sim.control.calls().get("ims.create_whole_image", 0) == 0
    assert state_outputs(engine)["image_id"] == image["id"]
    assert engine.outputs()["image_id"] == image["id"]
    assert pending_operation_types(engine) == []


def pending_in_file(engine: EngineStack) -> list[str]:
    """Pending operation types read straight from the checkpoint file (usable while an update runs)."""
    with contextlib.suppress(FileNotFoundError, ValueError, KeyError):
        return [str(op["type"]) for op in checkpoint(engine).get("pending_operations") or []]
    return []


def pending_operation_types(engine: EngineStack) -> list[str]:
    deployment = engine.stack.export_stack().deployment or {}
    return [str(op["type"]) for op in deployment.get("pending_operations") or []]


# j ---------------------------------------------------------------------------------------------------


def test_state_holds_no_credentials_and_no_pickled_provider(engine: EngineStack) -> None:
    """Keys in stack config as secrets (the demo's setup): the component adds no copy of them."""
    engine.stack.up()
    keys = (engine.sim.access_key, engine.sim.secret_key)

    exported = engine.cli("stack", "export").stdout
    shown = json.loads(engine.cli("stack", "export", "--show-secrets").stdout)["deployment"]

    # Without --show-secrets the keys appear nowhere, not even encoded.
    assert not [key for key in keys if key in exported]
    # With secrets shown, the image's own state (inputs, outputs) holds neither key.
    (entry,) = [r for r in shown["resources"] if r["type"] == RESOURCE_TYPE]
    assert not [key for key in keys if key in json.dumps(entry)]
    assert_no_pickled_provider(shown)
    # The hwc provider records the settings it was given as its inputs, secrets kept secret (encrypted
    # above), as every Pulumi provider does (pulumi-huaweicloud's too). That record is the only place
    # --show-secrets reveals the keys; see README.
    holders = {r["type"] for r in shown["resources"] if any(key in json.dumps(r) for key in keys)}
    assert holders == {"pulumi:providers:hwc"}


def test_keys_only_in_the_environment_never_reach_the_state(engine: EngineStack) -> None:
    """Keys only in HW_ACCESS_KEY / HW_SECRET_KEY: no copy anywhere in the state, secrets shown or not."""
    keys = (engine.sim.access_key, engine.sim.secret_key)
    engine.stack.remove_all_config(["huaweicloud:accessKey", "huaweicloud:secretKey"])
    engine.set_environment({"HW_ACCESS_KEY": keys[0], "HW_SECRET_KEY": keys[1]})
    config_values = [item.value for item in engine.stack.get_all_config().values()]
    assert not [key for key in keys if key in config_values]

    engine.stack.up()

    # The image exists, so both processes (program and provider) found the keys in the environment.
    image = only_made_image(engine)
    assert state_outputs(engine)["image_id"] == image["id"]
    shown = engine.cli("stack", "export", "--show-secrets").stdout
    assert not [key for key in keys if key in shown]
    assert_no_pickled_provider(json.loads(shown)["deployment"])


def assert_no_pickled_provider(deployment: dict[str, Any]) -> None:
    """No dynamic resource and no pickled provider anywhere in the state: the plugin serves the image."""
    assert not [r["urn"] for r in deployment["resources"] if "pulumi-python" in r["type"]]
    assert not [r["urn"] for r in deployment["resources"] if "__provider" in (r.get("inputs") or {})]


# k ---------------------------------------------------------------------------------------------------


def test_destroy_works_after_credentials_are_rotated(engine: EngineStack) -> None:
    engine.stack.up()
    new_access_key, new_secret_key = "ROTATEDAK00000000002", "rotated-secret-key-0002"
    engine.sim.control.set_credentials(new_access_key, new_secret_key)
    configure_for_simulator(engine, new_access_key, new_secret_key)

    # Engine behaviour: a plain destroy configures the provider from the config recorded in state (the
    # old keys), which the cloud now rejects. `--run-program` registers the provider from the current
    # stack config instead (README).
    with pytest.raises(auto.CommandError) as stale:
        engine.stack.destroy()
    assert "HTTP 401 APIG.0301" in str(stale.value)
    assert len(made_images(engine)) == 1
    result = engine.stack.destroy(run_program=True)

    assert changes(result).get("delete") == 4  # (--run-program also reports the program's resources as same)
    assert made_images(engine) == []
    exported = json.dumps(engine.stack.export_stack().deployment)
    assert new_secret_key not in exported
