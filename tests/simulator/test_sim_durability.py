"""With a state file, every change is written atomically and reloaded by the next simulator."""

from __future__ import annotations

import json
from pathlib import Path

from sim_helpers import make_image, raw_server, signed_request

from simulator import seed
from simulator.testing import start_simulator


def test_every_change_is_written_to_the_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with start_simulator(state_file=str(state_file)) as sim:
        signed_request(sim, "DELETE", f"/v2/images/{seed.IMAGE_EXISTING}")
        saved = json.loads(state_file.read_text())
    assert saved["images"] == []
    assert list(tmp_path.iterdir()) == [state_file]  # no temp files left behind


def test_restart_keeps_images_jobs_and_backup_links(tmp_path: Path) -> None:
    state_file = str(tmp_path / "state.json")
    body = {"name": "durable", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "CSBS"}
    with start_simulator(state_file=state_file, job_seconds=3600) as first:
        job_id = signed_request(first, "POST", "/v1/cloudimages/wholeimages/action", body=body).json()[
            "job_id"
        ]

    with start_simulator(state_file=state_file) as second:
        job = signed_request(second, "GET", f"/v1/{second.project_id}/jobs/{job_id}").json()
        item = signed_request(
            second, "GET", f"/v1/{second.project_id}/checkpoint_items/{seed.BACKUP_AVAILABLE}"
        )

        images = second.control.images()

    assert job["status"] == "INIT"
    made = [i["id"] for i in images if i["__backup_id"] == seed.BACKUP_AVAILABLE]
    assert len(made) == 1
    assert item.json()["checkpoint_item"]["extend_info"]["os_images_data"] == [{"image_id": made[0]}]


def _saved_jobs(state_file: Path) -> dict[str, str]:
    """Job statuses in the file now (read inside the `with`: stopping the simulator flushes)."""
    return {job["id"]: job["status"] for job in json.loads(state_file.read_text())["jobs"]}


def test_reads_never_serialise_or_rewrite_the_state_file(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with start_simulator(state_file=str(state_file)) as sim:
        store = sim.app.store
        before = (store.serialisations, store.writes, state_file.stat().st_mtime_ns)
        project = sim.project_id
        for path in (
            "/v2/cloudimages",
            f"/v2/images/{seed.IMAGE_EXISTING}",
            f"/v3/{project}/backups",
            f"/v1/{project}/checkpoint_items/{seed.BACKUP_AVAILABLE}",
            f"/v1/{project}/cloudservers/detail",
            f"/v1/{project}/cloudservers/{seed.SERVER_RUNNING}",
        ):
            assert signed_request(sim, "GET", path).status_code == 200, path
        sim.control.images()
        sim.control.state()
        sim.control.calls()
        after = (store.serialisations, store.writes, state_file.stat().st_mtime_ns)
    assert after == before


def test_a_write_saves_and_a_refused_write_leaves_the_file_alone(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    with start_simulator(state_file=str(state_file)) as sim:
        store = sim.app.store
        writes = store.writes
        assert signed_request(sim, "DELETE", f"/v2/images/{seed.IMAGE_EXISTING}").status_code == 204
        assert store.writes == writes + 1
        mtime = state_file.stat().st_mtime_ns
        missing = signed_request(sim, "DELETE", f"/v2/images/{seed.IMAGE_EXISTING}")
        assert missing.status_code == 404
        assert (store.writes, state_file.stat().st_mtime_ns) == (writes + 1, mtime)


def test_job_progress_observed_by_a_read_is_saved(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    body = {"name": "observed", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "CSBS"}
    with start_simulator(state_file=str(state_file), job_seconds=0) as sim:
        created = signed_request(sim, "POST", "/v1/cloudimages/wholeimages/action", body=body)
        job_id = created.json()["job_id"]
        assert _saved_jobs(state_file)[job_id] == "INIT"  # the job moves only on the next request

        job = signed_request(sim, "GET", f"/v1/{sim.project_id}/jobs/{job_id}").json()
        saved_jobs = _saved_jobs(state_file)
        saved = json.loads(state_file.read_text())

    assert job["status"] == "SUCCESS"
    assert saved_jobs[job_id] == "SUCCESS"
    assert [i["status"] for i in saved["images"] if i["name"] == "observed"] == ["active"]


def test_ecs_job_progress_observed_by_a_read_is_saved(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    body = {"os-stop": {"servers": [{"id": seed.SERVER_RUNNING}], "type": "HARD"}}
    with start_simulator(state_file=str(state_file), job_seconds=0) as sim:
        path = f"/v1/{sim.project_id}/cloudservers"
        assert signed_request(sim, "POST", f"{path}/action", body=body).status_code == 200
        shown = signed_request(sim, "GET", f"{path}/{seed.SERVER_RUNNING}").json()
        saved = json.loads(state_file.read_text())

    assert shown["server"]["status"] == "SHUTOFF"
    assert [s["status"] for s in saved["servers"] if s["id"] == seed.SERVER_RUNNING] == ["SHUTOFF"]
    assert [j["status"] for j in saved["ecs_jobs"]] == ["SUCCESS"]


def test_progress_never_saved_is_recomputed_after_a_restart(tmp_path: Path) -> None:
    # A job that finished only in memory (no request saw it before the process died) is not lost:
    # progress is time-based from the saved begin time, so the next simulator recomputes it.
    state_file = tmp_path / "state.json"
    body = {"name": "recomputed", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "CSBS"}
    with start_simulator(state_file=str(state_file), job_seconds=0) as first:
        created = signed_request(first, "POST", "/v1/cloudimages/wholeimages/action", body=body)
        job_id = created.json()["job_id"]
    assert _saved_jobs(state_file)[job_id] == "INIT"

    with start_simulator(state_file=str(state_file)) as second:
        job = signed_request(second, "GET", f"/v1/{second.project_id}/jobs/{job_id}").json()
        images = second.control.images()
        saved_jobs = _saved_jobs(state_file)

    assert job["status"] == "SUCCESS"
    assert [i["status"] for i in images if i["name"] == "recomputed"] == ["active"]
    assert saved_jobs[job_id] == "SUCCESS"


def test_restart_keeps_created_servers_members_and_pending_deletions(tmp_path: Path) -> None:
    state_file = str(tmp_path / "state.json")
    server = raw_server(name="durable")
    with start_simulator(state_file=state_file, delete_seconds=3600) as first:
        path = f"/v1/{first.project_id}/cloudservers"
        server_id = signed_request(first, "POST", path, body={"server": server}).json()["serverIds"][0]
        image_id = make_image(first, seed.CBR_BACKUP, kind="CBR")
        members = {"images": [image_id], "projects": ["a" * 32]}
        share_job = signed_request(first, "POST", "/v1/cloudimages/members", body=members).json()["job_id"]
        signed_request(first, "GET", f"/v1/{first.project_id}/jobs/{share_job}")
        signed_request(first, "DELETE", f"/v2/images/{seed.IMAGE_EXISTING}")

    with start_simulator(state_file=state_file) as second:
        shown = signed_request(second, "GET", f"/v1/{second.project_id}/cloudservers/{server_id}").json()
        listed = signed_request(second, "GET", "/v2/cloudimages", query=[("id", seed.IMAGE_EXISTING)])
        member_ids = [m["member_id"] for m in second.control.image_members(image_id)]

    assert (shown["server"]["status"], len(shown["server"]["addresses"]["vpc-0001"])) == ("ACTIVE", 1)
    assert member_ids == ["a" * 32]
    assert [i["id"] for i in listed.json()["images"]] == [seed.IMAGE_EXISTING]  # still being deleted
