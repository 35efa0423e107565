"""Engine-test program: one FullEcsImage whose inputs all come from stack config.

Config (project namespace `engine-test`): backupId, imageName (required); description, tags (object),
minRam (int), adoptImageId; asOutputs (bool): wrap every input in a derived Output, so the values reach
the component and its provider as Outputs rather than plain values; retainOnDelete (bool), createTimeout
(a custom_timeouts.create duration such as "2m"): resource options given to the component; source,
shareWithProjectIds (list), servers (list of ServerSpec mappings; "project": <acceptor project id> makes
the server in that project), shareAcceptors (list of {projectId, vaultId}) with that project's keys in the
secret object shareAcceptorKeys.<projectId>.accessKey/.secretKey (as the repo's example stack);
secondImageOnSameBackup (bool): a second FullEcsImage on the same backup (refused before any write).
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_huaweicloud as huaweicloud

from hwc_full_ecs_image import FullEcsImage, FullEcsImageArgs, ShareAcceptor

config = pulumi.Config()
cloud = pulumi.Config("huaweicloud")
as_outputs = config.get_bool("asOutputs") or False


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
    if "project" in server:
        server["provider"] = providers[server.pop("project")]


def value(plain: Any) -> Any:
    """The plain value, or (asOutputs) the same value as an Output derived through an apply."""
    if not as_outputs or plain is None:
        return plain
    return pulumi.Output.from_input(plain).apply(lambda known: known)


image = FullEcsImage(
    "image",
    FullEcsImageArgs(
        backup_id=value(config.require("backupId")),
        name=value(config.require("imageName")),
        description=value(config.get("description")),
        tags=value(config.get_object("tags")),
        min_ram=value(config.get_int("minRam")),
        adopt_image_id=value(config.get("adoptImageId")),
        source=value(config.get("source")),
        share_with_project_ids=value(config.get_object("shareWithProjectIds")),
        share_acceptors=[
            ShareAcceptor(
                project_id=a["projectId"], vault_id=a["vaultId"], provider=providers[a["projectId"]]
            )
            for a in acceptors
        ],
        servers=servers,
    ),
    pulumi.ResourceOptions(
        retain_on_delete=config.get_bool("retainOnDelete"),
        custom_timeouts=pulumi.CustomTimeouts(create=config.get("createTimeout")),
    ),
)

if config.get_bool("secondImageOnSameBackup"):
    FullEcsImage("image2", FullEcsImageArgs(backup_id=value(config.require("backupId")), name="second"))

pulumi.export("image_id", image.image_id)
pulumi.export("status", image.status)
pulumi.export("min_disk", image.min_disk)
pulumi.export("data_disks", image.data_disks)
pulumi.export("backup_id", image.backup_id)
pulumi.export("source_server_id", image.source_server_id)
pulumi.export("server_ids", image.server_ids)
pulumi.export("server_private_ips", image.server_private_ips)
pulumi.export("share_status", image.share_status)
