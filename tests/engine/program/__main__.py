"""Engine-test program: one FullEcsImage whose inputs all come from stack config.

Config (project namespace `engine-test`): backupId, imageName (required); description, tags (object),
minRam (int), adoptImageId; asOutputs (bool): wrap every input in a derived Output, so the values reach
the component and its provider as Outputs rather than plain values; retainOnDelete (bool), createTimeout
(a custom_timeouts.create duration such as "2m"): resource options given to the component; source,
shareWithProjectIds (list), servers (list of ServerSpec mappings).
"""

from __future__ import annotations

from typing import Any

import pulumi

from components.full_ecs_image import FullEcsImage, FullEcsImageArgs

config = pulumi.Config()
as_outputs = config.get_bool("asOutputs") or False


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
        servers=config.get_object("servers"),
    ),
    pulumi.ResourceOptions(
        retain_on_delete=config.get_bool("retainOnDelete"),
        custom_timeouts=pulumi.CustomTimeouts(create=config.get("createTimeout")),
    ),
)

pulumi.export("image_id", image.image_id)
pulumi.export("status", image.status)
pulumi.export("min_disk", image.min_disk)
pulumi.export("data_disks", image.data_disks)
pulumi.export("backup_id", image.backup_id)
pulumi.export("source_server_id", image.source_server_id)
pulumi.export("server_ids", image.server_ids)
pulumi.export("server_private_ips", image.server_private_ips)
