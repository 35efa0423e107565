"""Benchmark program for `make bench`: `count` FullEcsImages, one per CSBS backup (a backup makes one image).

Config (project namespace `full-ecs-image-bench`): count (int, required), backupIds (list of at least
`count` CSBS backup ids, required). scripts/bench.py copies this file into .bench/ and sets the config.
"""

from __future__ import annotations

import pulumi

from hwc_full_ecs_image import FullEcsImage, FullEcsImageArgs

config = pulumi.Config()
count = config.require_int("count")
backup_ids: list[str] = config.require_object("backupIds")
if len(backup_ids) < count:
    raise ValueError(f"error reading config backupIds: {len(backup_ids)} backup ids for count {count}")

images = [
    FullEcsImage(
        f"image-{index:03d}",
        FullEcsImageArgs(backup_id=backup_ids[index], name=f"bench-image-{index:03d}"),
    )
    for index in range(count)
]

pulumi.export("image_ids", pulumi.Output.all(*[image.image_id for image in images]))
