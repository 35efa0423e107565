"""The pure parts of `make bench` (scripts/bench.py): ratios, summaries of the measured runs, goals,
the reference pollers' schedules, scraping the engine's output, and the one table.

No I/O, no clock: tests/scripts/test_bench.py tests all of it without the engine or the simulator.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

UP_TARGET_RATIO = 1.15
"""Issue 14, item 9: N=50 images in one `pulumi up` take at most 1.15x one image."""
DESTROY_TARGET_RATIO = 1.5
"""Issue 14, item 9: destroying 50 images (5 s deletions) takes at most 1.5x one."""
UP_TARGET_REQUESTS_PER_IMAGE = 12.0
"""Issue 14, item 9: at most 12 API requests per image on `up` (check()'s reads reused by create())."""
PREVIEW_TARGET_SECONDS_PER_IMAGE = 1.0
"""The preview's preflight costs under one second per image in total (preview of N / N)."""
WAIT_LATENCY_FLOOR_SECONDS = 1.0
WAIT_LATENCY_SHARE = 0.05
"""The wait notices the job's end within max(1 s, 5 % of the job)."""
WAIT_REQUESTS_MIN_JOB_SECONDS = 60.0
"""From this job length on, the wait makes no more requests than Terraform's schedule."""
OURS = "ours"
TERRAFORM = "terraform"
NAIVE = "naive-1s"


# ---- ratios and summaries -----------------------------------------------------------------------


def ratio(value: float | None, base: float | None, digits: int = 3) -> float | None:
    """value / base, rounded; None when either is missing or the base is not positive."""
    if value is None or base is None or base <= 0:
        return None
    return round(value / base, digits)


def per_image(total: float, images: int, digits: int = 2) -> float:
    if images <= 0:
        raise ValueError(f"images must be positive, got {images}")
    return round(total / images, digits)


def preview_summary(
    seconds_1: float, seconds_n: float, images: int, requests_1: int, requests_n: int
) -> dict[str, Any]:
    """The preview of `images` new images against the preview of one (both on fresh stacks).

    `preview_seconds_per_image` is the whole preview of N divided by N (the issue's "under one second
    per image in total"); `preview_marginal_seconds_per_image` is what each image beyond the first adds.
    """
    if images < 2:
        raise ValueError(f"the large preview needs at least 2 images, got {images}")
    return {
        "preview_seconds_1": round(seconds_1, 2),
        "preview_seconds_50" if images == 50 else f"preview_seconds_{images}": round(seconds_n, 2),
        "preview_images": images,
        "preview_ratio": ratio(seconds_n, seconds_1),
        "preview_seconds_per_image": per_image(seconds_n, images, 3),
        "preview_marginal_seconds_per_image": round((seconds_n - seconds_1) / (images - 1), 3),
        "preview_requests_per_image": per_image(requests_n, images),
        "preview_requests_1": requests_1,
        "preview_target_seconds_per_image": PREVIEW_TARGET_SECONDS_PER_IMAGE,
    }


def preview_seconds_n(results: Mapping[str, Any]) -> float | None:
    """The large preview's seconds, whatever N was (`preview_seconds_50` for the default)."""
    images = results.get("preview_images")
    value = results.get(f"preview_seconds_{images}") if images else None
    return float(value) if value is not None else None


# ---- the create wait: goals and the reference pollers -------------------------------------------


def latency_goal(job_seconds: float) -> float:
    """The longest acceptable delay between the job's end and the wait noticing it."""
    return max(WAIT_LATENCY_FLOOR_SECONDS, WAIT_LATENCY_SHARE * job_seconds)


def time_scale(job_seconds: float, scaled_seconds: float) -> float:
    """How much a wait is sped up so that the job lasts at most `scaled_seconds` of real time (>= 1:
    short jobs run in real time). The pollers' intervals are divided by the same factor."""
    if scaled_seconds <= 0:
        raise ValueError(f"scaled seconds must be positive, got {scaled_seconds}")
    return max(1.0, job_seconds / scaled_seconds)


@dataclass(frozen=True)
class ReferencePoller:
    """A fixed-interval poller of the job: first poll after `delay`, then every `interval` seconds,
    at absolute times (no drift from the requests' own time). Once the job is SUCCESS it reads the
    image once (Terraform's Read after Create), so a wait costs polls + 1 requests."""

    name: str
    delay: float
    interval: float

    def offsets(self) -> Iterator[float]:
        """When each job poll happens, in seconds from the start of the wait."""
        for k in itertools.count():
            yield self.delay + k * self.interval

    def expected(self, job_seconds: float) -> tuple[float, int]:
        """(latency, requests) on a perfect clock, for a job that ends `job_seconds` after the wait starts."""
        for polls, at in enumerate(self.offsets(), start=1):
            if at >= job_seconds:
                return at - job_seconds, polls + 1
        raise AssertionError("unreachable: offsets() never ends")  # pragma: no cover

    def scaled(self, factor: float) -> ReferencePoller:
        return ReferencePoller(self.name, self.delay / factor, self.interval / factor)


# Terraform's IMS whole-image create wait: 10 s delay, then every 10 s
# (huaweicloud/terraform-provider-huaweicloud, services/ims, StateChangeConf Delay/PollInterval).
TERRAFORM_POLLER = ReferencePoller(TERRAFORM, delay=10.0, interval=10.0)
NAIVE_POLLER = ReferencePoller(NAIVE, delay=0.0, interval=1.0)
REFERENCE_POLLERS = (TERRAFORM_POLLER, NAIVE_POLLER)


def wait_goals(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per job length: our wait's latency against its goal, and its requests against Terraform's."""
    goals = []
    for job in sorted({float(r["job_seconds"]) for r in rows}):
        by_poller = {r["poller"]: r for r in rows if float(r["job_seconds"]) == job}
        ours, terraform = by_poller.get(OURS), by_poller.get(TERRAFORM)
        if ours is None:
            continue
        goal: dict[str, Any] = {
            "job_seconds": job,
            "latency_goal_seconds": latency_goal(job),
            "latency_seconds": ours["latency_seconds"],
            "meets_latency": ours["latency_seconds"] <= latency_goal(job),
            "requests": ours["requests"],
            "terraform_requests": terraform["requests"] if terraform else None,
            "meets_requests": None,
        }
        if terraform is not None and job >= WAIT_REQUESTS_MIN_JOB_SECONDS:
            goal["meets_requests"] = ours["requests"] <= terraform["requests"]
        goals.append(goal)
    return goals


# ---- the engine's output ------------------------------------------------------------------------

_RETRY = re.compile(r"; retry \d+ in \d")
_ERROR = re.compile(r"\berror: (.+)$")
_GENERIC_ERRORS = ("update failed", "preview failed")
_CONSEQUENCE = "an unhandled error occurred"


def diagnostics(output: str) -> list[str]:
    """The lines of the last `Diagnostics:` section (each message once), else every line."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == "Diagnostics:"]
    if not starts:
        return lines
    section = []
    for line in lines[starts[-1] + 1 :]:
        if line.strip() in ("Outputs:", "Resources:") or line.startswith("Resources:"):
            break
        section.append(line)
    return section


def count_retries(output: str) -> int:
    """Retries the client announced (one line per 429/5xx/dropped connection it retried)."""
    return sum(1 for line in diagnostics(output) if _RETRY.search(line))


def error_lines(output: str, limit: int = 20) -> list[str]:
    """The distinct error messages (the text after `error: `), in order, at most `limit`; the
    engine's summary ("update failed") left out."""
    seen: dict[str, None] = {}
    for line in output.splitlines():
        found = _ERROR.search(line)
        message = found.group(1).strip() if found else ""
        if message and message not in _GENERIC_ERRORS:
            seen.setdefault(message, None)
    return list(seen)[:limit]


def failures(messages: Sequence[str], exit_code: int) -> int:
    """Failed operations: the error messages other than the engine's consequence "an unhandled error
    occurred" (the program exiting after one of them); at least 1 when the command failed."""
    own = [m for m in messages if not m.startswith(_CONSEQUENCE)]
    return max(len(own), 1 if exit_code else 0)


# ---- the table ----------------------------------------------------------------------------------

COLUMNS = ("measurement", "images", "seconds", "ratio", "req/image", "goal", "result")


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("meets" if ok else "MISSES")


def _row(
    measurement: str,
    images: Any,
    seconds: Any,
    ratio_: Any = None,
    requests: Any = None,
    goal: str = "",
    result: str = "",
) -> tuple[str, ...]:
    ratio_text = "" if ratio_ is None else _num(ratio_, 2)
    return (
        measurement,
        str(images),
        _num(seconds, 2 if seconds and seconds < 10 else 1),
        ratio_text,
        _num(requests),
        goal,
        result,
    )


def _scaling_rows(results: Mapping[str, Any]) -> list[tuple[str, ...]]:
    runs = results.get("runs") or []
    if not runs:
        return []
    one, many = runs[0], runs[-1]
    n = many["images"]
    rows = []
    if results.get("preview_seconds_1") is not None:
        per = results["preview_seconds_per_image"]
        goal = f"<= {PREVIEW_TARGET_SECONDS_PER_IMAGE:g} s/image"
        verdict = f"{_verdict(per <= PREVIEW_TARGET_SECONDS_PER_IMAGE)} ({per:.2f} s/image)"
        rows.append(_row("preview", 1, one["preview_seconds"], 1.0, one["preview_requests_per_image"]))
        rows.append(
            _row(
                "preview",
                n,
                many["preview_seconds"],
                results["preview_ratio"],
                many["preview_requests_per_image"],
                goal,
                verdict,
            )
        )
    up_ratio = results["up_ratio"]
    rows.append(_row("up", 1, one["up_seconds"], 1.0, one["up_requests_per_image"]))
    rows.append(
        _row(
            "up",
            n,
            many["up_seconds"],
            up_ratio,
            many["up_requests_per_image"],
            f"ratio <= {UP_TARGET_RATIO:g}, <= {UP_TARGET_REQUESTS_PER_IMAGE:g} requests/image",
            _verdict(
                up_ratio <= UP_TARGET_RATIO and many["up_requests_per_image"] <= UP_TARGET_REQUESTS_PER_IMAGE
            ),
        )
    )
    label = f"destroy (delete {_num(results.get('delete_seconds'), 0)} s)"
    destroy_ratio = results["destroy_ratio"]
    met = None if destroy_ratio is None else destroy_ratio <= DESTROY_TARGET_RATIO
    rows.append(_row(label, 1, one["destroy_seconds"], 1.0, one["destroy_requests_per_image"]))
    rows.append(
        _row(
            label,
            n,
            many["destroy_seconds"],
            destroy_ratio,
            many["destroy_requests_per_image"],
            f"ratio <= {DESTROY_TARGET_RATIO:g}",
            _verdict(met),
        )
    )
    return rows


def _rate_limited_rows(limited: Mapping[str, Any] | None) -> list[tuple[str, ...]]:
    if not limited:
        return []
    label = f"{limited['per_second']:g} req/s"
    failures, retries = limited["failures"], limited.get("throttled_retries", 0)
    not_active = limited.get("images_not_active", 0)
    rows = [
        _row(
            f"up at {label}",
            limited["images"],
            limited["up_seconds"],
            limited["ratio"],
            limited.get("requests_per_image"),
            "0 failures",
            f"{_verdict(failures == 0)} ({failures} failed, {not_active} not active, {retries} retries)",
        )
    ]
    if limited.get("destroy_seconds") is not None:
        destroy_failures = limited.get("destroy_failures", 0)
        left = limited.get("images_left", 0)  # a destroy that succeeds with images still listed fails too
        rows.append(
            _row(
                f"destroy at {label}",
                limited["images"],
                limited["destroy_seconds"],
                None,
                None,
                "0 failures, 0 left",
                f"{_verdict(destroy_failures == 0 and left == 0)} ({destroy_failures} failed, {left} left)",
            )
        )
    return rows


def _wait_rows(results: Mapping[str, Any]) -> list[tuple[str, ...]]:
    goals = {float(g["job_seconds"]): g for g in results.get("wait_goals") or []}
    rows = []
    for row in results.get("wait_comparison") or []:
        job = float(row["job_seconds"])
        goal, result = "", ""
        if row["poller"] == OURS and job in goals:
            g = goals[job]
            goal = f"lag <= {g['latency_goal_seconds']:g} s"
            result = _verdict(g["meets_latency"])
            if g["meets_requests"] is not None:
                goal += f", req <= {g['terraform_requests']}"
                result += f", {_verdict(g['meets_requests'])}"
        rows.append(
            _row(
                f"wait {job:g} s job: {row['poller']}",
                1,
                row["latency_seconds"],
                None,
                row["requests"],
                goal,
                result,
            )
        )
    return rows


def table_rows(results: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """One row per measurement (every part that ran), as strings in COLUMNS order."""
    return [*_scaling_rows(results), *_rate_limited_rows(results.get("rate_limited")), *_wait_rows(results)]


def format_table(results: Mapping[str, Any]) -> str:
    """The one table `make bench` prints: a header line, the rows and the legend."""
    rows = table_rows(results)
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(COLUMNS)]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        middle = [cell.rjust(width) for cell, width in zip(cells[1:5], widths[1:5], strict=True)]
        last = [cell.ljust(width) for cell, width in zip(cells[5:], widths[5:], strict=True)]
        return "  ".join([first, *middle, *last]).rstrip()

    header = line(COLUMNS)
    parts = [
        f"FullEcsImage bench: job {_num(results.get('job_seconds'), 0)} s per image, delete "
        f"{_num(results.get('delete_seconds'), 0)} s, --parallel {results.get('parallel')}, "
        f"{results.get('cpus')} CPUs, load average {results.get('load_average_before')} before / "
        f"{results.get('load_average_after')} after",
        "",
        header,
        "-" * len(header),
        *(line(r) for r in rows),
        "",
        "seconds: wall-clock of the command; for `wait` rows, the lag from the job's end to the wait",
        "noticing it (scaled back to real seconds). ratio: against the 1-image row (the rate-limited up:",
        "against the unlimited up of as many images in this run). req/image: API requests per image (wait",
        "rows: the requests of that one wait). Per route: .bench/results.json; output: .bench/logs/.",
    ]
    return "\n".join(parts)
