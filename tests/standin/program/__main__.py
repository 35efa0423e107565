"""Stand-in engine-test program: one pulumi_huaweicloud ECS from an image, all inputs from stack config.

Config (project namespace `standin-test`): imageId, flavorId, subnetId, availabilityZone, name; extraInput:
instead, one raw Instance whose inputs carry that extra (unknown) property name.
"""

from __future__ import annotations

import pulumi
import pulumi_huaweicloud as huaweicloud

config = pulumi.Config()
extra = config.get("extraInput")
if extra:
    pulumi.CustomResource(
        "huaweicloud:Ecs/instance:Instance",
        "raw",
        {
            "name": config.require("name"),
            "imageId": config.require("imageId"),
            "flavorId": config.require("flavorId"),
            "networks": [{"uuid": config.require("subnetId")}],
            extra: "x",
        },
    )
    raise SystemExit(0)

server = huaweicloud.ecs.Instance(
    "server",
    huaweicloud.ecs.InstanceArgs(
        name=config.require("name"),
        image_id=config.require("imageId"),
        flavor_id=config.require("flavorId"),
        availability_zone=config.require("availabilityZone"),
        networks=[huaweicloud.ecs.InstanceNetworkArgs(uuid=config.require("subnetId"))],
        system_disk_type="SSD",
        tags={"purpose": "standin-test"},
    ),
)
pulumi.export("id", server.id)
pulumi.export("status", server.status)
pulumi.export("accessIpV4", server.access_ip_v4)
pulumi.export("systemDiskId", server.system_disk_id)
pulumi.export("volumeAttacheds", server.volume_attacheds)
pulumi.export("networks", server.networks)
