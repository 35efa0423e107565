"""FullEcsImageProvider: the dynamic-provider verbs, and only those.

Each verb is a few lines that hand off to creation.py, preflight.py and lifecycle.py (values in,
values out), like pulumi-command's commandController.go.

CONTRACT: dill pickles this class BY REFERENCE into the state of every FullEcsImage (module path
`components.full_ecs_image.provider`, class name `FullEcsImageProvider`). Refresh and destroy import
it by that name in the provider process, so moving or renaming it breaks existing stacks. It has no
instance attributes when pickled (the pickle stays ~100 bytes and holds no credential): configure()
adds them, in the provider process only. Importing this module has no side effects.

The provider host runs up to 4 verbs at once on threads. Each verb runs its own event loop
(asyncio.run) and its own client; configure() runs once, under the host's lock, before any verb.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from . import creation, lifecycle, plan
from .client import HuaweiClient
from .cloud_provider import CloudProvider, reported, say
from .errors import (
    FullEcsImageError,
    InputValidationError,
    PreflightError,
)
from .preflight import preflight
from .rules import format_problems, is_unresolved
from .schema import OUTPUT_FIELDS, ImageSpec, spec_of, validate_known_fields

PROVIDER_KEY = "__provider"


def _subject(props: Mapping[str, Any], image_id: str | None = None) -> str:
    name = props.get("name")
    image = f" {image_id}" if image_id else ""
    return f"full-ECS image{image} {name!r}" if name else f"full-ECS image{image}"


def _spec(props: Mapping[str, Any]) -> ImageSpec:
    """The validated inputs; check() rejected bad ones already, but a verb still answers with every
    broken rule in one line."""
    spec = spec_of(props)
    if isinstance(spec, ImageSpec):
        return spec
    raise InputValidationError(f"invalid input(s): {format_problems(spec)}", "fix the inputs listed above")


PREVIEW_BOUND_SECONDS = 30.0
"""A preview's preflight gives up (with the retries' error) after this long: an unreachable endpoint
fails the preview in seconds rather than minutes."""


def _would_create(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """The image would be created, or replaced (another backup, source, region...): preflight applies."""
    return not olds or bool(set(plan.diff_inputs(olds, news).replaces) & set(plan.REPLACE_FIELDS))


class FullEcsImageProvider(CloudProvider):
    """Creates, reads, updates and deletes one IMS full-ECS image made from a CSBS or CBR backup."""

    # ------------------------------------------------------------------ check / diff

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        values = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        normalized, problems = validate_known_fields(values)
        failures = [CheckFailure(p.field, p.rule) for p in problems]
        if self.settings is None:  # `up` would fail on it too (the program's wait needs the settings)
            failures.append(CheckFailure("", self._settings_problem()))
        if failures or is_unresolved(normalized) or not _would_create(olds, normalized):
            return CheckResult(values if failures else normalized, failures)
        failures = self._run(self._preflight(ImageSpec.model_validate(normalized)))
        return CheckResult(values if failures else normalized, failures)

    async def _preflight(self, spec: ImageSpec) -> list[CheckFailure]:
        """The create's read-only checks at preview: a broken rule fails the preview, naming it."""
        label = _subject(spec.model_dump())
        if self.settings is None:
            return [
                CheckFailure("", self.settings_error.message if self.settings_error else "not configured")
            ]
        field = "adopt_image_id" if spec.adopt_image_id else "backup_id"
        try:
            async with self._client(spec.model_dump(), lifecycle.deadline_in(PREVIEW_BOUND_SECONDS)) as api:
                checked = await preflight(api, spec, wait_until=None, say=lambda _line: None)
        except PreflightError as error:
            return [CheckFailure(field, error.reason)]
        except FullEcsImageError as error:
            return [CheckFailure("", error.in_context("checking", label).message)]
        for note in checked.notes:
            say(f"{label}: {note}")
        if checked.ours is not None:
            say(f"{label}: image {checked.ours.image.id} from an earlier, interrupted run will be adopted")
        return []

    def _settings_problem(self) -> str:
        return self.settings_error.message if self.settings_error else "the provider was not configured"

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        decision = plan.diff_inputs(olds, news)
        return DiffResult(
            changes=decision.changes,
            replaces=decision.replaces,
            delete_before_replace=decision.delete_before_replace,
        )

    # ------------------------------------------------------------------ create / read / update / delete

    def create(self, props: dict[str, Any]) -> CreateResult:
        started_at = time.time()  # recorded: the program's wait shares this create's timeout budget
        kind = str(props.get("source") or "csbs").upper()
        subject = f"full-ECS image {props.get('name')!r} from {kind} backup {props.get('backup_id')}"
        with reported("creating", subject):
            spec = _spec(props)
            return self._run(self._create(spec, started_at))

    async def _create(self, spec: ImageSpec, started_at: float) -> CreateResult:
        label = f"full-ECS image {spec.name!r}"
        deadline = lifecycle.deadline_in(spec.create_timeout_minutes * self.timing.minute)
        async with self._client(spec.model_dump(), deadline) as api:
            made = await creation.create(
                api, spec, deadline=deadline, say=lambda line: say(f"{label}: {line}")
            )
            facts = {**made.facts, "create_started_at": started_at, **self._where(api)}
            return CreateResult(made.image.id, plan.outputs(spec, made.image, made.tags, facts))

    @staticmethod
    def _where(api: HuaweiClient) -> dict[str, str]:
        """The region and project actually used (a later diff compares them when the program sets them)."""
        return {"region": api.settings.region, "project_id": api.settings.project_id}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with reported("reading", _subject(props, id_)):
            return self._run(self._read(id_, props))

    async def _read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        async with self._client(props) as api:
            image = await api.get_image(id_)
            if image is None:
                say(f"{_subject(props, id_)} no longer exists; it is removed from the stack")
                return ReadResult(None, {})
            # data_disks and the source facts are not re-read: they describe the backup the image
            # was made from, which cannot change for an existing image.
            outs, inputs = plan.refreshed(props, image, await api.list_image_tags(id_))
            return ReadResult(id_, outs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        with reported("updating", _subject(news, id_)):
            spec = _spec(news)
            return self._run(self._update(id_, olds, spec))

    async def _update(self, id_: str, olds: Mapping[str, Any], spec: ImageSpec) -> UpdateResult:
        label = _subject(spec.model_dump(), id_)
        deadline = lifecycle.deadline_in(spec.create_timeout_minutes * self.timing.minute)
        async with self._client(spec.model_dump(), deadline) as api:
            line = lambda text: say(f"{label}: {text}")  # noqa: E731
            image = await lifecycle.wait_active(api, id_, deadline=deadline, say=line)
            await lifecycle.converge(api, spec, image)
            image = await api.get_image(id_) or image
            facts = {field: olds.get(field) for field in OUTPUT_FIELDS} | self._where(api)
            return UpdateResult(plan.outputs(spec, image, await api.list_image_tags(id_), facts))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        label = _subject(props, id_)
        with reported("deleting", label):
            self._run(self._delete(id_, props, label))

    async def _delete(self, id_: str, props: dict[str, Any], label: str) -> None:
        """Starts the deletion and returns: the resource's deletion barrier (barrier.py), deleted
        right after, waits until IMS no longer lists the image, without holding a provider slot."""
        async with self._client(props, lifecycle.deadline_in(self.timing.delete)) as api:
            if await lifecycle.start_delete(api, id_, str(props.get("marker") or "")):
                say(f"{label}: deletion started; waiting for IMS to finish it")
            else:
                say(f"{label} was already gone")
