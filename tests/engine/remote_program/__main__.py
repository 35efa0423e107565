"""The component as another language declares it: `hwc:ims:FullEcsImage` as a REMOTE component, built
by the hwc plugin's construct (what a YAML, TypeScript, Go or C# program does). Config `inputs`: the
component's inputs as a JSON object, by their schema (camelCase) names."""

from typing import Any

import pulumi

from hwc_full_ecs_image.component_schema import ComponentOutputs
from hwc_full_ecs_image.package_schema import COMPONENT, VERSION

OUTPUTS = [info.alias or name for name, info in ComponentOutputs.model_fields.items()]


class RemoteFullEcsImage(pulumi.ComponentResource):
    def __init__(self, name: str, inputs: dict[str, Any]) -> None:
        props = {**dict.fromkeys(OUTPUTS), **inputs}  # outputs resolve from the construct's state
        super().__init__(COMPONENT, name, props, pulumi.ResourceOptions(version=VERSION), remote=True)


image = RemoteFullEcsImage("image", pulumi.Config().require_object("inputs"))
for key in OUTPUTS:
    pulumi.export(key, getattr(image, key))
