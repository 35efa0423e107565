"""Example stack: one full-ECS image from a CSBS backup, every input from stack config.

Copy this file into your own stack. Config (project namespace `full-ecs-image`):
  backupId (required)       the CSBS backup (checkpoint item) id
  imageName (required)      the image name
  description, tags (object), minRam, maxRam, adoptImageId, createTimeoutMinutes (optional)
  servers (optional list)   NEW ECSs from the image; needs the pulumi-huaweicloud plugin
Credentials and endpoints: huaweicloud:region, huaweicloud:accessKey, huaweicloud:secretKey (secret),
huaweicloud:projectId, huaweicloud:endpoints; or HW_REGION_NAME, HW_ACCESS_KEY, HW_SECRET_KEY, HW_PROJECT_ID.
"""

from __future__ import annotations

from typing import Any

import pulumi

from components.full_ecs_image import FullEcsImage, FullEcsImageArgs

config = pulumi.Config()
servers: list[dict[str, Any]] | None = config.get_object("servers")

image = FullEcsImage(
    "image",
    FullEcsImageArgs(
        backup_id=config.require("backupId"),
        name=config.require("imageName"),
        description=config.get("description"),
        tags=config.get_object("tags"),
        min_ram=config.get_int("minRam"),
        max_ram=config.get_int("maxRam"),
        adopt_image_id=config.get("adoptImageId"),
        create_timeout_minutes=config.get_int("createTimeoutMinutes"),  # unset: the default (30)
        servers=servers,
    ),
)

pulumi.export("image_id", image.image_id)
pulumi.export("status", image.status)
pulumi.export("min_disk", image.min_disk)
pulumi.export("os_version", image.os_version)
pulumi.export("data_disks", image.data_disks)
pulumi.export("backup_id", image.backup_id)
pulumi.export("source_server_id", image.source_server_id)
