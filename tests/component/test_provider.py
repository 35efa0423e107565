"""Every provider verb, called directly against the simulator on a real port."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from hwc_full_ecs_image.api_models import Image
from hwc_full_ecs_image.client import HuaweiClient
from hwc_full_ecs_image.errors import (
    ApiError,
    FullEcsImageError,
    ImageUnusableError,
    JobFailedError,
    PreflightError,
    SettingsError,
    WaitTimeoutError,
)
from hwc_full_ecs_image.lifecycle import converge
from hwc_full_ecs_image.plan import create_body
from hwc_full_ecs_image.polling import PollSchedule, Timing
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.rules import MARKER_TAG_KEY
from hwc_full_ecs_image.schema import ImageSpec
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import FAST_TIMING, cloud, configured, image_props, provider_settings, sim_config


def images_from(sim: RunningSimulator, backup_id: str) -> list[dict[str, Any]]:
    return [i for i in sim.control.images() if i.get("__backup_id") == backup_id]


# ------------------------------------------------------------------ create


def test_create_posts_csbs_and_records_the_image(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    result = provider.create(image_props(seed.BACKUP_AVAILABLE, tags={"env": "prod"}))
    outs = result.outs or {}
    made = images_from(sim, seed.BACKUP_AVAILABLE)
    assert [i["id"] for i in made] == [result.id]
    assert outs["image_id"] == result.id
    assert outs["status"] in ("queued", "saving", "active")
    assert outs["job_id"]
    assert outs["tags"] == {"env": "prod"}  # the marker is never shown as a user tag
    assert outs["source_server_id"] == seed.SERVER_RUNNING
    # web01's one data disk, as the seed describes it (100 GB SSD)
    assert outs["data_disks"] == [{"id": seed.VOLUME_WEB01_DATA, "size": 100, "type": "SSD"}]
    assert outs["min_disk"] == 40
    assert sim.control.calls()["ims.create_whole_image"] == 1


def test_create_returns_before_the_image_is_active(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    sim.control.set_job_seconds(30)
    result = provider.create(image_props(seed.BACKUP_TWO_DATA_DISKS))
    assert (result.outs or {})["status"] in ("queued", "saving")
    assert len((result.outs or {})["data_disks"]) == 2
    assert (result.outs or {})["create_started_at"] > 0


def test_create_finds_a_running_jobs_image_with_one_list_and_no_tag_read(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    # While the job runs IMS does not name the image in the job
    # (https://support.huaweicloud.com/intl/id-id/api-ims/ims_03_0905.html): create() lists the
    # backup's images once per poll; the one new image of the backup with this name is ours (a backup
    # makes one full-ECS image), with the tags just sent.
    sim.control.set_job_seconds(30)
    result = provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert [i["id"] for i in images_from(sim, seed.BACKUP_AVAILABLE)] == [result.id]
    calls = sim.control.calls()
    assert calls["ims.show_job_progress"] == 1
    assert calls["ims.list_images"] == 2  # the preflight's one-image check, then the first poll
    assert "ims.list_image_tags" not in calls
    assert result.outs is not None
    assert result.outs["tags"] is None  # the user's tags: none (the marker is not one)


def test_create_marks_the_image_with_the_marker_tag(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    props = image_props(seed.BACKUP_AVAILABLE)
    result = provider.create(props)
    assert cloud(sim, "list_image_tags", result.id)[MARKER_TAG_KEY] == props["marker"]


@pytest.mark.parametrize(
    ("backup_id", "expected"),
    [
        ("c0000000-0000-4000-8000-0000000000ff", "does not exist"),
        (seed.BACKUP_ERROR, "is error; only an available CSBS backup"),
        (seed.BACKUP_NO_SYSTEM_DISK, "does not include the ECS.s system disk; only a backup of a whole ECS"),
        (seed.BACKUP_SHARED_DISK, f"includes shared disk .*{seed.VOLUME_SHARED}"),
        (seed.BACKUP_USED, f"already produced full-ECS image {seed.IMAGE_EXISTING}.*set adopt_image_id"),
    ],
)
def test_preflight_violations_make_no_mutating_call(
    sim: RunningSimulator, provider: FullEcsImageProvider, backup_id: str, expected: str
) -> None:
    with pytest.raises(PreflightError, match=expected) as error:
        provider.create(image_props(backup_id))
    assert error.value.message.startswith("error creating full-ECS image 'web01-full' from CSBS backup")
    assert sim.control.mutating_calls() == {}


def test_protecting_backup_is_waited_for(
    sim: RunningSimulator, provider: FullEcsImageProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    provider.timing = Timing(PollSchedule(0.05, 1.0, 0.05), retry_base=0.0)
    flip = threading.Timer(0.3, sim.control.set_backup_status, (seed.BACKUP_PROTECTING, "available"))
    flip.start()
    try:
        result = provider.create(image_props(seed.BACKUP_PROTECTING))
    finally:
        flip.cancel()
    assert result.id
    printed = capsys.readouterr().out
    assert "is protecting (still being made); waiting" in printed
    assert printed.count("is protecting") == 1  # one line per state change, not per poll


def test_protecting_backup_times_out_without_posting(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    provider.timing = Timing(PollSchedule(0.05, 1.0, 0.05), retry_base=0.0, minute=0.3)
    with pytest.raises(WaitTimeoutError, match=r"timed out waiting for CSBS backup .* to become available"):
        provider.create(image_props(seed.BACKUP_PROTECTING, create_timeout_minutes=1))
    assert sim.control.mutating_calls() == {}


def test_stopped_source_server_is_reported_and_never_started(
    sim: RunningSimulator, provider: FullEcsImageProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    provider.create(image_props(seed.BACKUP_STOPPED_SERVER))
    assert "is stopped (SHUTOFF); it stays stopped" in capsys.readouterr().out
    # The one write is the image itself: no ECS start/stop/reboot/OS route is ever called.
    assert sim.control.mutating_calls() == {"ims.create_whole_image": 1}
    server = next(s for s in sim.control.state()["servers"] if s["id"] == seed.SERVER_STOPPED)
    assert server["status"] == "SHUTOFF"


def test_failed_job_leaves_nothing_and_names_code_and_reason(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    sim.control.fail_next_job("IMG.0199", "disk copy failed")
    with pytest.raises(JobFailedError, match=r"failed with IMG\.0199: disk copy failed") as error:
        provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert "error creating full-ECS image" in error.value.message
    assert images_from(sim, seed.BACKUP_AVAILABLE) == []


def test_a_refused_create_request_makes_no_cleanup(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    # IMS answered 400: nothing was made, so create() neither looks for an image to delete nor
    # claims one in its message.
    sim.control.inject_fault("error", route="ims.create_whole_image", status=400)
    with pytest.raises(FullEcsImageError, match="returned HTTP 400") as error:
        provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert "image" not in error.value.message.split("returned HTTP 400", 1)[1]
    calls = sim.control.calls()
    assert calls["ims.create_whole_image"] == 1
    assert calls.get("ims.list_images", 0) == 1  # the preflight's one look for existing images
    assert images_from(sim, seed.BACKUP_AVAILABLE) == []


def test_an_unanswered_create_request_says_the_image_may_still_appear(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    # 503 on every try: the POST's outcome is unknown and no image is found yet.
    sim.control.inject_fault("error", route="ims.create_whole_image", status=503, count=100)
    with pytest.raises(FullEcsImageError, match="returned HTTP 503") as error:
        provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert "the next `pulumi up` adopts it" in error.value.message


def test_failed_job_deletes_the_image_it_left_behind(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    # The cloud keeps the failed image ("killed"): create() itself must delete it before raising.
    sim.control.fail_next_job("IMG.0199", "disk copy failed", keep_image=True)
    with pytest.raises(JobFailedError, match=r"failed with IMG\.0199: disk copy failed"):
        provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert images_from(sim, seed.BACKUP_AVAILABLE) == []
    assert sim.control.mutating_calls().get("ims.delete_image") == 1


def test_error_after_the_image_id_is_known_deletes_the_image(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    # The job ends at once, so its id is known; reading the new image's tags then keeps failing.
    sim.control.inject_fault("error", route="ims.list_image_tags", count=10, status=500)
    with pytest.raises(ApiError, match=r"list image tags at \S+ returned HTTP 500") as error:
        provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert images_from(sim, seed.BACKUP_AVAILABLE) == []
    assert sim.control.mutating_calls()["ims.delete_image"] == 1
    assert re.search(r"the image [0-9a-f-]{36} it started was deleted", error.value.message)
    assert error.value.message.startswith("error creating full-ECS image 'web01-full'")


def test_timeout_before_the_image_id_is_known_deletes_the_image_by_its_marker(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    # The POST answers after the whole create budget (0.3 s here) is spent: no poll named the image.
    provider.timing = dataclasses.replace(FAST_TIMING, minute=0.3)
    sim.control.set_job_seconds(30)
    sim.control.inject_fault("slow", route="ims.create_whole_image", delay_seconds=0.6)
    with pytest.raises(WaitTimeoutError, match=r"create timeout ran out before IMS job \w+ named its image"):
        provider.create(image_props(seed.BACKUP_AVAILABLE, create_timeout_minutes=1))
    assert images_from(sim, seed.BACKUP_AVAILABLE) == []
    assert sim.control.mutating_calls() == {"ims.create_whole_image": 1, "ims.delete_image": 1}


def test_failed_cleanup_names_the_image_and_a_rerun_adopts_it(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    sim.control.inject_fault("error", route="ims.list_image_tags", count=6, status=500)
    sim.control.inject_fault("error", route="ims.delete_image", count=6, status=503)
    props = image_props(seed.BACKUP_AVAILABLE)
    with pytest.raises(ApiError) as error:
        provider.create(props)
    [left] = images_from(sim, seed.BACKUP_AVAILABLE)
    message = error.value.message
    assert f"deleting image {left['id']} failed too" in message
    assert "run `pulumi up` again to adopt it" in message
    assert f"DELETE /v2/images/{left['id']}" in message
    sim.control.clear_faults()
    sim.control.clear_calls()
    assert provider.create(props).id == left["id"]  # the marker lets the re-run adopt it
    assert "ims.create_whole_image" not in sim.control.calls()


def test_adopts_its_own_image_after_an_interrupted_run(
    sim: RunningSimulator, provider: FullEcsImageProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    props = image_props(seed.BACKUP_AVAILABLE)
    # The first run POSTed, then the engine was killed before create() returned.
    cloud(sim, "create_whole_image", create_body(ImageSpec.model_validate(props)))
    sim.control.clear_calls()
    result = provider.create(props)
    assert [i["id"] for i in images_from(sim, seed.BACKUP_AVAILABLE)] == [result.id]
    assert "ims.create_whole_image" not in sim.control.calls()
    assert "adopted image" in capsys.readouterr().out


def test_another_stacks_image_is_not_taken(sim: RunningSimulator, provider: FullEcsImageProvider) -> None:
    first = provider.create(image_props(seed.BACKUP_AVAILABLE, name="web01-full"))
    sim.control.clear_calls()
    with pytest.raises(PreflightError, match=f"already produced full-ECS image {first.id}"):
        provider.create(image_props(seed.BACKUP_AVAILABLE, name="other", marker="f" * 32))
    assert sim.control.mutating_calls() == {}


def test_explicit_adoption_tags_and_converges(sim: RunningSimulator, provider: FullEcsImageProvider) -> None:
    props = image_props(
        seed.BACKUP_USED,
        name="adopted",
        adopt_image_id=seed.IMAGE_EXISTING,
        tags={"env": "prod"},
        max_ram=8192,
    )
    result = provider.create(props)
    assert result.id == seed.IMAGE_EXISTING
    outs = result.outs or {}
    assert (outs["name"], outs["max_ram"], outs["tags"]) == ("adopted", 8192, {"env": "prod"})
    assert cloud(sim, "list_image_tags", seed.IMAGE_EXISTING)[MARKER_TAG_KEY] == props["marker"]
    assert "ims.create_whole_image" not in sim.control.calls()


def test_explicit_adoption_refuses_an_image_from_another_backup(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    with pytest.raises(PreflightError, match="is not a full-ECS image made from"):
        provider.create(image_props(seed.BACKUP_AVAILABLE, adopt_image_id=seed.IMAGE_EXISTING))
    assert sim.control.mutating_calls() == {}


# ------------------------------------------------------------------ read


def test_read_sees_out_of_band_rename_and_carries_inputs(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    sim.control.rename_image(created.id, "renamed-by-hand")
    result = provider.read(created.id, dict(created.outs or {}) | {"__provider": "pickle"})
    assert result.id == created.id
    assert (result.outs or {})["name"] == "renamed-by-hand"
    assert (result.inputs or {})["name"] == "renamed-by-hand"
    assert "__provider" not in (result.inputs or {})
    assert (result.outs or {})["data_disks"] == (created.outs or {})["data_disks"]


def test_read_drops_an_image_deleted_out_of_band(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    sim.control.delete_image(created.id)
    result = provider.read(created.id, dict(created.outs or {}))
    assert result.id is None
    assert result.outs == {}


# ------------------------------------------------------------------ update


def test_update_in_place_uses_add_for_absent_attributes_and_tag_api(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE, tags={"env": "dev", "team": "a"}))
    olds = dict(created.outs or {})
    news = image_props(
        seed.BACKUP_AVAILABLE, name="web01-v2", description="now", max_ram=4096, tags={"env": "prod"}
    )
    outs = provider.update(created.id, olds, news).outs or {}
    assert (outs["name"], outs["description"], outs["max_ram"]) == ("web01-v2", "now", 4096)
    assert outs["tags"] == {"env": "prod"}
    assert outs["job_id"] == olds["job_id"]  # full outputs, not just the changed ones
    assert outs["data_disks"] == olds["data_disks"]
    tags = cloud(sim, "list_image_tags", created.id)
    assert tags[MARKER_TAG_KEY] == news["marker"]
    assert "team" not in tags
    calls = sim.control.calls()
    assert calls["ims.update_image"] == 3
    assert calls["ims.batch_image_tags"] == 2


def test_update_retries_replace_as_add_on_img_0035(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))  # no description: attribute absent
    # A stale view of the image that believes a description exists makes the first PATCH a
    # "replace", which IMS refuses with IMG.0035; the provider must retry it as "add".
    stale = Image.from_api({"id": created.id, "name": "web01-full", "__description": "x"})
    spec = ImageSpec.model_validate(image_props(seed.BACKUP_AVAILABLE, description="new"))

    async def converge_stale() -> None:
        async with HuaweiClient(provider_settings(sim), timing=FAST_TIMING) as api:
            await converge(api, spec, stale)

    asyncio.run(converge_stale())
    assert sim.control.calls()["ims.update_image"] == 2
    assert (provider.read(created.id, dict(created.outs or {})).outs or {})["description"] == "new"


def test_update_of_a_deleted_image_says_to_refresh(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    sim.control.delete_image(created.id)
    with pytest.raises(ImageUnusableError, match=r"pulumi up --refresh"):
        provider.update(created.id, dict(created.outs or {}), image_props(seed.BACKUP_AVAILABLE, name="x2"))


def test_diff_replace_decisions(provider: FullEcsImageProvider) -> None:
    olds = image_props(seed.BACKUP_AVAILABLE) | {"status": "active"}
    same = provider.diff("id", olds, image_props(seed.BACKUP_AVAILABLE) | {"__provider": "x"})
    assert same.changes is False
    moved = provider.diff("id", olds, image_props(seed.BACKUP_TWO_DATA_DISKS))
    assert (moved.replaces, moved.delete_before_replace) == (["backup_id"], False)
    killed = provider.diff("id", olds | {"status": "killed"}, image_props(seed.BACKUP_AVAILABLE))
    assert (killed.replaces, killed.delete_before_replace) == (["status"], True)


# ------------------------------------------------------------------ delete


def test_delete_keeps_the_backup_and_is_idempotent(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    created = provider.create(image_props(seed.BACKUP_AVAILABLE))
    provider.delete(created.id, dict(created.outs or {}))
    assert images_from(sim, seed.BACKUP_AVAILABLE) == []
    provider.delete(created.id, dict(created.outs or {}))  # already gone is success
    backups = {b["id"]: b for b in sim.control.state()["backups"]}
    assert backups[seed.BACKUP_AVAILABLE]["status"] == "available"


# ------------------------------------------------------------------ check, credentials, errors


def test_check_returns_failures_per_field_and_normalized_inputs(provider: FullEcsImageProvider) -> None:
    bad = provider.check({}, image_props("nope", name=" x", min_ram=9, max_ram=1) | {"__provider": "p"})
    assert {f.property for f in bad.failures} == {"backup_id", "name", "min_ram"}
    good = provider.check({}, {"backup_id": seed.BACKUP_AVAILABLE, "name": "n", "marker": "0" * 32})
    assert good.failures == []
    assert good.inputs["create_timeout_minutes"] == 30
    assert "__provider" not in good.inputs


def test_missing_credentials_fail_check_and_the_cloud_verbs_naming_the_setting(sim: RunningSimulator) -> None:
    config = sim_config(sim)
    del config["huaweicloud:secretKey"]
    provider = configured(config)
    [failure] = provider.check({}, image_props(seed.BACKUP_AVAILABLE)).failures
    assert "missing setting huaweicloud:secretKey" in failure.reason
    assert sim.control.calls() == {}
    with pytest.raises(SettingsError, match=r"missing setting huaweicloud:secretKey"):
        provider.create(image_props(seed.BACKUP_AVAILABLE))


def test_env_fallback_credentials(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    config = sim_config(sim)
    for key in ("accessKey", "secretKey", "projectId", "region"):
        del config[f"huaweicloud:{key}"]
    monkeypatch.setenv("HW_ACCESS_KEY", sim.access_key)
    monkeypatch.setenv("HW_SECRET_KEY", sim.secret_key)
    monkeypatch.setenv("HW_PROJECT_ID", sim.project_id)
    monkeypatch.setenv("HW_REGION_NAME", sim.region)
    assert configured(config).create(image_props(seed.BACKUP_AVAILABLE)).id


def test_rejected_credentials_are_a_clean_error_without_secrets(sim: RunningSimulator) -> None:
    provider = configured(sim_config(sim, **{"huaweicloud:secretKey": "wrong-secret-value"}))
    with pytest.raises(FullEcsImageError) as error:
        provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert "HTTP 401" in error.value.message
    assert "wrong-secret-value" not in error.value.message


def test_throttling_and_5xx_during_create_are_retried(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    sim.control.inject_fault("throttle", route="ims.create_whole_image", count=1)
    sim.control.inject_fault("error", route="ims.show_job_progress", count=2, status=503)
    result = provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert [i["id"] for i in images_from(sim, seed.BACKUP_AVAILABLE)] == [result.id]


def test_invalid_props_reaching_create_are_a_clean_error(provider: FullEcsImageProvider) -> None:
    # check() normally rejects these first; create() must still answer in one line, not a traceback.
    with pytest.raises(FullEcsImageError) as error:
        provider.create(image_props("not-a-uuid", name="x"))
    assert re.match(r"^error creating full-ECS image 'x' .*backup_id: must be a UUID", error.value.message)


def test_one_provider_serves_four_threads_at_once(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    """The provider host runs up to 4 verbs at once on one configured provider instance."""
    sim.control.set_backup_status(seed.BACKUP_PROTECTING, "available")
    backups = [
        seed.BACKUP_AVAILABLE,
        seed.BACKUP_TWO_DATA_DISKS,
        seed.BACKUP_STOPPED_SERVER,
        seed.BACKUP_PROTECTING,
    ]
    start = threading.Barrier(len(backups))

    def lifecycle(index: int) -> tuple[str, str, bool]:
        props = image_props(backups[index], name=f"image-{index}", marker=f"{index:032x}")
        start.wait()
        created = provider.create(props)
        read = provider.read(created.id, dict(created.outs or {}))
        provider.delete(created.id, dict(created.outs or {}))
        return created.id, (read.outs or {})["backup_id"], bool(images_from(sim, backups[index]))

    with ThreadPoolExecutor(max_workers=len(backups)) as pool:
        results = list(pool.map(lifecycle, range(len(backups))))
    assert len({image_id for image_id, _, _ in results}) == len(backups)
    assert [backup for _, backup, _ in results] == backups
    assert [left for _, _, left in results] == [False] * len(backups)
    assert sim.control.mutating_calls() == {
        "ims.create_whole_image": 4,
        "ims.batch_image_tags": 4,  # each image marked "deleting-" before its DELETE
        "ims.delete_image": 4,
    }


def test_each_retry_is_a_progress_line(
    sim: RunningSimulator, provider: FullEcsImageProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    sim.control.inject_fault("throttle", route="csbs.show_checkpoint_item", count=2)
    provider.create(image_props(seed.BACKUP_AVAILABLE))
    retries = [line for line in capsys.readouterr().out.splitlines() if "; retry " in line]
    assert len(retries) == 2
    assert retries[0].startswith("CSBS get backup at ")
    assert "HTTP 429 APIG.0308" in retries[0]


def test_the_create_request_is_not_resent_after_an_answer_that_leaves_it_open(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    # A 503 may come after IMS acted on the request: no blind resend; the marker scan decides.
    sim.control.inject_fault("error", route="ims.create_whole_image", status=503, count=1)
    with pytest.raises(FullEcsImageError, match="returned HTTP 503"):
        provider.create(image_props(seed.BACKUP_AVAILABLE))
    assert sim.control.calls()["ims.create_whole_image"] == 1


def test_check_runs_the_preflight_for_any_replacement_not_just_another_backup(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    olds = image_props(seed.CBR_BACKUP)  # a state whose backup is in fact a CBR one (e.g. made by hand)
    assert provider.check(olds, dict(olds)).failures == []  # unchanged: no preflight, no call
    assert sim.control.calls() == {}
    [failure] = provider.check(olds, {**olds, "source": "csbs", "region": "eu-west-101"}).failures
    assert failure.property == "backup_id"
    assert "is a CBR backup, but source is 'csbs'" in failure.reason


def test_a_delete_that_fails_gives_the_image_its_marker_back(
    sim: RunningSimulator, provider: FullEcsImageProvider
) -> None:
    props = image_props(seed.BACKUP_AVAILABLE)
    created = provider.create(props)
    sim.control.inject_fault("error", route="ims.delete_image", status=400)
    with pytest.raises(FullEcsImageError, match="returned HTTP 400"):
        provider.delete(created.id, dict(created.outs or {}))
    assert cloud(sim, "list_image_tags", created.id)[MARKER_TAG_KEY] == props["marker"]
    assert provider.create(props).id == created.id  # so a later run adopts it instead of waiting


def test_a_replacement_checked_twice_shows_its_lines_once(
    provider: FullEcsImageProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    # The engine checks a replacement with the old inputs, then again with none; both run the rules,
    # the new server's disks are shown once.
    olds = image_props(seed.BACKUP_AVAILABLE, server_disks=[{"name": "web"}])
    news = {**olds, "backup_id": seed.BACKUP_TWO_DATA_DISKS}
    capsys.readouterr()
    assert provider.check(olds, news).failures == []
    first = capsys.readouterr().out
    assert first.count("new server 'web' gets") == 3  # system disk and two data disks
    assert provider.check({}, news).failures == []
    assert "new server" not in capsys.readouterr().out
    # a check with no old inputs that follows no replacement (a new resource) shows them
    assert provider.check({}, news).failures == []
    assert capsys.readouterr().out.count("new server 'web' gets") == 3
