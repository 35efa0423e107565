"""Day one with the real CLI: the seed's rules and missing settings fail `pulumi preview` (one clean line
each, no write), no false diffs after `up` or a repaired drift, options given to the component reach the
image, and what verbose engine logs show.
"""

from __future__ import annotations

import re

import pytest

from simulator.seed import BACKUP_ERROR, BACKUP_SHARED_DISK, BACKUP_USED, IMAGE_EXISTING

from .conftest import EngineStack
from .test_engine import RESOURCE_TYPE, made_images, only_made_image, planned

pytestmark = pytest.mark.engine

# What a user must never see: Python internals.
INTERNALS = re.compile(r"Traceback|components\.full_ecs_image|[A-Za-z]+Error:|File \"")


def failed_preview(engine: EngineStack) -> str:
    """The output of a `pulumi preview` that must fail."""
    result = engine.cli("preview", check=False)
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    ("backup_id", "rule"),
    [
        (BACKUP_ERROR, "only an available CSBS backup can be used to create a full-ECS image"),
        (BACKUP_SHARED_DISK, "a CSBS backup used to create a full-ECS image cannot have shared disks"),
        (BACKUP_USED, "a backup can be used to create only one full-ECS image"),
    ],
    ids=["error", "shared-disk", "used"],
)
def test_preview_fails_on_a_broken_rule_naming_it_without_a_write(
    engine: EngineStack, backup_id: str, rule: str
) -> None:
    engine.set("backupId", backup_id)
    engine.sim.control.clear_calls()

    output = failed_preview(engine)

    lines = [line for line in output.splitlines() if rule in line]
    assert lines, output
    assert all("property backup_id" in line for line in lines)
    assert not INTERNALS.search(output), output
    assert engine.sim.control.mutating_calls() == {}


def test_preview_fails_on_a_missing_secret_key_naming_the_setting(engine: EngineStack) -> None:
    engine.stack.remove_config("huaweicloud:secretKey")
    engine.sim.control.clear_calls()

    output = failed_preview(engine)

    assert "missing setting huaweicloud:secretKey" in output
    assert "pulumi config set --secret huaweicloud:secretKey" in output
    assert not INTERNALS.search(output), output
    assert engine.sim.control.calls() == {}


def test_preview_fails_on_endpoints_that_are_not_json(engine: EngineStack) -> None:
    engine.set("huaweicloud:endpoints", "ims=http://127.0.0.1:1")
    output = failed_preview(engine)
    assert "huaweicloud:endpoints must be a JSON object" in output
    assert not INTERNALS.search(output), output


def test_preview_right_after_up_shows_no_change_at_all(engine: EngineStack) -> None:
    engine.stack.up()

    result = engine.cli("preview", "--expect-no-changes", "--diff", check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"^\s*[~+-] ", result.stdout, re.MULTILINE), result.stdout  # no changed line
    assert "=>" not in result.stdout


def test_a_repaired_rename_leaves_no_diff_and_a_replacement_states_its_real_reason(
    engine: EngineStack,
) -> None:
    engine.stack.up()
    image_id = only_made_image(engine)["id"]
    engine.sim.control.rename_image(image_id, "renamed-in-console")

    # The rename is the only difference a refresh reports: no spurious min_ram or status.
    refresh = engine.cli("preview", "--refresh", "--diff", check=False)
    assert "min_ram" not in refresh.stdout, refresh.stdout
    engine.stack.up(refresh=True)
    assert only_made_image(engine)["name"] == "engine-test-image"

    after = engine.cli("preview", "--expect-no-changes", "--diff", check=False)
    assert after.returncode == 0, after.stdout + after.stderr


def test_adoption_preview_says_what_it_will_change(engine: EngineStack) -> None:
    engine.set("backupId", BACKUP_USED)
    engine.set("adoptImageId", IMAGE_EXISTING)
    engine.sim.control.clear_calls()

    result = engine.cli("preview", "--diff")

    shown = result.stdout + result.stderr  # the provider's lines reach the engine's diagnostics
    assert (
        f"adopting image {IMAGE_EXISTING} will change: name 'web01-legacy-full' -> 'engine-test-image'"
        in shown
    )
    assert "remove tags owner=ops" in shown
    assert engine.sim.control.mutating_calls() == {}


def test_retain_on_delete_on_the_component_keeps_the_image_on_destroy(engine: EngineStack) -> None:
    engine.set("retainOnDelete", "true")
    engine.stack.up()
    image_id = only_made_image(engine)["id"]
    (entry,) = engine.resource_state(RESOURCE_TYPE)
    assert entry.get("retainOnDelete") is True

    engine.stack.destroy()

    assert [i["id"] for i in made_images(engine)] == [image_id]
    assert "ims.delete_image" not in engine.sim.control.mutating_calls()


def test_custom_timeouts_create_sets_the_create_budget(engine: EngineStack) -> None:
    engine.set("createTimeout", "2h30m")
    preview = engine.stack.preview()
    assert planned(preview) == {"create": 4}
    engine.stack.up()
    (entry,) = engine.resource_state(RESOURCE_TYPE)
    assert entry["outputs"]["create_timeout_minutes"] == 150


def test_verbose_engine_logs_never_show_keys_kept_in_the_environment(engine: EngineStack) -> None:
    keys = (engine.sim.access_key, engine.sim.secret_key)
    engine.stack.remove_all_config(["huaweicloud:accessKey", "huaweicloud:secretKey"])
    engine.set_environment({"HW_ACCESS_KEY": keys[0], "HW_SECRET_KEY": keys[1]})

    result = engine.cli("preview", "-v=11", "--logtostderr", check=False)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Configure" in result.stderr  # the engine did log the provider's configuration
    assert not [key for key in keys if key in result.stdout + result.stderr]


def test_verbose_engine_logs_show_keys_kept_in_stack_config(engine: EngineStack) -> None:
    """What README warns about: from -v=9 on, the engine logs a provider's Configure inputs, decrypted."""
    result = engine.cli("preview", "-v=9", "--logtostderr", check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert engine.sim.secret_key in result.stderr


def test_a_stack_without_any_config_names_the_missing_key(engine: EngineStack) -> None:
    engine.stack.remove_all_config(list(engine.stack.get_all_config()))

    output = failed_preview(engine)

    assert "Missing required configuration variable 'engine-test:backupId'" in output
    assert "NoneType" not in output
