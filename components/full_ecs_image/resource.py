"""`hwc:ims:WholeImage`: the custom resource that records one image in state, served by the hwc plugin
(plugin.py). Until 0.1 it was a dynamic resource, `pulumi-python:dynamic/hwc-ims:FullEcsImage`; the
alias moves such state here without replacing the image (docs/upgrading.md)."""

from __future__ import annotations

from typing import Any

import pulumi

from .package_schema import VERSION, WHOLE_IMAGE
from .schema import OUTPUT_FIELDS

DYNAMIC_TYPE = "pulumi-python:dynamic/hwc-ims:FullEcsImage"
"""The type 0.1 recorded the image under (a Python dynamic resource)."""


class WholeImage(pulumi.CustomResource):
    """One IMS full-ECS image made from a CSBS or CBR backup; a child of FullEcsImage. Its outputs are
    its inputs plus these. `pulumi import hwc:ims:WholeImage <name> <image id>` takes one into a stack.

    The annotations mirror schema.ImageState field for field (tests/component/test_schema.py)."""

    backup_id: pulumi.Output[str]
    source: pulumi.Output[str]
    name: pulumi.Output[str]
    marker: pulumi.Output[str]
    description: pulumi.Output[str | None]
    tags: pulumi.Output[dict[str, str] | None]
    enterprise_project_id: pulumi.Output[str | None]
    min_ram: pulumi.Output[int | None]
    max_ram: pulumi.Output[int | None]
    adopt_image_id: pulumi.Output[str | None]
    create_timeout_minutes: pulumi.Output[int]
    share_with_project_ids: pulumi.Output[list[str] | None]
    region: pulumi.Output[str | None]
    project_id: pulumi.Output[str | None]
    server_disks: pulumi.Output[list[dict[str, Any]] | None]
    source_disks: pulumi.Output[dict[str, Any] | None]
    image_id: pulumi.Output[str]
    status: pulumi.Output[str]
    job_id: pulumi.Output[str | None]
    min_disk: pulumi.Output[int]
    os_version: pulumi.Output[str]
    data_disks: pulumi.Output[list[dict[str, Any]]]
    source_server_id: pulumi.Output[str | None]
    source_server_name: pulumi.Output[str | None]
    source_server_status: pulumi.Output[str | None]
    create_started_at: pulumi.Output[float | None]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        # Outputs not among the inputs are declared as None, so the SDK resolves them from the state.
        seeded: dict[str, Any] = dict.fromkeys(OUTPUT_FIELDS)
        here = pulumi.ResourceOptions(aliases=[pulumi.Alias(type_=DYNAMIC_TYPE)], version=VERSION)
        super().__init__(WHOLE_IMAGE, name, {**seeded, **props}, pulumi.ResourceOptions.merge(opts, here))


class HwcProvider(pulumi.ProviderResource):
    """The hwc plugin's settings: the stack's `huaweicloud:` keys, as pulumi-huaweicloud reads them."""

    def __init__(
        self, name: str, settings: dict[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        here = pulumi.ResourceOptions(version=VERSION)
        super().__init__("hwc", name, settings, pulumi.ResourceOptions.merge(opts, here))
