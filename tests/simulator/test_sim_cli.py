"""`python -m simulator` as a subprocess: first line, --help, SIGTERM with state flushed, restart mid-job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sim_helpers import signed_request

from simulator import seed
from simulator.__main__ import parse_args
from simulator.testing import SimulatorControl

AK, SK, PROJECT = "CLIAK000000000000001", "cli-secret", "0123456789abcdef0123456789abcdef"
REPO = Path(__file__).resolve().parents[2]


class CliSimulator:
    """Just enough of RunningSimulator for sim_helpers.signed_request."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process, self.url = process, url
        self.access_key, self.secret_key, self.project_id = AK, SK, PROJECT
        self.control = SimulatorControl(url)


def command(*extra: str) -> list[str]:
    """`python -m simulator` on a free port with the test credentials, plus `extra` flags."""
    credentials = ["--access-key", AK, "--secret-key", SK, "--project-id", PROJECT]
    return [sys.executable, "-m", "simulator", "--port", "0", *credentials, *extra]


def start(*extra: str) -> CliSimulator:
    process = subprocess.Popen(
        command(*extra),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    prefix = "simulator listening on http://127.0.0.1:"
    assert first.startswith(prefix), first
    return CliSimulator(process, first.removeprefix("simulator listening on "))


@pytest.fixture
def processes() -> Iterator[list[CliSimulator]]:
    started: list[CliSimulator] = []
    yield started
    for sim in started:
        if sim.process.poll() is None:
            sim.process.kill()
        sim.process.wait(timeout=10)


def create_job(sim: CliSimulator, backup_id: str = seed.BACKUP_AVAILABLE) -> str:
    body = {"name": "cli-img", "backup_id": backup_id, "whole_image_type": "CSBS"}
    response = signed_request(sim, "POST", "/v1/cloudimages/wholeimages/action", body=body)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    job_id: str = response.json()["job_id"]
    return job_id


def job_status(sim: CliSimulator, job_id: str) -> dict[str, object]:
    response = signed_request(sim, "GET", f"/v1/{PROJECT}/jobs/{job_id}")  # type: ignore[arg-type]
    result: dict[str, object] = response.json()
    return result


def test_help_documents_every_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "--help"], cwd=REPO, capture_output=True, text=True, check=True
    )
    for flag in (
        "--host",
        "--port",
        "--access-key",
        "--secret-key",
        "--project-id",
        "--region",
        "--state-file",
        "--job-seconds",
        "--delete-seconds",
        "--rate-limit",
        "--seed",
    ):
        assert flag in result.stdout


def test_missing_required_flag_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "--port", "0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--access-key" in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "-inf"])
def test_job_seconds_must_be_finite_and_not_negative(value: str) -> None:
    result = subprocess.run(
        command(f"--job-seconds={value}"),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "--job-seconds must be a finite number of seconds, 0 or more" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("--delete-seconds=-1", "--delete-seconds must be a finite number of seconds, 0 or more"),
        ("--delete-seconds=nan", "--delete-seconds must be a finite number of seconds, 0 or more"),
        ("--rate-limit=0", "--rate-limit must be a positive number of requests per second"),
        ("--rate-limit=inf", "--rate-limit must be a positive number of requests per second"),
    ],
)
def test_delete_seconds_and_rate_limit_are_checked(
    flag: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(command(flag)[3:])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_rate_limit_and_delete_seconds_flags_take_effect(processes: list[CliSimulator]) -> None:
    sim = start("--rate-limit", "2", "--delete-seconds", "30")
    processes.append(sim)
    path = f"/v2/images/{seed.IMAGE_EXISTING}"
    deleted = signed_request(sim, "DELETE", path)  # type: ignore[arg-type]
    statuses = [signed_request(sim, "GET", path).status_code for _ in range(3)]  # type: ignore[arg-type]
    sim.control.clear_faults()  # clearing control-API limits keeps the --rate-limit one

    assert deleted.status_code == 204
    assert statuses[0] == 200  # still there: deleting takes 30 s
    assert 429 in statuses
    assert sim.control.state()["images"][0]["delete_at"] is not None
    assert sim.control.faults()["rate_limits"] == {"*": 2.0}


def test_first_line_then_serves_signed_requests(processes: list[CliSimulator]) -> None:
    sim = start()
    processes.append(sim)
    response = signed_request(sim, "GET", "/v2/cloudimages")  # type: ignore[arg-type]
    assert [i["id"] for i in response.json()["images"]] == [seed.IMAGE_EXISTING]


def test_region_flag_places_the_seeded_servers(processes: list[CliSimulator]) -> None:
    sim = start("--region", "la-south-2")
    processes.append(sim)
    path = f"/v1/{PROJECT}/cloudservers/{seed.SERVER_RUNNING}"
    response = signed_request(sim, "GET", path)  # type: ignore[arg-type]
    assert response.json()["server"]["OS-EXT-AZ:availability_zone"] == "la-south-2a"


def test_sigterm_shuts_down_cleanly_with_state_flushed(processes: list[CliSimulator], tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    sim = start("--state-file", str(state_file), "--job-seconds", "3600")
    processes.append(sim)
    job_id = create_job(sim)

    sim.process.send_signal(signal.SIGTERM)
    out, _ = sim.process.communicate(timeout=20)

    assert sim.process.returncode == 0
    assert "simulator stopped" in out
    saved = json.loads(state_file.read_text())
    assert [j["id"] for j in saved["jobs"]] == [job_id]
    assert sorted(i["name"] for i in saved["images"]) == ["cli-img", "web01-legacy-full"]


def test_killed_mid_job_the_job_finishes_after_restart(processes: list[CliSimulator], tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    sim = start("--state-file", str(state_file), "--job-seconds", "3")
    processes.append(sim)
    job_id = create_job(sim)
    assert job_status(sim, job_id)["status"] in ("INIT", "RUNNING")
    os.kill(sim.process.pid, signal.SIGKILL)
    sim.process.wait(timeout=10)

    again = start("--state-file", str(state_file), "--job-seconds", "3")
    processes.append(again)
    deadline = time.monotonic() + 30
    status = job_status(again, job_id)
    while status["status"] not in ("SUCCESS", "FAIL") and time.monotonic() < deadline:
        time.sleep(0.2)
        status = job_status(again, job_id)

    assert status["status"] == "SUCCESS"
    image_id = status["entities"]["image_id"]  # type: ignore[index]
    images = signed_request(again, "GET", "/v2/cloudimages", query=[("id", image_id)])  # type: ignore[arg-type]
    assert [i["status"] for i in images.json()["images"]] == ["active"]


def test_state_file_reload_ignores_the_seed(processes: list[CliSimulator], tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    first = start("--state-file", str(state_file))
    processes.append(first)
    first.control.delete_image(seed.IMAGE_EXISTING)
    first.process.send_signal(signal.SIGTERM)
    first.process.communicate(timeout=20)

    second = start("--state-file", str(state_file), "--seed", "default")
    processes.append(second)
    assert second.control.images() == []


def test_unreadable_state_file_is_a_clear_error(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    state_file.write_text("{not json")
    result = subprocess.run(
        command("--state-file", str(state_file)),
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error starting simulator: error loading state file {state_file}:")
