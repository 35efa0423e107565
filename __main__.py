"""Example stack: one full-ECS image from a CSBS (or CBR) backup, and new ECSs from it; every input from
stack config.

Copy this file into your own stack. Config (project namespace `full-ecs-image`):
  backupId (required)         the backup id: a CSBS backup (checkpoint item), or a CBR backup with source=cbr
  imageName (required)        the image name
  source                      csbs (default) or cbr
  description, tags (object), minRam, maxRam, adoptImageId, createTimeoutMinutes
  shareWithProjectIds (list)  projects to share the image with (CBR-sourced images only)
  shareAcceptors (list)       accept the share in a target project in this stack: projectId, vaultId
                              (a CBR server-backup vault of that project); that project's keys in the
                              secret object shareAcceptorKeys.<projectId>.accessKey / .secretKey
  servers (list of objects)   NEW ECSs from the image: name, flavor_id, networks, ... (any
                              pulumi_huaweicloud.ecs.InstanceArgs input), data_disks overrides
                              ({<original disk id>: {type, size, iops, throughput}}), system_disk_*;
                              "project": <id of an acceptor> creates it in that project;
                              needs the pulumi-huaweicloud plugin
Credentials and endpoints: huaweicloud:region, huaweicloud:accessKey, huaweicloud:secretKey (secret),
huaweicloud:projectId, huaweicloud:endpoints; or HW_REGION_NAME, HW_ACCESS_KEY, HW_SECRET_KEY, HW_PROJECT_ID.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_huaweicloud as huaweicloud

from hwc_full_ecs_image import FullEcsImage, FullEcsImageArgs, ShareAcceptor

config = pulumi.Config()
cloud = pulumi.Config("huaweicloud")


def project_provider(project_id: str, keys: pulumi.Output[Any]) -> huaweicloud.Provider:
    """A provider for another project: its own keys, the stack's region and endpoints."""
    endpoints = cloud.get("endpoints")
    return huaweicloud.Provider(
        f"project-{project_id}",
        project_id=project_id,
        region=cloud.get("region"),
        access_key=keys.apply(lambda k: k[project_id]["accessKey"]),
        secret_key=keys.apply(lambda k: k[project_id]["secretKey"]),
        endpoints=json.loads(endpoints) if endpoints else None,
    )


acceptors: list[dict[str, str]] = config.get_object("shareAcceptors") or []
providers: dict[str, huaweicloud.Provider] = {}
if acceptors:
    acceptor_keys = config.require_secret_object("shareAcceptorKeys")
    providers = {a["projectId"]: project_provider(a["projectId"], acceptor_keys) for a in acceptors}
servers: list[dict[str, Any]] | None = config.get_object("servers")
for server in servers or []:
    if "project" in server:  # a server in a target project: that project's provider
        server["provider"] = providers[server.pop("project")]

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
        share_acceptors=[
            ShareAcceptor(
                project_id=a["projectId"], vault_id=a["vaultId"], provider=providers[a["projectId"]]
            )
            for a in acceptors
        ],
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
pulumi.export("share_status", image.share_status)
