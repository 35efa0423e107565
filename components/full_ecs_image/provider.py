"""FullEcsImageProvider: the dynamic-provider verbs, and only those.

CONTRACT: dill pickles this class BY REFERENCE into the state of every FullEcsImage (module path
`components.full_ecs_image.provider`, class name `FullEcsImageProvider`). Refresh and destroy import
it by that name in the provider process, so moving or renaming it breaks existing stacks. It has no
instance attributes when pickled (the pickle stays ~100 bytes and holds no credential): configure()
adds them, in the provider process only. Importing this module has no side effects.

The provider host runs up to 4 verbs at once on threads. Nothing here is shared and mutable: each
verb builds its own HTTP client; configure() runs once, under the host's lock, before any verb.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

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
from pydantic import ValidationError

from . import plan
from .client import Backup, HuaweiClient, Image, Timing, Volume
from .errors import (
    ApiError,
    FullEcsImageError,
    ImageUnusableError,
    InputValidationError,
    JobFailedError,
    PreflightError,
    SettingsError,
    WaitTimeoutError,
)
from .models import MARKER_TAG_KEY, ImageSpec, format_problems, problems_from, validate_known_fields
from .polling import Seen, wait_for
from .settings import NAMESPACE, Settings, load_settings
from .watchdog import watch_engine

PROVIDER_KEY = "__provider"
DELETE_TIMEOUT_SECONDS = 600.0
WHOLE_ECS_RESOURCE_TYPE = "OS::Nova::Server"
ALREADY_USED_CODES = ("IMG.0029", "IMG.0134")
RESTART_HINT = "fix the cause, then run `pulumi up` again"

T = TypeVar("T")


def say(message: str) -> None:
    """One progress line; the engine shows the provider's stdout as info diagnostics (Pulumi >= 3.146).

    One write per line: up to 4 verbs run on threads, and print() writes text and newline apart."""
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


@contextmanager
def reported(verb: str, subject: str) -> Iterator[None]:
    """Expected errors keep their one-line message; anything else carries an explicit traceback.

    configure() sets sys.tracebacklimit = 0 in the provider process, so the host's
    traceback.format_exc() prints an expected error as one line; an unexpected one embeds
    `traceback.format_exception(limit=20)` in its message, which that limit does not affect.
    """
    try:
        yield
    except FullEcsImageError as error:
        raise error.in_context(verb, subject) from None
    except Exception as error:
        detail = "".join(traceback.format_exception(error, limit=20))
        raise FullEcsImageError(
            f"unexpected {type(error).__name__}: {error}",
            f"please report this with the details below\n{detail}",
            verb=verb,
            subject=subject,
        ) from None


def _inputs(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k in ImageSpec.model_fields}


def _spec(props: Mapping[str, Any]) -> ImageSpec:
    """The validated inputs; check() normally rejected bad ones already, but a verb still answers
    with every broken rule in one line rather than pydantic's multi-line dump."""
    try:
        return ImageSpec.model_validate(_inputs(props))
    except ValidationError as error:
        raise InputValidationError(
            f"invalid input(s): {format_problems(problems_from(error))}", "fix the inputs listed above"
        ) from None


def _subject(props: Mapping[str, Any], image_id: str | None = None) -> str:
    name = props.get("name")
    image = f" {image_id}" if image_id else ""
    return f"full-ECS image{image} {name!r}" if name else f"full-ECS image{image}"


class FullEcsImageProvider(ResourceProvider):
    """Creates, reads, updates and deletes one IMS full-ECS image made from a CSBS backup."""

    # Set by configure() in the provider process only (annotations, not values: nothing to pickle).
    settings: Settings | None
    settings_error: SettingsError | None
    timing: Timing

    def __getstate__(self) -> dict[str, Any]:
        # Pulumi pickles this object into state; what configure() added (settings with credentials)
        # belongs to the provider process only, so even a configured instance pickles empty.
        return {}

    def configure(self, req: ConfigureRequest) -> None:
        # The host wraps every verb in traceback.format_exc(); with limit None that honours
        # sys.tracebacklimit, so expected errors print as one line (see `reported`).
        sys.tracebacklimit = 0
        watch_engine()  # this process must not outlive a killed engine
        self.timing = Timing()
        # A missing credential must not break check/diff (preview of invalid inputs): keep the
        # error and raise it from the verbs that call the cloud.
        try:
            self.settings = load_settings(lambda key: req.config.get(f"{NAMESPACE}:{key}"), os.environ)
            self.settings_error = None
        except SettingsError as error:
            self.settings = None
            self.settings_error = error

    # ------------------------------------------------------------------ helpers

    def _timing(self) -> Timing:
        return getattr(self, "timing", None) or Timing()

    def _client(self, props: Mapping[str, Any], deadline: float | None = None) -> HuaweiClient:
        settings = getattr(self, "settings", None)
        if settings is None:
            raise getattr(self, "settings_error", None) or SettingsError(
                "the provider was not configured", verb="configuring", subject="full-ECS image provider"
            )
        scoped = settings.scoped(region=props.get("region"), project_id=props.get("project_id"))
        return HuaweiClient(scoped, timing=self._timing(), deadline=deadline)

    def _wait(
        self,
        api: HuaweiClient,
        poll: Callable[[], Seen[T]],
        *,
        what: str,
        deadline: float,
        hint: str,
        label: str,
    ) -> T:
        return wait_for(
            poll,
            what=what,
            deadline=deadline,
            schedule=api.timing.poll,
            on_line=lambda line: say(f"{label}: {line}"),
            hint=hint,
        )

    # ------------------------------------------------------------------ check / diff

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        values = {k: v for k, v in news.items() if k != PROVIDER_KEY}
        normalized, problems = validate_known_fields(values)
        failures = [CheckFailure(p.field, p.rule) for p in problems]
        return CheckResult(values if failures else normalized, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        decision = plan.diff_inputs(olds, news)
        return DiffResult(
            changes=decision.changes,
            replaces=decision.replaces,
            delete_before_replace=decision.delete_before_replace,
        )

    # ------------------------------------------------------------------ create

    def create(self, props: dict[str, Any]) -> CreateResult:
        started_at = time.time()  # recorded: the program's wait shares this create's timeout budget
        subject = f"full-ECS image {props.get('name')!r} from CSBS backup {props.get('backup_id')}"
        with reported("creating", subject):
            spec = _spec(props)
            label = f"full-ECS image {spec.name!r}"
            deadline = time.monotonic() + spec.create_timeout_minutes * self._timing().minute
            with self._client(props, deadline) as api:
                if spec.adopt_image_id:
                    return self._adopt_explicit(api, spec, label, started_at)
                backup = self._preflight_backup(api, spec, deadline, label)
                volumes = self._preflight_disks(api, backup)
                computed = self._source_facts(api, backup, volumes, label) | {"create_started_at": started_at}
                ours = self._existing_image(api, spec, backup, label)
                if ours is not None:
                    say(
                        f"{label}: adopted image {ours.image.id} ({ours.image.status}) "
                        "started by an earlier, interrupted run"
                    )
                    return self._result(api, spec, ours.image, computed, ours.tags)
                # From the POST on, every failure deletes what this call started (nothing orphaned).
                attempt = _Attempt()
                try:
                    return self._create_new(api, spec, computed, deadline, label, attempt)
                except Exception as error:
                    if not attempt.refused:
                        _add_note(error, self._discard(api, spec, attempt, label))
                    raise

    def _create_new(
        self,
        api: HuaweiClient,
        spec: ImageSpec,
        computed: Mapping[str, Any],
        deadline: float,
        label: str,
        attempt: _Attempt,
    ) -> CreateResult:
        try:
            posted = self._post(api, spec, label)
        except ApiError as error:
            # A definite refusal (4xx but throttling) made nothing, so there is nothing to clean up.
            attempt.refused = error.status < 500 and error.status != 429
            raise
        if isinstance(posted, _Found):  # the POST had already succeeded once (retried after a drop)
            attempt.image_id = posted.image.id
            return self._result(api, spec, posted.image, computed, posted.tags)
        attempt.job_id = posted
        image, tags = self._await_image(api, spec, deadline, label, attempt)
        wait = "" if image.status == "active" else "; the program waits for it to become active"
        say(f"{label}: image {image.id} is {image.status}{wait}")
        return self._result(api, spec, image, {**computed, "job_id": posted}, tags)

    def _result(
        self,
        api: HuaweiClient,
        spec: ImageSpec,
        image: Image,
        computed: Mapping[str, Any],
        tags: Mapping[str, str] | None = None,
    ) -> CreateResult:
        outs = plan.outputs(spec, image, computed)
        outs.update(self._cloud_values(api, image, tags))
        return CreateResult(image.id, outs)

    def _cloud_values(
        self, api: HuaweiClient, image: Image, tags: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """The in-place fields as the cloud has them, so the next diff sees any difference, and the
        region/project actually used (a later diff compares them when the program sets them).
        `tags`: the image's tags when the caller has just read them (saves a request)."""
        current = plan.user_tags(api.list_image_tags(image.id) if tags is None else tags)
        return {
            "region": api.settings.region,
            "project_id": api.settings.project_id,
            "name": image.name,
            "description": image.description or None,
            "tags": current or None,
            "min_ram": image.min_ram,
            "max_ram": image.max_ram,
        }

    def _preflight_backup(self, api: HuaweiClient, spec: ImageSpec, deadline: float, label: str) -> Backup:
        backup_id = spec.backup_id

        def poll() -> Seen[Backup]:
            backup = api.get_backup(backup_id)
            if backup is None:
                raise PreflightError(
                    f"CSBS backup {backup_id} does not exist",
                    "check backup_id: it is a CSBS backup (checkpoint item) id in this region and project",
                )
            if backup.status in ("protecting", "waiting_protect"):
                return Seen(None, f"CSBS backup {backup_id} is {backup.status} (still being made); waiting")
            if backup.status != "available":
                raise PreflightError(
                    f"CSBS backup {backup_id} is {backup.status}; only an available CSBS backup "
                    "can be used to create a full-ECS image",
                    "wait until the backup is available, or choose another backup",
                )
            return Seen(backup, f"CSBS backup {backup_id} is available")

        backup = self._wait(
            api,
            poll,
            what=f"CSBS backup {backup_id} to become available",
            deadline=deadline,
            hint="raise create_timeout_minutes or run `pulumi up` again once the backup is available",
            label=label,
        )
        has_system_disk = any(v.bootable for v in backup.volume_backups)
        if backup.resource_type != WHOLE_ECS_RESOURCE_TYPE or not has_system_disk:
            raise PreflightError(
                f"CSBS backup {backup_id} is not a whole-ECS backup (resource type "
                f"{backup.resource_type or 'unknown'}, "
                f"{'a' if has_system_disk else 'no'} system-disk backup)",
                "use a CSBS backup of a whole ECS, including its system disk",
            )
        return backup

    def _preflight_disks(self, api: HuaweiClient, backup: Backup) -> dict[str, Volume | None]:
        volumes: dict[str, Volume | None] = {}
        for item in backup.volume_backups:
            volume = api.get_volume(item.source_volume_id)
            if volume is not None and volume.multiattach:
                raise PreflightError(
                    f"CSBS backup {backup.id} includes shared disk {volume.name or volume.id} "
                    f"({volume.id}); a CSBS backup used to create a full-ECS image cannot have shared disks",
                    "back up the ECS without its shared disks, or use a backup taken before they were added",
                )
            volumes[item.source_volume_id] = volume
        return volumes

    def _source_facts(
        self, api: HuaweiClient, backup: Backup, volumes: Mapping[str, Volume | None], label: str
    ) -> dict[str, Any]:
        server = api.get_server(backup.resource_id) if backup.resource_id else None
        if server is None:
            say(f"{label}: source ECS {backup.resource_id} no longer exists; the backup is enough")
        elif server.status == "SHUTOFF":
            say(
                f"{label}: source ECS {server.name} ({server.id}) is stopped (SHUTOFF); "
                "it stays stopped: do not start it while the image is being created"
            )
        else:
            say(f"{label}: source ECS {server.name} ({server.id}) is {server.status}")
        return {
            "data_disks": plan.data_disks(backup, volumes),
            "source_server_id": backup.resource_id or None,
            "source_server_name": server.name if server else None,
            "source_server_status": server.status if server else None,
        }

    def _scan(self, api: HuaweiClient, spec: ImageSpec, skip: Collection[str] = ()) -> _Scan:
        """The backup's full-ECS images, split into ours (marker tag) and others.

        One list request (one page per 500 images); tags are read only for candidates made from
        this backup, except those in `skip` (already known not to be ours)."""
        ours: _Found | None = None
        others: list[str] = []
        for image in api.list_whole_images(spec.backup_id):
            if image.id in skip:
                others.append(image.id)
                continue
            tags = api.list_image_tags(image.id)
            if tags.get(MARKER_TAG_KEY) == spec.marker:
                ours = _Found(image, tags)
            else:
                others.append(image.id)
        return _Scan(ours, others)

    def _existing_image(
        self, api: HuaweiClient, spec: ImageSpec, backup: Backup, label: str
    ) -> _Found | None:
        """Our image from an interrupted run (adopt it), or None; an unrelated image is an error."""
        scan = self._scan(api, spec)
        others = list(scan.others)
        listed = set(others) | ({scan.ours.image.id} if scan.ours else set())
        for image_id in backup.os_image_ids:  # CSBS's own backup -> image link (extend_info.os_images_data)
            if image_id not in listed and api.get_image(image_id) is not None:
                others.append(image_id)
        if others:
            raise PreflightError(
                f"CSBS backup {spec.backup_id} already produced full-ECS image {', '.join(sorted(others))}, "
                "and a CSBS backup can be used to create only one full-ECS image",
                "to manage that image here, set adopt_image_id to its id; otherwise choose another backup",
            )
        if scan.ours is not None and scan.ours.image.status in plan.FAILED_STATUSES:
            found = scan.ours.image
            say(f"{label}: deleting failed image {found.id} ({found.status}) left by an earlier run")
            self._delete_and_wait(api, found.id, time.monotonic() + self._timing().cleanup, label)
            return None
        return scan.ours

    def _post(self, api: HuaweiClient, spec: ImageSpec, label: str) -> str | _Found:
        """The job id, or our image when a retried POST met its own earlier, successful attempt."""
        try:
            job_id = api.create_whole_image(plan.create_body(spec))
        except ApiError as error:
            ours = self._scan(api, spec).ours if error.code in ALREADY_USED_CODES else None
            if ours is None:
                raise
            say(f"{label}: the create request had already succeeded; adopting its image {ours.image.id}")
            return ours
        say(f"{label}: IMS job {job_id} started")
        return job_id

    def _await_image(
        self, api: HuaweiClient, spec: ImageSpec, deadline: float, label: str, attempt: _Attempt
    ) -> tuple[Image, Mapping[str, str] | None]:
        """Polls until the image exists (its id is known), not until it is active: keeps create short.

        IMS names the image in the job only on SUCCESS (API reference 1.2), so while the job runs
        the image is found by listing the backup's images and matching the marker: one list request
        per poll, tags read once per candidate. Records what it learns in `attempt` for the cleanup.
        """
        job_id = str(attempt.job_id)
        hint = "raise create_timeout_minutes, then run `pulumi up` again"
        if time.monotonic() >= deadline:  # e.g. the POST itself answered after the deadline
            raise WaitTimeoutError(
                f"the create timeout ran out before IMS job {job_id} named its image", hint
            )
        not_ours: set[str] = set()

        def poll() -> Seen[tuple[Image, Mapping[str, str] | None]]:
            job = api.get_job(job_id)
            attempt.job_ended = job.status in ("SUCCESS", "FAIL")
            attempt.image_id = job.image_id or attempt.image_id
            if job.status == "FAIL":
                raise JobFailedError(
                    f"IMS job {job_id} failed with {job.error_code or 'no error code'}: "
                    f"{job.fail_reason or 'no reason given'}",
                    "check that the source ECS was prepared for imaging, " + RESTART_HINT,
                )
            tags: Mapping[str, str] | None = None
            if job.image_id:
                image = api.get_image(job.image_id)
            else:
                scan = self._scan(api, spec, skip=not_ours)
                not_ours.update(scan.others)
                image, tags = (scan.ours.image, scan.ours.tags) if scan.ours else (None, None)
            if image is not None:
                attempt.image_id = image.id
            phase, line = plan.progress(job, image)
            # No percent: it predicts the end of the job, not when the image appears (which is what
            # create() waits for), so this wait keeps the growing schedule.
            return Seen((image, tags) if image is not None else None, line, phase)

        return self._wait(
            api, poll, what=f"IMS job {job_id} to create the image", deadline=deadline, hint=hint, label=label
        )

    def _discard(self, api: HuaweiClient, spec: ImageSpec, attempt: _Attempt, label: str) -> str:
        """Deletes the image this create() started, best effort, within its own short bound.

        Returns what happened, for the error message: the image was deleted, none was found, or the
        cleanup failed (then the message names the image and how to get rid of it)."""
        image_id = attempt.image_id
        bound = time.monotonic() + api.timing.cleanup
        try:
            with HuaweiClient(api.settings, timing=api.timing, deadline=bound) as cleanup:
                if image_id is None:
                    found = self._scan(cleanup, spec).ours
                    image_id = found.image.id if found else None
                if image_id is None:
                    if attempt.job_id is None:  # the POST failed without a definite answer
                        return (
                            "the create request may still have reached IMS; if an image appears, it "
                            "carries this resource's marker tag and the next `pulumi up` adopts it"
                        )
                    if attempt.job_ended:
                        return ""
                    return (
                        f"no image of IMS job {attempt.job_id} was found yet; if the job still makes one, "
                        "it carries this resource's marker tag and the next `pulumi up` adopts it"
                    )
                say(f"{label}: deleting image {image_id}, started by this failed create")
                self._delete_and_wait(cleanup, image_id, bound, label)
                return f"the image {image_id} it started was deleted"
        except Exception as error:  # best effort: the original error is what the user must see
            cause = (
                error.cause if isinstance(error, FullEcsImageError) else f"{type(error).__name__}: {error}"
            )
            what = f"image {image_id}" if image_id else "the image it started"
            return (
                f"deleting {what} failed too ({cause}); run `pulumi up` again to adopt it (it carries "
                "this resource's marker tag), or delete it in the IMS console"
                + (f" (DELETE /v2/images/{image_id})" if image_id else "")
            )

    def _adopt_explicit(
        self, api: HuaweiClient, spec: ImageSpec, label: str, started_at: float
    ) -> CreateResult:
        image_id = str(spec.adopt_image_id)
        image = api.get_image(image_id)
        if image is None:
            raise PreflightError(f"image {image_id} (adopt_image_id) does not exist", "check adopt_image_id")
        if not image.whole_image or image.backup_id != spec.backup_id:
            raise PreflightError(
                f"image {image_id} (adopt_image_id) is not a full-ECS image made from "
                f"CSBS backup {spec.backup_id}",
                "set adopt_image_id to the full-ECS image this backup produced, or remove it",
            )
        if image.status in plan.FAILED_STATUSES:
            raise PreflightError(
                f"image {image_id} (adopt_image_id) is {image.status}",
                "delete it and remove adopt_image_id so a new image is created",
            )
        api.batch_image_tags(image_id, "create", {MARKER_TAG_KEY: spec.marker})
        if image.status == "active":
            self._converge(api, spec, image)
            image = api.get_image(image_id) or image
        backup = api.get_backup(spec.backup_id)
        computed: dict[str, Any] = {"create_started_at": started_at}
        if backup is not None:
            volumes = {v.source_volume_id: api.get_volume(v.source_volume_id) for v in backup.volume_backups}
            computed |= self._source_facts(api, backup, volumes, label)
        say(f"{label}: adopted existing image {image_id} ({image.status}) as requested by adopt_image_id")
        return self._result(api, spec, image, computed)

    # ------------------------------------------------------------------ read / update / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with reported("reading", _subject(props, id_)), self._client(props) as api:
            image = api.get_image(id_)
            if image is None:
                say(f"{_subject(props, id_)} no longer exists; it is removed from the stack")
                return ReadResult(None, {})
            # data_disks and the source facts are not re-read: they describe the backup the image
            # was made from, which cannot change for an existing image.
            outs, inputs = plan.refreshed(props, image, api.list_image_tags(id_))
            return ReadResult(id_, outs, inputs)

    def _converge(self, api: HuaweiClient, spec: ImageSpec, image: Image) -> None:
        """PATCH each differing field (add/replace from the image; IMG.0035 -> add), then the tags."""
        for operation in plan.patch_operations(image, spec):
            try:
                api.patch_image(image.id, [operation])
            except ApiError as error:
                if error.code != "IMG.0035" or operation["op"] != "replace":
                    raise
                api.patch_image(image.id, [plan.as_add(operation)])
        to_delete, to_create = plan.tag_changes(api.list_image_tags(image.id), spec.tags or {})
        if to_delete:
            api.batch_image_tags(image.id, "delete", to_delete)
        if to_create:
            api.batch_image_tags(image.id, "create", to_create)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        label = _subject(news, id_)
        with reported("updating", label):
            spec = _spec(news)
            deadline = time.monotonic() + spec.create_timeout_minutes * self._timing().minute
            with self._client(news, deadline) as api:
                return self._update(api, id_, olds, spec, deadline, label)

    def _update(
        self,
        api: HuaweiClient,
        id_: str,
        olds: Mapping[str, Any],
        spec: ImageSpec,
        deadline: float,
        label: str,
    ) -> UpdateResult:
        def poll() -> Seen[Image]:
            image = api.get_image(id_)
            if image is None or image.status in plan.FAILED_STATUSES:
                raise ImageUnusableError(
                    f"image {id_} is {image.status if image else 'gone'}",
                    "run `pulumi up --refresh` to record that and create a new image",
                )
            return Seen(image if image.status == "active" else None, f"image {image.status}")

        # IMS only updates active images; an image still being made is waited for first.
        image = self._wait(
            api,
            poll,
            what=f"image {id_} to become active before updating it",
            deadline=deadline,
            hint="run `pulumi up` again later",
            label=label,
        )
        self._converge(api, spec, image)
        image = api.get_image(id_) or image
        computed = {field: olds.get(field) for field in plan.OUTPUT_FIELDS}
        outs = plan.outputs(spec, image, computed)
        outs.update(self._cloud_values(api, image))
        return UpdateResult(outs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        label = _subject(props, id_)
        deadline = time.monotonic() + DELETE_TIMEOUT_SECONDS
        with reported("deleting", label), self._client(props, deadline) as api:
            if not self._delete_and_wait(api, id_, deadline, label):
                say(f"{label} was already gone")

    def _delete_and_wait(self, api: HuaweiClient, image_id: str, deadline: float, label: str) -> bool:
        """Deletes the image (never its backup: delete_backup is always false) and waits until IMS
        no longer lists it; False when it was already gone."""
        if not api.delete_image(image_id):
            return False

        def poll() -> Seen[bool]:
            image = api.get_image(image_id)
            return Seen(True, "deleted") if image is None else Seen(None, f"status {image.status}, deleting")

        self._wait(
            api,
            poll,
            what=f"image {image_id} to be deleted",
            deadline=deadline,
            hint="check the image in the IMS console and run the command again",
            label=label,
        )
        return True


@dataclass(frozen=True)
class _Found:
    """Our image (it carries this resource's marker) and the tags read to recognise it."""

    image: Image
    tags: Mapping[str, str]


@dataclass(frozen=True)
class _Scan:
    ours: _Found | None
    others: list[str]


@dataclass
class _Attempt:
    """What one create() learned after its POST; local to that call, so threads share nothing."""

    job_id: str | None = None
    image_id: str | None = None
    job_ended: bool = False
    refused: bool = False  # IMS definitely refused the POST: nothing was made


def _add_note(error: Exception, note: str) -> None:
    """Appends what the cleanup did to the error the user sees."""
    if not note:
        return
    if isinstance(error, FullEcsImageError):
        error.cause = f"{error.cause}; {note}"
        error.args = (error.message,)
    else:
        error.add_note(note)  # shown by traceback.format_exception in `reported`
