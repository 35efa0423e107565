"""The dynamic resource that records one image in state (type pulumi-python:dynamic/hwc-ims:FullEcsImage)."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .plan import OUTPUT_FIELDS
from .provider import FullEcsImageProvider


class FullEcsImageResource(Resource, module="hwc-ims", name="FullEcsImage"):
    """One IMS full-ECS image; a child of FullEcsImage. Its outputs are its inputs plus these."""

    image_id: pulumi.Output[str]
    status: pulumi.Output[str]
    job_id: pulumi.Output[str | None]
    min_disk: pulumi.Output[int]
    os_version: pulumi.Output[str]
    data_disks: pulumi.Output[list[dict[str, Any]]]
    source_server_id: pulumi.Output[str | None]
    source_server_name: pulumi.Output[str | None]
    source_server_status: pulumi.Output[str | None]
    backup_id: pulumi.Output[str]
    name: pulumi.Output[str]
    create_timeout_minutes: pulumi.Output[int]
    create_started_at: pulumi.Output[float | None]
    region: pulumi.Output[str | None]
    project_id: pulumi.Output[str | None]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        # Outputs not among the inputs must be declared and seeded, or Pulumi drops them
        # (https://github.com/pulumi/pulumi/issues/6678).
        seeded: dict[str, Any] = dict.fromkeys(OUTPUT_FIELDS)
        super().__init__(FullEcsImageProvider(), name, {**seeded, **props}, opts)
