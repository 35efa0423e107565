"""The steps update, delete and create share: converge an image to its spec, wait until it is
active, delete it and wait until IMS no longer lists it. Each takes a client and values."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence

from . import plan
from .api_models import Image
from .client import HuaweiClient
from .errors import ApiError, ImageUnusableError
from .polling import Goal, Seen, wait_for
from .rules import DELETING_PREFIX, MARKER_TAG_KEY
from .schema import ImageSpec

Say = Callable[[str], None]


async def converge(api: HuaweiClient, spec: ImageSpec, image: Image) -> None:
    """PATCH each differing field (add/replace from the image; IMG.0035 -> add), then the tags.

    One operation per PATCH and IMG.0035 -> `add`, as the Terraform provider does
    (https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/huaweicloud/services/ims/resource_huaweicloud_ims_ecs_system_image.go).
    """
    for operation in plan.patch_operations(image, spec):
        try:
            await api.patch_image(image.id, [operation])
        except ApiError as error:
            if error.code != "IMG.0035" or operation["op"] != "replace":
                raise
            await api.patch_image(image.id, [plan.as_add(operation)])
    to_delete, to_create = plan.tag_changes(await api.list_image_tags(image.id), spec.tags or {})
    if to_delete:
        await api.batch_image_tags(image.id, "delete", to_delete)
    if to_create:
        await api.batch_image_tags(image.id, "create", to_create)


async def mark(api: HuaweiClient, spec: ImageSpec, image_id: str) -> None:
    """Tags the image with this resource's marker, so a later run recognises it as ours."""
    await api.batch_image_tags(image_id, "create", {MARKER_TAG_KEY: spec.marker})


async def wait_active(api: HuaweiClient, image_id: str, *, deadline: float, say: Say) -> Image:
    """The image once active (IMS only updates active images); raises if it failed or is gone."""

    async def poll() -> Seen[Image]:
        image = await api.get_image(image_id)
        if image is None or image.status in plan.FAILED_STATUSES:
            raise ImageUnusableError(
                f"image {image_id} is {image.status if image else 'gone'}",
                "run `pulumi up --refresh` to record that and create a new image",
            )
        return Seen(image if image.status == "active" else None, f"image {image.status}")

    return await wait_for(
        poll,
        Goal(f"image {image_id} to become active before updating it", "run `pulumi up` again later"),
        deadline=deadline,
        schedule=api.timing.poll,
        on_line=say,
    )


async def delete_and_wait(api: HuaweiClient, image_id: str, *, deadline: float, say: Say) -> bool:
    """Deletes the image (never its backup: delete_backup is always false) and waits until IMS no
    longer lists it, as Terraform does (the DELETE always answers 204); False when already gone."""
    if not await api.delete_image(image_id):
        return False
    await wait_gone(api, [image_id], deadline=deadline, say=say)
    return True


async def start_delete(api: HuaweiClient, image_id: str, marker: str) -> bool:
    """Marks the image as being deleted (marker value "deleting-<marker>") and deletes it (never its
    backup), without waiting: the resource's deletion barrier waits. False when already gone."""
    if await api.get_image(image_id) is None:
        return False
    await api.batch_image_tags(image_id, "create", {MARKER_TAG_KEY: DELETING_PREFIX + marker})
    try:
        return await api.delete_image(image_id)
    except Exception:
        # Not deleted after all: the image is ours again (a later run adopts it rather than waiting).
        with contextlib.suppress(Exception):
            await api.batch_image_tags(image_id, "create", {MARKER_TAG_KEY: marker})
        raise


async def wait_gone(api: HuaweiClient, image_ids: Sequence[str], *, deadline: float, say: Say) -> None:
    """Waits until IMS lists none of these images (an empty listing means gone, as Terraform reads it)."""

    async def poll() -> Seen[bool]:
        left = [i for i in image_ids if await api.get_image(i) is not None]
        return (
            Seen(True, "deleted") if not left else Seen(None, f"waiting for {', '.join(left)} to be deleted")
        )

    goal = Goal(
        f"image {', '.join(image_ids)} to be deleted",
        "check the image in the IMS console, then run the command again",
    )
    await wait_for(poll, goal, deadline=deadline, schedule=api.timing.poll, on_line=say)


def deadline_in(seconds: float) -> float:
    return time.monotonic() + seconds
