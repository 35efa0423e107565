"""A stack that declares one hwc:ims:WholeImage on its own, with the inputs given as JSON in config
`wholeImage` (what `pulumi import` read), as a team would after importing an image."""

import json

import pulumi

from hwc_full_ecs_image import WholeImage

image = WholeImage("imported", json.loads(pulumi.Config().require("wholeImage")))
pulumi.export("image_id", image.id)
