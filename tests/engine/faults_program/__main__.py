"""Fault-matrix program (tests/engine/test_faults.py): `count` FullEcsImages, one per CSBS backup (a CSBS
backup makes only one image), and the `servers` (a list of ServerSpec mappings) on the first image only.

Config (project namespace `engine-test`): count (int), backupIds (list of at least `count` backup ids),
servers (list, optional).
"""

from __future__ import annotations

import pulumi

from hwc_full_ecs_image import FullEcsImage, FullEcsImageArgs

config = pulumi.Config()
count = config.require_int("count")
backup_ids: list[str] = config.require_object("backupIds")
servers = config.get_object("servers")

images = [
    FullEcsImage(
        f"image-{index:02d}",
        FullEcsImageArgs(
            backup_id=backup_ids[index],
            name=f"faults-image-{index:02d}",
            servers=servers if index == 0 else None,
        ),
    )
    for index in range(count)
]

pulumi.export("image_ids", pulumi.Output.all(*[image.image_id for image in images]))
pulumi.export("server_ids", images[0].server_ids)
