"""One schema: the args class, the resource's annotations and the outputs all follow schema.py."""

from __future__ import annotations

import dataclasses

from hwc_full_ecs_image import FullEcsImageArgs
from hwc_full_ecs_image.provider import FullEcsImageProvider
from hwc_full_ecs_image.resource import WholeImage
from hwc_full_ecs_image.schema import (
    COMPONENT_INPUT_FIELDS,
    OUTPUT_FIELDS,
    USER_INPUT_FIELDS,
    ImageOutputs,
    ImageSpec,
    ImageState,
)
from simulator import seed

from .helpers import image_props

COMPONENT_ONLY_ARGS = {"servers", "share_acceptors"}
"""Args the component handles itself (children), not inputs of the image resource."""


def test_the_args_class_has_exactly_the_user_inputs_plus_the_component_only_ones() -> None:
    names = [f.name for f in dataclasses.fields(FullEcsImageArgs)]
    assert [n for n in names if n not in COMPONENT_ONLY_ARGS] == list(USER_INPUT_FIELDS)
    assert set(USER_INPUT_FIELDS) | set(COMPONENT_INPUT_FIELDS) == set(ImageSpec.model_fields)


def test_the_resource_declares_every_state_field() -> None:
    annotations = {
        name: hint
        for name, hint in WholeImage.__annotations__.items()
        if str(hint).startswith("pulumi.Output")
    }
    assert set(annotations) == set(ImageState.model_fields)
    assert tuple(ImageOutputs.model_fields) == OUTPUT_FIELDS


def test_create_returns_exactly_the_state_fields(provider: FullEcsImageProvider) -> None:
    outs = provider.create(image_props(seed.BACKUP_AVAILABLE)).outs or {}
    assert set(outs) == set(ImageState.model_fields)
    assert ImageState.model_validate(outs).image_id == outs["image_id"]
