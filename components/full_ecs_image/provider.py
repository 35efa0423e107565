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

import asyncio
import logging
import os
import sys
import time
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from . import creation, lifecycle, plan
from .client import HuaweiClient
from .errors import (
    DEBUG_ENV,
    LOG,
    FullEcsImageError,
    InputValidationError,
    PreflightError,
    SettingsError,
    for_host,
    unexpected,
)
from .polling import Timing
from .preflight import preflight
from .rules import format_problems, is_unresolved
from .schema import OUTPUT_FIELDS, ImageSpec, spec_of, validate_known_fields
from .settings import NAMESPACE, Settings, load_settings
from .watchdog import watch_engine

PROVIDER_KEY = "__provider"
T = TypeVar("T")


def say(message: str) -> None:
    """One progress line; the engine shows the provider's stdout as info diagnostics (Pulumi >= 3.146).

    One write per line: up to 4 verbs run on threads, and print() writes text and newline apart."""
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


@contextmanager
def reported(verb: str, subject: str) -> Iterator[None]:
    """Every error leaves a verb as one line, `error <verb> <subject>: <cause>. <what to do>`;
    an unexpected one's traceback goes to the debug log only."""
    try:
        yield
    except FullEcsImageError as error:
        raise for_host(error.in_context(verb, subject)) from None
    except Exception as error:
        raise for_host(unexpected(error, verb, subject)) from None


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


def _would_create(olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
    """The image would be created or replaced by another backup's (so the preflight applies)."""
    return not olds or olds.get("backup_id") != news.get("backup_id")


class FullEcsImageProvider(ResourceProvider):
    """Creates, reads, updates and deletes one IMS full-ECS image made from a CSBS or CBR backup."""

    # Set by configure() in the provider process only; class-level defaults, nothing to pickle.
    settings: Settings | None = None
    settings_error: SettingsError | None = None
    timing: Timing = Timing()
    transport: httpx.AsyncBaseTransport | None = None
    """Tests run the simulator in-process through this; None = the network."""

    def __getstate__(self) -> dict[str, Any]:
        # Pulumi pickles this object into state; what configure() added (settings with credentials)
        # belongs to the provider process only, so even a configured instance pickles empty.
        return {}

    def configure(self, req: ConfigureRequest) -> None:
        # The host reports traceback.format_exc(); with limit 0 that is our one line (errors.for_host).
        sys.tracebacklimit = 0
        watch_engine()  # this process must not outlive a killed engine
        if os.environ.get(DEBUG_ENV) and not LOG.handlers:
            LOG.addHandler(logging.StreamHandler(sys.stderr))
            LOG.setLevel(logging.DEBUG)
        try:
            self.settings = load_settings(lambda key: req.config.get(f"{NAMESPACE}:{key}"), os.environ)
            self.settings_error = None
        except SettingsError as error:
            self.settings, self.settings_error = None, error

    def _client(self, props: Mapping[str, Any], deadline: float | None = None) -> HuaweiClient:
        if self.settings is None:
            raise self.settings_error or SettingsError(
                "the provider was not configured", verb="configuring", subject="full-ECS image provider"
            )
        scoped = self.settings.scoped(region=props.get("region"), project_id=props.get("project_id"))
        return HuaweiClient(
            scoped, timing=self.timing, deadline=deadline, transport=self.transport, on_retry=say
        )

    @staticmethod
    def _run(work: Coroutine[Any, Any, T]) -> T:
        """Runs a verb's coroutine on a loop of its own, leaving the thread's current loop alone
        (the host's worker threads have none; a test's main thread may)."""
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(work)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    # ------------------------------------------------------------------ check / diff

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        values = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        normalized, problems = validate_known_fields(values)
        failures = [CheckFailure(p.field, p.rule) for p in problems]
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
            async with self._client(spec.model_dump()) as api:
                checked = await preflight(api, spec, wait_until=None, say=lambda _line: None)
        except PreflightError as error:
            return [CheckFailure(field, f"{error.cause}. {error.hint}")]
        except FullEcsImageError as error:
            return [CheckFailure("", error.in_context("checking", label).message)]
        for note in checked.notes:
            say(f"{label}: {note}")
        if checked.ours is not None:
            say(f"{label}: image {checked.ours.image.id} from an earlier, interrupted run will be adopted")
        return []

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
        deadline = lifecycle.deadline_in(self.timing.delete)
        async with self._client(props, deadline) as api:
            line = lambda text: say(f"{label}: {text}")  # noqa: E731
            if not await lifecycle.delete_and_wait(api, id_, deadline=deadline, say=line):
                say(f"{label} was already gone")
