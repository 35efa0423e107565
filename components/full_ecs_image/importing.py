"""`pulumi import hwc:ims:WholeImage <name> <image id>`: the inputs of an existing image, read from IMS
(and CSBS/CBR for which service holds its backup), so that the imported resource shows no changes.

Only a full-ECS image made from a backup can be imported (IMS marks it `__whole_image: true` and
records `__backup_id`: https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0702.html); anything
else is refused in one line.
"""

from __future__ import annotations

from typing import Any

from .api_models import Image
from .client import HuaweiClient
from .errors import InputValidationError
from .plan import marker_for, user_tags
from .rules import MARKER_TAG_KEY


def not_importable(image_id: str, why: str) -> InputValidationError:
    return InputValidationError(
        f"{why}, so it cannot be a WholeImage",
        "import only full-ECS images made from a CSBS or CBR backup; manage other images with "
        "pulumi-huaweicloud's ims resources",
        verb="importing",
        subject=f"image {image_id}",
    )


async def imported_inputs(
    api: HuaweiClient, image: Image, tags: dict[str, str], identity: tuple[str, str, str]
) -> dict[str, Any]:
    """The inputs that describe `image` as it is; the marker is the image's own marker tag, or the one
    this resource name gets (update then tags the image with it)."""
    if not image.whole_image:
        raise not_importable(image.id, "it is not a full-ECS image")
    if not image.backup_id:
        raise not_importable(image.id, "it records no backup (it was made from an ECS, not a backup)")
    source = "csbs" if await api.get_backup(image.backup_id, "csbs") is not None else "cbr"
    project, stack, name = identity
    marker = tags.get(MARKER_TAG_KEY, "").removeprefix("deleting-") or marker_for(project, stack, name)
    inputs: dict[str, Any] = {
        "backup_id": image.backup_id,
        "source": source,
        "name": image.name,
        "marker": marker,
        "description": image.description or None,
        "tags": user_tags(tags) or None,
        "min_ram": image.min_ram or None,
        "max_ram": image.max_ram,
        "enterprise_project_id": image.enterprise_project_id,
        "region": api.settings.region,
        "project_id": api.settings.project_id,
    }
    return {key: value for key, value in inputs.items() if value is not None}
