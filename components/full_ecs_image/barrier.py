"""The deletion barrier: a child that makes `pulumi destroy` wait until the image is really gone.

Why: the dynamic-provider host serves 4 verbs at once, so a delete() that waited for IMS to finish
(seconds to minutes per image) made destroying 50 images take many times one. Now the image's
delete() marks the image "deleting-<marker>" and sends the DELETE, then returns; this barrier, which
the image depends on and so is deleted after it, waits until IMS no longer lists any image of the
backup marked "deleting-<marker>". Fifty barriers wait for images that are all being deleted at
once, so destroy costs about one deletion's time, and a successful destroy still means every image
is gone. A replaced image is covered too: a new backup replaces the barrier (the old one waits),
and a new image from the same backup waits in its preflight for the "deleting-" one to go.

CONTRACT (like provider.py): dill pickles ImageGoneProvider by reference into state.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource

from .cloud_provider import CloudProvider, reported, say
from .lifecycle import deadline_in, wait_gone
from .preflight import scan

BARRIER_FIELDS = ("backup_id", "source", "marker", "region", "project_id")
"""What identifies the images to wait for; a change replaces the barrier (the old one then waits)."""


class ImageGoneProvider(CloudProvider):
    """create: nothing to do (no cloud call). delete: wait until the image its sibling deleted is gone."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(str(props["marker"]), {k: props.get(k) for k in BARRIER_FIELDS})

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in BARRIER_FIELDS if news.get(k) is not None and olds.get(k) != news.get(k)]
        return DiffResult(changes=bool(changed), replaces=changed, delete_before_replace=False)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        subject = f"full-ECS image of backup {props.get('backup_id')}"
        with reported("waiting for the deletion of", subject):
            self._run(self._wait(props))

    async def _wait(self, props: dict[str, Any]) -> None:
        deadline = deadline_in(self.timing.delete)
        async with self._client(props, deadline) as api:
            found = await scan(api, str(props["backup_id"]), str(props["marker"]))
            if found.ours_going:
                label = f"full-ECS image {', '.join(found.ours_going)}"
                await wait_gone(
                    api, found.ours_going, deadline=deadline, say=lambda line: say(f"{label}: {line}")
                )


class ImageGone(Resource, module="hwc-ims", name="ImageGone"):
    """Deleted after its image: waits until IMS no longer lists it (see the module docstring)."""

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(ImageGoneProvider(), name, {k: props.get(k) for k in BARRIER_FIELDS}, opts)
