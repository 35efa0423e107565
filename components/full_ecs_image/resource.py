"""The dynamic resource that records one image in state (type pulumi-python:dynamic/hwc-ims:FullEcsImage)."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import Resource

from .provider import FullEcsImageProvider
from .schema import OUTPUT_FIELDS


class FullEcsImageResource(Resource, module="hwc-ims", name="FullEcsImage"):
    """One IMS full-ECS image; a child of FullEcsImage. Its outputs are its inputs plus these.

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
        # Outputs not among the inputs must be declared and seeded, or Pulumi drops them
        # (https://github.com/pulumi/pulumi/issues/6678).
        seeded: dict[str, Any] = dict.fromkeys(OUTPUT_FIELDS)
        super().__init__(FullEcsImageProvider(), name, {**seeded, **props}, opts)
