"""With a state file, every change is written atomically and reloaded by the next simulator."""

from __future__ import annotations

import json
from pathlib import Path

from sim_helpers import signed_request

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
