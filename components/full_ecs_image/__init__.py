"""Huawei Cloud IMS full-ECS image from a CSBS backup, as a Pulumi component.

from hwc_full_ecs_image import FullEcsImage, FullEcsImageArgs
"""

from .component import FullEcsImage, FullEcsImageArgs
from .disks import DataDiskOverride
from .resource import WholeImage
from .servers import ServerSpec
from .sharing import ShareAcceptor

__all__ = [
    "DataDiskOverride",
    "FullEcsImage",
    "FullEcsImageArgs",
    "ServerSpec",
    "ShareAcceptor",
    "WholeImage",
]
