"""The whole simulated cloud as one JSON-serialisable value, and its atomic on-disk store."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from simulator.csbs.models import Backup
from simulator.ecs.models import EcsJob, Server
from simulator.evs.models import Volume
from simulator.ims.records import Image, Job

FORMAT_VERSION = 1


@dataclass
class CloudState:
    servers: dict[str, Server] = field(default_factory=dict)
    volumes: dict[str, Volume] = field(default_factory=dict)
    backups: dict[str, Backup] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    ecs_jobs: dict[str, EcsJob] = field(default_factory=dict)
    projects: dict[str, CloudState] = field(default_factory=dict)
    """The other projects' own states (simulator/projects.py), keyed by project id."""

    def to_json(self) -> dict[str, Any]:
        return {
            "projects": {pid: state.to_json() for pid, state in self.projects.items()},
            "version": FORMAT_VERSION,
            "servers": [s.to_dict() for s in self.servers.values()],
            "volumes": [v.to_dict() for v in self.volumes.values()],
            "backups": [b.to_dict() for b in self.backups.values()],
            "images": [i.to_dict() for i in self.images.values()],
            "jobs": [j.to_dict() for j in self.jobs.values()],
            "ecs_jobs": [j.to_dict() for j in self.ecs_jobs.values()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CloudState:
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"unsupported state format version {data.get('version')!r}")
        return cls(
            servers={d["id"]: Server.from_dict(d) for d in data["servers"]},
            volumes={d["id"]: Volume.from_dict(d) for d in data["volumes"]},
            backups={d["id"]: Backup.from_dict(d) for d in data["backups"]},
            images={d["id"]: Image.from_dict(d) for d in data["images"]},
            jobs={d["id"]: Job.from_dict(d) for d in data["jobs"]},
            # absent from state files written before ECS write actions existed
            ecs_jobs={d["id"]: EcsJob.from_dict(d) for d in data.get("ecs_jobs", [])},
            # absent from state files written before the simulator had several projects
            projects={pid: cls.from_json(d) for pid, d in data.get("projects", {}).items()},
        )


class StateFile:
    """Writes the state atomically (temp file + os.replace) whenever its JSON changes."""

    def __init__(self, path: str | None) -> None:
        self.path = Path(path) if path else None
        self._last = ""
        self.serialisations = 0  # save() calls that serialised the state (observable cost, for tests)
        self.writes = 0  # files actually written

    def load(self) -> CloudState | None:
        if self.path is None or not self.path.exists():
            return None
        try:
            text = self.path.read_text(encoding="utf-8")
            state = CloudState.from_json(json.loads(text))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"error loading state file {self.path}: {exc}; delete it or point --state-file elsewhere"
            ) from None
        self._last = json.dumps(state.to_json(), sort_keys=True)
        return state

    def save(self, state: CloudState) -> None:
        if self.path is None:
            return
        text = json.dumps(state.to_json(), sort_keys=True)
        self.serialisations += 1
        if text == self._last:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._last = text
        self.writes += 1
