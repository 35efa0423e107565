"""Several projects in one simulated cloud, each with its own credentials, state and backends.

A request is served by the project whose access key signed it (the gateway then checks that the URL's or
X-Project-Id's project is that one, as before). The default project is the one configured on the command
line; a second project is always there (seed.SECOND_PROJECT_*): empty but for its CBR vault, the target of
image shares. Projects meet only through IMS sharing: an image shared with a project and ACCEPTED there
(PUT /v1/cloudimages/members from that project, https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0625.html)
is listed there and can make ECSs there; its backup stays in the owner's project.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from simulator.csbs.models import Backup
from simulator.ecs.servers import EcsBackend
from simulator.ims.models import ImsBackend
from simulator.ims.records import Image
from simulator.signing import Credentials
from simulator.state import CloudState


@dataclass
class Project:
    project_id: str
    credentials: Credentials
    state: CloudState
    ims: ImsBackend
    ecs: EcsBackend
    vaults: frozenset[str]


class _Lookup(Mapping[str, object]):
    """A read-only mapping computed on each access (for ChainMap's second map)."""

    def __init__(self, items: object) -> None:
        self._items = items

    def _current(self) -> dict[str, object]:
        found: dict[str, object] = self._items()  # type: ignore[operator]
        return found

    def __getitem__(self, key: str) -> object:
        return self._current()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


def connect(projects: list[Project]) -> None:
    """Wire the projects' sharing: each one sees the others' images shared with it, makes ECSs from the
    accepted ones (reading their owners' backups), and knows its own vaults."""
    for project in projects:
        others = [p for p in projects if p is not project]

        def shared(me: str = project.project_id, others: list[Project] = others) -> dict[str, Image]:
            return {
                image.id: image
                for other in others
                for image in other.state.images.values()
                if any(m["member_id"] == me for m in image.members)
            }

        def owners_backups(
            ims: ImsBackend = project.ims, others: list[Project] = others
        ) -> dict[str, Backup]:
            wanted = {image.backup_id for image in ims.accepted().values()}
            return {b: o.state.backups[b] for o in others for b in wanted if b in o.state.backups}

        project.ims.shared = shared
        project.ims.vaults = project.vaults
        project.ecs.images = ChainMap(project.state.images, _Lookup(project.ims.accepted))  # type: ignore[assignment, arg-type]
        project.ecs.backups = ChainMap(project.state.backups, _Lookup(owners_backups))  # type: ignore[assignment, arg-type]
