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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

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

from . import plan
from .client import Backup, HuaweiClient, Image, Timing, Volume, wait_for
from .errors import (
    ApiError,
    FullEcsImageError,
    ImageUnusableError,
    JobFailedError,
    PreflightError,
    SettingsError,
)
from .models import MARKER_TAG_KEY, ImageSpec, validate_known_fields
from .settings import NAMESPACE, Settings, load_settings

PROVIDER_KEY = "__provider"
DELETE_TIMEOUT_SECONDS = 600.0
WHOLE_ECS_RESOURCE_TYPE = "OS::Nova::Server"
ALREADY_USED_CODES = ("IMG.0029", "IMG.0134")
RESTART_HINT = "fix the cause, then run `pulumi up` again"


def say(message: str) -> None:
    """One progress line; the engine shows the provider's stdout as info diagnostics (Pulumi >= 3.146)."""
    print(message, flush=True)


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

    def configure(self, req: ConfigureRequest) -> None:
        # The host wraps every verb in traceback.format_exc(); with limit None that honours
        # sys.tracebacklimit, so expected errors print as one line (see `reported`).
        sys.tracebacklimit = 0
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
        self, api: HuaweiClient, poll: Any, *, what: str, deadline: float, hint: str, label: str
    ) -> Any:
        return wait_for(
            poll,
            what=what,
            deadline=deadline,
            schedule=api.timing.poll,
            on_state=lambda state: say(f"{label}: {state}"),
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
        spec = ImageSpec.model_validate(_inputs(props))
        subject = f"full-ECS image {spec.name!r} from CSBS backup {spec.backup_id}"
        label = f"full-ECS image {spec.name!r}"
        deadline = time.monotonic() + spec.create_timeout_minutes * self._timing().minute
        with reported("creating", subject), self._client(props, deadline) as api:
            if spec.adopt_image_id:
                return self._adopt_explicit(api, spec, label)
            backup = self._preflight_backup(api, spec, deadline, label)
            volumes = self._preflight_disks(api, backup)
            computed = self._source_facts(api, backup, volumes, label)
            ours = self._existing_image(api, spec, backup, label)
            if ours is not None:
                say(
                    f"{label}: adopted image {ours.id} ({ours.status}) started by an earlier, interrupted run"
                )
                return self._result(api, spec, ours, computed)
            job_id = self._post(api, spec, label)
            if isinstance(job_id, Image):  # the POST had already succeeded once (retried after a drop)
                return self._result(api, spec, job_id, computed)
            computed["job_id"] = job_id
            image = self._await_image(api, spec, job_id, deadline, label)
            wait = "" if image.status == "active" else "; the program waits for it to become active"
            say(f"{label}: image {image.id} is {image.status}{wait}")
            return self._result(api, spec, image, computed)

    def _result(
        self, api: HuaweiClient, spec: ImageSpec, image: Image, computed: Mapping[str, Any]
    ) -> CreateResult:
        outs = plan.outputs(spec, image, computed)
        outs.update(self._cloud_values(api, image))
        return CreateResult(image.id, outs)

    def _cloud_values(self, api: HuaweiClient, image: Image) -> dict[str, Any]:
        """The in-place fields as the cloud has them, so the next diff sees any difference, and the
        region/project actually used (a later diff compares them when the program sets them)."""
        tags = plan.user_tags(api.list_image_tags(image.id))
        return {
            "region": api.settings.region,
            "project_id": api.settings.project_id,
            "name": image.name,
            "description": image.description or None,
            "tags": tags or None,
            "min_ram": image.min_ram,
            "max_ram": image.max_ram,
        }

    def _preflight_backup(self, api: HuaweiClient, spec: ImageSpec, deadline: float, label: str) -> Backup:
        backup_id = spec.backup_id

        def poll() -> tuple[Backup | None, str]:
            backup = api.get_backup(backup_id)
            if backup is None:
                raise PreflightError(
                    f"CSBS backup {backup_id} does not exist",
                    "check backup_id: it is a CSBS backup (checkpoint item) id in this region and project",
                )
            if backup.status in ("protecting", "waiting_protect"):
                return None, f"CSBS backup {backup_id} is {backup.status} (still being made); waiting"
            if backup.status != "available":
                raise PreflightError(
                    f"CSBS backup {backup_id} is {backup.status}; only an available CSBS backup "
                    "can be used to create a full-ECS image",
                    "wait until the backup is available, or choose another backup",
                )
            return backup, f"CSBS backup {backup_id} is available"

        backup: Backup = self._wait(
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

    def _find_ours(self, api: HuaweiClient, spec: ImageSpec) -> Image | None:
        for image in api.list_whole_images(spec.backup_id):
            if api.list_image_tags(image.id).get(MARKER_TAG_KEY) == spec.marker:
                return image
        return None

    def _existing_image(self, api: HuaweiClient, spec: ImageSpec, backup: Backup, label: str) -> Image | None:
        """Our image from an interrupted run (adopt it), or None; an unrelated image is an error."""
        ours: Image | None = None
        others: list[str] = []
        listed = api.list_whole_images(spec.backup_id)
        for image in listed:
            if api.list_image_tags(image.id).get(MARKER_TAG_KEY) == spec.marker:
                ours = image
            else:
                others.append(image.id)
        listed_ids = {i.id for i in listed}
        for image_id in backup.os_image_ids:  # CSBS's own backup -> image link (extend_info.os_images_data)
            if image_id not in listed_ids and api.get_image(image_id) is not None:
                others.append(image_id)
        if others:
            raise PreflightError(
                f"CSBS backup {spec.backup_id} already produced full-ECS image {', '.join(sorted(others))}, "
                "and a CSBS backup can be used to create only one full-ECS image",
                "to manage that image here, set adopt_image_id to its id; otherwise choose another backup",
            )
        if ours is not None and ours.status in plan.FAILED_STATUSES:
            say(f"{label}: deleting failed image {ours.id} ({ours.status}) left by an earlier run")
            api.delete_image(ours.id)
            return None
        return ours

    def _post(self, api: HuaweiClient, spec: ImageSpec, label: str) -> str | Image:
        """The job id, or our image when a retried POST met its own earlier, successful attempt."""
        try:
            job_id = api.create_whole_image(plan.create_body(spec))
        except ApiError as error:
            ours = self._find_ours(api, spec) if error.code in ALREADY_USED_CODES else None
            if ours is None:
                raise
            say(f"{label}: the create request had already succeeded; adopting its image {ours.id}")
            return ours
        say(f"{label}: IMS job {job_id} started")
        return job_id

    def _await_image(
        self, api: HuaweiClient, spec: ImageSpec, job_id: str, deadline: float, label: str
    ) -> Image:
        """Polls until the image exists (its id is known), not until it is active: keeps create short."""

        def poll() -> tuple[Image | None, str]:
            job = api.get_job(job_id)
            if job.status == "FAIL":
                self._clean_up_failed(api, spec, job.image_id, label)
                raise JobFailedError(
                    f"IMS job {job_id} failed with {job.error_code or 'no error code'}: "
                    f"{job.fail_reason or 'no reason given'}; the image it started was deleted",
                    "check that the source ECS was prepared for imaging, " + RESTART_HINT,
                )
            image = api.get_image(job.image_id) if job.image_id else self._find_ours(api, spec)
            percent = f" {job.percent:.0f}%" if job.percent is not None else ""
            state = f"job {job.status}{percent}" + (f", image {image.status}" if image else "")
            return image, state

        image: Image = self._wait(
            api,
            poll,
            what=f"IMS job {job_id} to create the image",
            deadline=deadline,
            hint="the job may still finish: run `pulumi up` again, it adopts the image this run started",
            label=label,
        )
        return image

    def _clean_up_failed(self, api: HuaweiClient, spec: ImageSpec, image_id: str | None, label: str) -> None:
        ids = {image_id} if image_id else set()
        found = self._find_ours(api, spec)
        if found is not None:
            ids.add(found.id)
        for orphan in sorted(ids):
            say(f"{label}: deleting image {orphan} left by the failed job")
            api.delete_image(orphan)

    def _adopt_explicit(self, api: HuaweiClient, spec: ImageSpec, label: str) -> CreateResult:
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
        computed: dict[str, Any] = {}
        if backup is not None:
            volumes = {v.source_volume_id: api.get_volume(v.source_volume_id) for v in backup.volume_backups}
            computed = self._source_facts(api, backup, volumes, label)
        say(f"{label}: adopted existing image {image_id} ({image.status}) as requested by adopt_image_id")
        return self._result(api, spec, image, computed)

    # ------------------------------------------------------------------ read / update / delete

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with reported("reading", _subject(props, id_)), self._client(props) as api:
            image = api.get_image(id_)
            if image is None:
                say(f"{_subject(props, id_)} no longer exists; it is removed from the stack")
                return ReadResult(None, {})
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
        spec = ImageSpec.model_validate(_inputs(news))
        label = _subject(news, id_)
        deadline = time.monotonic() + spec.create_timeout_minutes * self._timing().minute
        with reported("updating", label), self._client(news, deadline) as api:

            def poll() -> tuple[Image | None, str]:
                image = api.get_image(id_)
                if image is None or image.status in plan.FAILED_STATUSES:
                    raise ImageUnusableError(
                        f"image {id_} is {image.status if image else 'gone'}",
                        "run `pulumi up --refresh` to record that and create a new image",
                    )
                return (image if image.status == "active" else None), f"image {image.status}"

            # IMS only updates active images; an image still being made is waited for first.
            image: Image = self._wait(
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
            if not api.delete_image(id_):  # the backup is kept: delete_backup is always false
                say(f"{label} was already gone")
                return

            def poll() -> tuple[bool | None, str]:
                image = api.get_image(id_)
                return (True, "deleted") if image is None else (None, f"status {image.status}, deleting")

            self._wait(
                api,
                poll,
                what=f"image {id_} to be deleted",
                deadline=deadline,
                hint="check the image in the IMS console and run `pulumi destroy` again",
                label=label,
            )
