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

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from . import creation, lifecycle, plan
from .client import HuaweiClient
from .cloud_provider import PROGRESS, CloudProvider, reported, say
from .disks import SourceDisks, facts_from, plan_servers
from .errors import (
    FullEcsImageError,
    InputValidationError,
    PreflightError,
)
from .importing import imported_inputs, not_importable
from .preflight import Preflight, preflight, read_source
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


@dataclass(frozen=True)
class Checked:
    """What check() found: the failures, and the image's original disks (None: not read)."""

    failures: list[CheckFailure]
    disks: SourceDisks | None = None


_CLAIMS: dict[tuple[str | None, str | None, str], str] = {}
_CLAIMS_LOCK = threading.Lock()


def claim(spec: ImageSpec) -> str | None:
    """Why the backup cannot be this resource's, if another FullEcsImage checked in this provider
    process (one deployment) makes its image from it: a backup makes one full-ECS image."""
    with _CLAIMS_LOCK:
        other = _CLAIMS.setdefault((spec.region, spec.project_id, spec.backup_id), spec.marker)
    if other == spec.marker:
        return None
    return (
        f"another FullEcsImage of this stack makes its image from backup {spec.backup_id}, and a "
        "backup can be used to create only one full-ECS image. Give each FullEcsImage its own backup"
    )


CHECKED_FRESH_SECONDS = 60.0
"""How long a check()'s preflight answers may stand in for create()'s: one `pulumi up` checks each
image right before creating it, in the same process; IMS still refuses a backup used in between."""
_CHECKED: dict[tuple[str | None, str | None, str, str], tuple[float, Preflight]] = {}


def remember(spec: ImageSpec, checked: Preflight) -> None:
    if checked.source is not None and checked.source.backup.status == "available" and not checked.going:
        with _CLAIMS_LOCK:
            _CHECKED[(spec.region, spec.project_id, spec.marker, spec.backup_id)] = (
                time.monotonic(),
                checked,
            )


def recalled(spec: ImageSpec) -> Preflight | None:
    """The preflight check() just ran for this image, once, if still fresh."""
    with _CLAIMS_LOCK:
        found = _CHECKED.pop((spec.region, spec.project_id, spec.marker, spec.backup_id), None)
    if found is None or time.monotonic() - found[0] > CHECKED_FRESH_SECONDS:
        return None
    return found[1]


_REPLACING: dict[tuple[str | None, str | None, str], float] = {}
"""Resources whose check() just found a replacement, and when (monotonic)."""


def _repeats_a_replacement_check(spec: ImageSpec, olds: Mapping[str, Any]) -> bool:
    """Whether this check repeats one made moments ago for the same replacement: the engine checks a
    replacement twice, with the old inputs and then with none ("recompute the default values",
    pkg/resource/deploy/step_generator.go in pulumi/pulumi), so its lines (a new server's disks, the
    preflight's notes) would be shown twice. The rules still run both times; only the lines are not
    repeated."""
    key = (spec.region, spec.project_id, spec.marker)
    now = time.monotonic()
    with _CLAIMS_LOCK:
        if olds:
            if _would_create(olds, spec.model_dump()):
                _REPLACING[key] = now
            return False
        when = _REPLACING.pop(key, None)
    return when is not None and now - when <= CHECKED_FRESH_SECONDS


def _silent(_line: str) -> None:
    """The progress sink of a check whose lines were already shown."""


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
        requests = normalized.get("server_disks")
        known = normalized | {"server_disks": None if is_unresolved(requests) else requests}
        if failures or is_unresolved(known):
            return CheckResult(values if failures else normalized, failures)
        spec = ImageSpec.model_validate(known)
        echo = PROGRESS.set(_silent) if _repeats_a_replacement_check(spec, olds) else None
        try:
            checked = self._run(self._check(spec, olds))
        finally:
            if echo is not None:
                PROGRESS.reset(echo)
        if checked.disks is not None and not checked.failures:
            normalized["source_disks"] = checked.disks.model_dump(mode="json")
        return CheckResult(values if checked.failures else normalized, checked.failures)

    async def _check(self, spec: ImageSpec, olds: Mapping[str, Any]) -> Checked:
        """The create's read-only checks when the image would be made (a broken rule fails the
        preview, naming it), then every server's disks against the image's original disks."""
        label = _subject(spec.model_dump())
        claimed = claim(spec)
        if claimed:
            return Checked([CheckFailure("backup_id", claimed)])
        creating = _would_create(olds, spec.model_dump())
        recorded = None if creating else olds.get("source_disks")
        if recorded is None and not creating and not spec.server_disks:
            return Checked([])  # an existing image: nothing to read at preview
        field = "adopt_image_id" if spec.adopt_image_id else "backup_id"
        try:
            async with self._client(spec.model_dump(), lifecycle.deadline_in(PREVIEW_BOUND_SECONDS)) as api:
                if creating:
                    disks = await self._preflight(api, spec, label)
                elif recorded is None:  # recorded before disks were: read them once
                    source = await read_source(api, spec)
                    disks = facts_from(source.backup, source.volumes) if source else None
                else:
                    disks = SourceDisks.model_validate(recorded)
        except PreflightError as error:
            return Checked([CheckFailure(field, error.reason)])
        except FullEcsImageError as error:
            return Checked([CheckFailure("", error.in_context("checking", label).message)])
        return Checked(self._server_failures(spec, disks, olds, creating, label), disks)

    async def _preflight(self, api: HuaweiClient, spec: ImageSpec, label: str) -> SourceDisks | None:
        """The create's read-only checks at preview; their notes as progress lines. What they read is
        kept for a create in this process soon after (the update's check, then its create)."""
        checked = await preflight(api, spec, wait_until=None, say=lambda _line: None)
        remember(spec, checked)
        for note in checked.notes:
            say(f"{label}: {note}")
        if checked.ours is not None:
            say(f"{label}: image {checked.ours.image.id} from an earlier, interrupted run will be adopted")
        source = checked.source
        return facts_from(source.backup, source.volumes) if source else None

    @staticmethod
    def _server_failures(
        spec: ImageSpec, disks: SourceDisks | None, olds: Mapping[str, Any], creating: bool, label: str
    ) -> list[CheckFailure]:
        """Every broken disk rule of every server (its path leads the reason: it is not an input
        of the image); the disks of each new server, one line per disk, as the console shows them."""
        requests = spec.server_disks or []
        if not requests:
            return []
        if disks is None:
            rule = "the image's original disks are unknown (its backup no longer exists)"
            return [CheckFailure("", f"servers: {rule}; the servers cannot be planned")]
        planned, problems = plan_servers(requests, disks)
        if problems:
            return [CheckFailure("", f"{p.field}: {p.rule}") for p in problems]
        existing = set() if creating else {r.get("name") for r in olds.get("server_disks") or []}
        for name, server in planned.items():
            if name not in existing:
                for line in server.lines():
                    say(f"{label}: new server {name!r} gets {line}")
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
                api, spec, deadline=deadline, say=lambda line: say(f"{label}: {line}"), checked=recalled(spec)
            )
            facts = {**made.facts, "create_started_at": started_at, **self._where(api)}
            if "source_disks" in made.facts:  # as read by this create, not by the earlier check()
                spec = spec.model_copy(
                    update={"source_disks": SourceDisks.model_validate(made.facts["source_disks"])}
                )
            return CreateResult(made.image.id, plan.outputs(spec, made.image, made.tags, facts))

    @staticmethod
    def _where(api: HuaweiClient) -> dict[str, str]:
        """The region and project actually used (a later diff compares them when the program sets them)."""
        return {"region": api.settings.region, "project_id": api.settings.project_id}

    def read(
        self, id_: str, props: dict[str, Any], identity: tuple[str, str, str] | None = None
    ) -> ReadResult:
        """A refresh (props: the state), or an import (no props; `identity` = project, stack and
        resource name, for the marker)."""
        verb = "reading" if props or identity is None else "importing"
        with reported(verb, _subject(props, id_)):
            return self._run(self._read(id_, props, identity))

    async def _read(
        self, id_: str, props: dict[str, Any], identity: tuple[str, str, str] | None
    ) -> ReadResult:
        async with self._client(props) as api:
            image = await api.get_image(id_)
            if image is None and not props and identity is not None:
                raise not_importable(id_, "IMS has no such image in this region and project")
            if image is None:
                say(f"{_subject(props, id_)} no longer exists; it is removed from the stack")
                return ReadResult(None, {})
            if not props.get("backup_id") and identity is not None:  # an import
                tags = await api.list_image_tags(id_)
                props = await imported_inputs(api, image, tags, identity)
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

    def start_deletion(self, id_: str, props: dict[str, Any]) -> bool:
        """Marks the image "deleting-<marker>" and deletes it (never its backup), without waiting;
        False when it was gone already (the plugin's deletions.py waits)."""
        label = _subject(props, id_)
        with reported("deleting", label):
            return self._run(self._start_deletion(id_, props, label))

    async def _start_deletion(self, id_: str, props: dict[str, Any], label: str) -> bool:
        async with self._client(props, lifecycle.deadline_in(self.timing.delete)) as api:
            started = await lifecycle.start_delete(api, id_, str(props.get("marker") or ""))
        say(f"{label}: deletion started" if started else f"{label} was already gone")
        return started

    def listed(self, images: Mapping[str, Mapping[str, Any]]) -> list[str]:
        """Which of these images (id -> its recorded props) IMS still lists."""
        with reported("reading", f"full-ECS image {', '.join(images)}"):
            return self._run(self._listed(images))

    async def _listed(self, images: Mapping[str, Mapping[str, Any]]) -> list[str]:
        left = []
        for image_id, props in images.items():
            async with self._client(props) as api:
                if await api.get_image(image_id) is not None:
                    left.append(image_id)
        return left

    def delete(self, id_: str, props: dict[str, Any], timeout_seconds: float | None = None) -> None:
        label = _subject(props, id_)
        with reported("deleting", label):
            self._run(self._delete(id_, props, label, timeout_seconds or self.timing.delete))

    async def _delete(self, id_: str, props: dict[str, Any], label: str, seconds: float) -> None:
        """Marks the image as being deleted, deletes it (never its backup) and returns once IMS no
        longer lists it, as Terraform does: a successful destroy means the image is gone."""
        deadline = lifecycle.deadline_in(seconds)
        async with self._client(props, deadline) as api:
            if not await lifecycle.start_delete(api, id_, str(props.get("marker") or "")):
                say(f"{label} was already gone")
                return
            await lifecycle.wait_gone(api, [id_], deadline=deadline, say=lambda line: say(f"{label}: {line}"))
