"""Wall-clock helpers. Timestamps are stored as epoch seconds so that progress survives a restart."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def now() -> float:
    return time.time()


def iso_z(ts: float, *, millis: bool = False) -> str:
    """IMS/ECS style: 2024-11-06T06:28:52Z (jobs use milliseconds: 2024-11-06T06:28:52.245Z)."""
    moment = datetime.fromtimestamp(ts, UTC)
    if millis:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_micro(ts: float) -> str:
    """CSBS style: 2017-04-15T04:20:37.277880 (no zone suffix)."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
