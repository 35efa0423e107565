"""`make bench`'s pure parts (scripts/bench_report.py, option parsing, the scaled timing): no engine,
no simulator, no clock."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import bench
import bench_report as report
import bench_wait

# ---- ratios and summaries


def test_ratio_rounds_and_refuses_a_missing_or_zero_base() -> None:
    assert report.ratio(24.6, 21.7) == 1.134
    assert report.ratio(3.0, 2.0, digits=1) == 1.5
    assert report.ratio(1.0, 0.0) is None
    assert report.ratio(None, 1.0) is None
    assert report.ratio(1.0, None) is None


def test_per_image() -> None:
    assert report.per_image(950, 50) == 19.0
    assert report.per_image(1, 3, 3) == 0.333
    with pytest.raises(ValueError, match="positive"):
        report.per_image(1, 0)


def test_preview_summary_of_50_images() -> None:
    summary = report.preview_summary(2.0, 8.0, 50, 9, 450)
    assert summary["preview_seconds_1"] == 2.0
    assert summary["preview_seconds_50"] == 8.0
    assert summary["preview_ratio"] == 4.0
    assert summary["preview_seconds_per_image"] == 0.16
    assert summary["preview_marginal_seconds_per_image"] == round(6.0 / 49, 3)
    assert summary["preview_requests_per_image"] == 9.0
    assert report.preview_seconds_n(summary) == 8.0


def test_preview_summary_names_the_field_after_the_images() -> None:
    summary = report.preview_summary(2.0, 3.0, 3, 9, 27)
    assert summary["preview_seconds_3"] == 3.0
    assert "preview_seconds_50" not in summary
    assert report.preview_seconds_n(summary) == 3.0
    with pytest.raises(ValueError, match="at least 2"):
        report.preview_summary(1.0, 1.0, 1, 1, 1)


# ---- the wait: goals, scale, reference pollers


@pytest.mark.parametrize(("job", "goal"), [(5.0, 1.0), (20.0, 1.0), (60.0, 3.0), (600.0, 30.0)])
def test_latency_goal_is_one_second_or_five_percent(job: float, goal: float) -> None:
    assert report.latency_goal(job) == pytest.approx(goal)


def test_time_scale_keeps_short_jobs_real() -> None:
    assert report.time_scale(5, 12) == 1.0
    assert report.time_scale(60, 12) == 5.0
    assert report.time_scale(600, 12) == 50.0
    with pytest.raises(ValueError, match="positive"):
        report.time_scale(60, 0)


def test_terraform_schedule_is_ten_seconds_then_every_ten() -> None:
    assert list(itertools.islice(report.TERRAFORM_POLLER.offsets(), 4)) == [10.0, 20.0, 30.0, 40.0]


def test_naive_schedule_polls_at_once_then_every_second() -> None:
    assert list(itertools.islice(report.NAIVE_POLLER.offsets(), 4)) == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    ("poller", "job", "latency", "requests"),
    [
        # (lag after the job's end, job polls + 1 image read) on a perfect clock
        (report.TERRAFORM_POLLER, 5.0, 5.0, 2),
        (report.TERRAFORM_POLLER, 60.0, 0.0, 7),
        (report.TERRAFORM_POLLER, 65.0, 5.0, 8),
        (report.TERRAFORM_POLLER, 600.0, 0.0, 61),
        (report.NAIVE_POLLER, 5.0, 0.0, 7),
        (report.NAIVE_POLLER, 0.5, 0.5, 3),
        (report.NAIVE_POLLER, 600.0, 0.0, 602),
    ],
)
def test_reference_poller_expected_cost(
    poller: report.ReferencePoller, job: float, latency: float, requests: int
) -> None:
    lag, count = poller.expected(job)
    assert lag == pytest.approx(latency)
    assert count == requests


def test_scaled_reference_poller_divides_both_intervals() -> None:
    scaled = report.TERRAFORM_POLLER.scaled(100)
    assert (scaled.delay, scaled.interval) == (0.1, 0.1)
    assert scaled.expected(6.0)[1] == report.TERRAFORM_POLLER.expected(600.0)[1]


def test_scaled_timing_divides_the_poll_schedule_and_the_retries() -> None:
    timing = bench_wait.scaled_timing(10)
    assert timing.poll.first == pytest.approx(0.05)
    assert timing.poll.cap == pytest.approx(1.0)
    assert timing.poll.factor == 1.5
    assert timing.retry_base == pytest.approx(0.1)


def wait_row(job: float, poller: str, latency: float, requests: int) -> dict[str, Any]:
    return {"job_seconds": job, "poller": poller, "latency_seconds": latency, "requests": requests}


WAIT_ROWS = [
    wait_row(5, report.OURS, 0.2, 7),
    wait_row(5, report.TERRAFORM, 5.0, 2),
    wait_row(60, report.OURS, 0.3, 12),
    wait_row(60, report.TERRAFORM, 0.1, 7),
    wait_row(600, report.OURS, 31.0, 59),
    wait_row(600, report.TERRAFORM, 0.5, 61),
]


def test_wait_goals() -> None:
    goals = {g["job_seconds"]: g for g in report.wait_goals(WAIT_ROWS)}
    assert goals[5.0]["meets_latency"] is True
    assert goals[5.0]["meets_requests"] is None  # shorter than Terraform's first poll: not compared
    assert goals[60.0] | {} == {
        "job_seconds": 60.0,
        "latency_goal_seconds": 3.0,
        "latency_seconds": 0.3,
        "meets_latency": True,
        "requests": 12,
        "terraform_requests": 7,
        "meets_requests": False,
    }
    assert goals[600.0]["meets_latency"] is False
    assert goals[600.0]["meets_requests"] is True


# ---- the engine's output

OUTPUT = """\
Updating (bench-50-rate-limited):
 +  hwc:ims:FullEcsImage image-000 creating (1s) IMS get job returned HTTP 429 APIG.0308: x; retry 1 in 0.5s
 -  pulumi-python:dynamic/hwc-ims:ImageGone g deleting (2s) error: error waiting for X: HTTP 404 IMG.0144
 -  pulumi-python:dynamic/hwc-ims:ImageGone g **failed** error: error waiting for X: HTTP 404 IMG.0144
    pulumi:pulumi:Stack s  error: update failed
Diagnostics:
  pulumi:pulumi:Stack (s):
    CSBS get backup returned HTTP 429 APIG.0308: x; retry 1 in 0.6s
    CSBS get backup returned HTTP 429 APIG.0308: x; retry 2 in 1.3s
    error: update failed
  hwc:ims:FullEcsImage (image-000):
    full-ECS image i: IMS get job returned HTTP 429 APIG.0308: x; retry 1 in 0.5s
    error: error waiting for X: HTTP 404 IMG.0144

Resources:
    2 errored
"""


def test_count_retries_reads_each_message_once_from_the_diagnostics() -> None:
    assert report.count_retries(OUTPUT) == 3
    assert report.count_retries("a; retry 1 in 0.5s\nb; retry 2 in 1.0s\n") == 2  # no Diagnostics


def test_failures_count_own_errors_not_the_programs_exit() -> None:
    exited = "an unhandled error occurred: program exited with non-zero exit code: 1"
    assert report.failures(["error with full-ECS image: HTTP 429", exited], 1) == 1
    assert report.failures([exited], 1) == 1  # the command failed: at least one
    assert report.failures(["a", "b"], 1) == 2
    assert report.failures([], 0) == 0


def test_error_lines_are_distinct_messages_without_the_summary() -> None:
    assert report.error_lines(OUTPUT) == ["error waiting for X: HTTP 404 IMG.0144"]
    assert report.error_lines("error: a\nerror: b\nerror: c\n", limit=2) == ["a", "b"]
    assert report.error_lines("all good\n") == []


# ---- the table


def scaling_results() -> dict[str, Any]:
    def run(images: int, preview: float, up: float, destroy: float) -> dict[str, Any]:
        return {
            "images": images,
            "preview_seconds": preview,
            "up_seconds": up,
            "destroy_seconds": destroy,
            "preview_requests_per_image": 9.0,
            "up_requests_per_image": 19.0,
            "destroy_requests_per_image": 4.0,
        }

    return {
        "job_seconds": 20.0,
        "delete_seconds": 5.0,
        "parallel": "engine default",
        "cpus": 2,
        "load_average_before": 1.0,
        "load_average_after": 1.5,
        "up_ratio": 1.134,
        "destroy_ratio": 12.5,
        **report.preview_summary(2.0, 8.0, 50, 9, 450),
        "runs": [run(1, 2.0, 21.7, 6.0), run(50, 8.0, 24.6, 75.0)],
        "rate_limited": {
            "per_second": 10.0,
            "images": 50,
            "failures": 0,
            "up_seconds": 110.0,
            "ratio": 4.472,
            "requests_per_image": 21.5,
            "throttled_retries": 37,
            "destroy_seconds": 20.0,
            "destroy_failures": 1,
        },
        "wait_comparison": WAIT_ROWS,
        "wait_goals": report.wait_goals(WAIT_ROWS),
    }


def test_table_rows_cover_every_measurement_with_its_verdict() -> None:
    rows = {(r[0], r[1]): r for r in report.table_rows(scaling_results())}
    assert rows[("preview", "50")][2:] == ("8.00", "4.00", "9.0", "<= 1 s/image", "meets (0.16 s/image)")
    assert rows[("up", "1")][2:5] == ("21.7", "1.00", "19.0")
    # 1.13x meets the ratio, but 19 requests per image miss the 12 of the goal.
    assert rows[("up", "50")][3:] == ("1.13", "19.0", "ratio <= 1.15, <= 12 requests/image", "MISSES")
    assert rows[("destroy (delete 5 s)", "50")][3:] == ("12.50", "4.0", "ratio <= 1.5", "MISSES")
    assert rows[("up at 10 req/s", "50")][3:] == (
        "4.47",
        "21.5",
        "0 failures",
        "meets (0 failed, 0 not active, 37 retries)",
    )
    assert rows[("destroy at 10 req/s", "50")][-2:] == ("0 failures, 0 left", "MISSES (1 failed, 0 left)")
    # a destroy that exits 0 with an image still listed misses the goal as well
    left = scaling_results()
    left["rate_limited"] |= {"destroy_failures": 0, "images_left": 1}
    rows = {(r[0], r[1]): r for r in report.table_rows(left)}
    assert rows[("destroy at 10 req/s", "50")][-1] == "MISSES (0 failed, 1 left)"
    assert rows[("wait 60 s job: ours", "1")][2:] == (
        "0.30",
        "",
        "12",
        "lag <= 3 s, req <= 7",
        "meets, MISSES",
    )
    assert rows[("wait 5 s job: ours", "1")][-1] == "meets"  # no request goal under 60 s
    assert rows[("wait 600 s job: ours", "1")][-1] == "MISSES, meets"
    assert rows[("wait 600 s job: terraform", "1")][-2:] == ("", "")
    assert len(rows) == 8 + len(WAIT_ROWS)


def test_table_rows_of_parts_that_did_not_run_are_left_out() -> None:
    assert (
        report.table_rows({"wait_comparison": WAIT_ROWS[:2], "wait_goals": []})[0][0] == "wait 5 s job: ours"
    )
    assert report.table_rows({}) == []


def test_format_table_aligns_the_columns_under_the_header() -> None:
    text = report.format_table(scaling_results())
    lines = text.splitlines()
    assert lines[0].startswith(
        "FullEcsImage bench: job 20 s per image, delete 5 s, --parallel engine default"
    )
    header = lines[2]
    assert header.split() == ["measurement", "images", "seconds", "ratio", "req/image", "goal", "result"]
    assert set(lines[3]) == {"-"}
    body = lines[4 : 4 + 8 + len(WAIT_ROWS)]
    images_end = header.index("images") + len("images")
    for line in body:
        assert line[images_end - 1] != " ", line  # right-aligned under "images"
    goal_start = header.index("goal")
    up_50 = next(line for line in body if line.startswith("up  ") and "ratio <= 1.15" in line)
    assert up_50.index("ratio <= 1.15") == goal_start


def test_format_table_of_nothing_still_has_the_header() -> None:
    lines = report.format_table({}).splitlines()
    assert lines[2].split()[0] == "measurement"


# ---- options


def test_options_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BENCH_IMAGES", "5")
    monkeypatch.setenv("BENCH_WAIT_JOBS", "5,60")
    monkeypatch.setenv("BENCH_PARTS", "wait")
    options = bench.parse_args([])
    assert options.images == 5
    assert options.wait_jobs == (5.0, 60.0)
    assert options.parts == ("wait",)
    assert options.delete_seconds == 5.0
    assert options.rate_limit == 10.0
    assert options.parallel_args == []


def test_options_flags_win_and_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BENCH_IMAGES", "BENCH_PARTS", "BENCH_WAIT_JOBS", "BENCH_PARALLEL"):
        monkeypatch.delenv(name, raising=False)
    options = bench.parse_args(["--images", "3", "--parallel", "8", "--parts", "scaling,rate_limited"])
    assert (options.images, options.parallel_args, options.parts) == (
        3,
        ["--parallel", "8"],
        ("scaling", "rate_limited"),
    )
    assert options.wait_jobs == (5.0, 60.0, 600.0)
    for bad in (["--images", "1"], ["--parts", "nope"], ["--wait-jobs", "5,x"], ["--rate-limit", "0"]):
        with pytest.raises(SystemExit):
            bench.parse_args(bad)
