"""Example stack: one full-ECS image from a CSBS (or CBR) backup, and new ECSs from it; every input from
stack config.

Copy this file into your own stack. Config (project namespace `full-ecs-image`):
  backupId (required)         the backup id: a CSBS backup (checkpoint item), or a CBR backup with source=cbr
  imageName (required)        the image name
  source                      csbs (default) or cbr
  description, tags (object), minRam, maxRam, adoptImageId, createTimeoutMinutes
  shareWithProjectIds (list)  projects to share the image with (CBR-sourced images only)
  servers (list of objects)   NEW ECSs from the image: name, flavor_id, networks, ... (any
                              pulumi_huaweicloud.ecs.InstanceArgs input), data_disks overrides;
                              needs the pulumi-huaweicloud plugin
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
        source=config.get("source"),
        description=config.get("description"),
        tags=config.get_object("tags"),
        min_ram=config.get_int("minRam"),
        max_ram=config.get_int("maxRam"),
        adopt_image_id=config.get("adoptImageId"),
        create_timeout_minutes=config.get_int("createTimeoutMinutes"),  # unset: the default (30)
        share_with_project_ids=config.get_object("shareWithProjectIds"),
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
pulumi.export("server_ids", image.server_ids)
pulumi.export("server_private_ips", image.server_private_ips)
