"""Huawei Cloud IMS full-ECS image from a CSBS backup, as a Pulumi component.

from components.full_ecs_image import FullEcsImage, FullEcsImageArgs
"""

from .component import FullEcsImage, FullEcsImageArgs
from .servers import DataDiskOverride, ServerSpec

__all__ = ["DataDiskOverride", "FullEcsImage", "FullEcsImageArgs", "ServerSpec"]
