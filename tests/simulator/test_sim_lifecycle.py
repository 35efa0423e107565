"""The time-based job lifecycle, driven with explicit timestamps (no sleeping)."""

from __future__ import annotations

from simulator import seed
from simulator.ims.models import ImsBackend
from simulator.ims.records import CreateWholeImage
from simulator.state import CloudState

PROJECT = "0123456789abcdef0123456789abcdef"


def backend_with_job(duration: float) -> tuple[ImsBackend, str, str]:
    state: CloudState = seed.build("default", PROJECT)
    backend = ImsBackend(
        images=state.images, jobs=state.jobs, backups=state.backups, volumes=state.volumes, project_id=PROJECT
    )
    backend.job_seconds = duration
    spec = CreateWholeImage(
        name="img",
        backup_id=seed.BACKUP_AVAILABLE,
        whole_image_type="CSBS",
        description=None,
        tags=[],
        enterprise_project_id="0",
        min_ram=0,
        max_ram=None,
    )
    job = backend.create_whole_image(spec, now=1000.0)
    assert job.image_id is not None
    return backend, job.id, job.image_id


def test_job_starts_init_with_a_queued_image() -> None:
    backend, job_id, image_id = backend_with_job(10.0)
    backend.advance(1001.0)
    assert (backend.jobs[job_id].status, backend.images[image_id].status) == ("INIT", "queued")


def test_job_runs_with_a_saving_image() -> None:
    backend, job_id, image_id = backend_with_job(10.0)
    backend.advance(1005.0)
    assert (backend.jobs[job_id].status, backend.images[image_id].status) == ("RUNNING", "saving")
    # image_id only on SUCCESS (https://support.huaweicloud.com/intl/id-id/api-ims/ims_03_0905.html)
    assert backend.jobs[job_id].to_api()["entities"] == {}


def test_progress_rises_with_elapsed_time_and_is_100_at_the_end() -> None:
    backend, job_id, _ = backend_with_job(10.0)
    job = backend.jobs[job_id]
    backend.advance(1001.0)
    init = job.to_api(progress_at=1001.0)["entities"]
    backend.advance(1005.0)
    running = job.to_api(progress_at=1005.0)["entities"]
    backend.advance(1010.0)
    done = job.to_api(progress_at=1010.0)["entities"]

    assert (init["process_percent"], init["current_task"]) == (10.0, "init")
    assert (running["process_percent"], running["current_task"]) == (50.0, "create_whole_image")
    assert (done["process_percent"], done["current_task"]) == (100.0, "")


def test_progress_never_reads_100_before_the_job_has_finished() -> None:
    backend, job_id, _ = backend_with_job(10.0)
    job = backend.jobs[job_id]
    assert job.percent(1009.999) == 99.9  # still RUNNING: not advanced past the end


def test_job_succeeds_and_image_becomes_active_at_the_end() -> None:
    backend, job_id, image_id = backend_with_job(10.0)
    backend.advance(1010.0)
    job = backend.jobs[job_id]
    assert (job.status, job.end_ts, backend.images[image_id].status) == ("SUCCESS", 1010.0, "active")
    assert job.to_api()["entities"] == {"image_id": image_id, "image_name": "img"}


def test_zero_seconds_job_is_done_at_the_next_advance() -> None:
    backend, job_id, _ = backend_with_job(0.0)
    assert backend.jobs[job_id].status == "INIT"
    backend.advance(1000.0)
    assert backend.jobs[job_id].status == "SUCCESS"


def test_deleting_the_image_mid_job_fails_the_job() -> None:
    backend, job_id, image_id = backend_with_job(10.0)
    backend.delete_image(image_id, delete_backup=False)
    backend.advance(1020.0)
    assert backend.jobs[job_id].status == "FAIL"
    assert backend.jobs[job_id].to_api()["entities"] == {}
