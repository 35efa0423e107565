"""Huawei Cloud HTTP client (httpx) for exactly the calls this component makes.

Endpoint manifest (every API called; the simulator implements these routes):
  @API IMS  POST   /v1/cloudimages/wholeimages/action              create_whole_image
  @API IMS  GET    /v1/cloudimages/job/{job_id}                    get_job (progress API: + process_percent)
  @API IMS  GET    /v2/cloudimages                                 get_image (?id=), list_whole_images
  @API IMS  PATCH  /v2/cloudimages/{image_id}                      patch_image
  @API IMS  DELETE /v2/images/{image_id}                           delete_image
  @API IMS  GET    /v2/{project_id}/images/{image_id}/tags         list_image_tags
  @API IMS  POST   /v2/{project_id}/images/{image_id}/tags/action  batch_image_tags
  @API CSBS GET    /v1/{project_id}/checkpoint_items/{id}          get_backup
  @API ECS  GET    /v1/{project_id}/cloudservers/{id}              get_server
  @API EVS  GET    /v2/{project_id}/cloudvolumes/{id}              get_volume
No server start/stop/reboot/change-OS route is here, on purpose: the seed forbids starting a stopped
source ECS, and nothing in this package needs to touch a server.

Requests are signed with SDK-HMAC-SHA256 (`sign`, a pure function). Throttling (429), 5xx answers and
dropped connections are retried with bounded exponential backoff that never sleeps past the caller's
deadline. Clients are cheap and made per call: nothing here is shared between threads.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import ApiError, FullEcsImageError, TransportError
from .settings import Settings

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


# --------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class PollSchedule:
    """Poll intervals: a quick first check, then x`factor` up to `cap`; reset when a phase changes.

    The defaults notice a job that ends in a few seconds within about a second, and settle at one
    request per image every 10 s for long waits (Terraform polls every 10-15 s; API reference 6).
    `first` and `cap` also bound the sleeps sized from a job's percent (polling.PollState).
    `jitter`: each sleep is scaled by a random factor in [1 - jitter, 1 + jitter], so 50 waiters
    started together drift apart instead of hitting IMS's rate limit (APIG.0308) in lockstep; 0
    disables it (tests that count requests).
    """

    first: float = 0.5
    factor: float = 1.5
    cap: float = 10.0
    jitter: float = 0.2

    def intervals(self) -> Iterator[float]:
        interval = self.first
        while True:
            yield interval
            interval = min(self.cap, interval * self.factor)


@dataclass(frozen=True)
class Timing:
    """All the waiting a client does; tests pass zeros so the suite runs in seconds."""

    poll: PollSchedule = field(default_factory=PollSchedule)
    retry_base: float = 1.0
    retry_cap: float = 16.0
    max_attempts: int = 6
    request_timeout: float = 30.0
    minute: float = 60.0
    """Seconds in one minute of create_timeout_minutes; tests shorten it to test timeouts quickly."""
    cleanup: float = 120.0
    """Bound in seconds on deleting the image a failed create() started (its own budget, so a
    create that ran out of time can still clean up)."""


FAST_TIMING = Timing(
    PollSchedule(0.0, 1.0, 0.0, jitter=0.0), retry_base=0.0, retry_cap=0.0, request_timeout=10.0, cleanup=10.0
)


def retry_delay(timing: Timing, attempt: int, retry_after: str | None) -> float:
    """Seconds before retry `attempt` (1-based): Retry-After if given, else jittered exponential."""
    if retry_after:
        try:
            return min(timing.retry_cap, max(0.0, float(retry_after)))
        except ValueError:
            pass
    base: float = min(timing.retry_cap, timing.retry_base * 2.0 ** (attempt - 1))
    return base * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not cryptography


# --------------------------------------------------------------------------- signing


def _encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    uri = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(params: Mapping[str, str]) -> str:
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(params.items()))


def sign(
    *,
    method: str,
    path: str,
    params: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes,
    access_key: str,
    secret_key: str,
) -> str:
    """The Authorization header value for a request (huaweicloudsdkcore signer, API reference 5.1).

    `headers` must already hold X-Sdk-Date and Host; every header without '_' in its name is signed.
    """
    signed = sorted(name.lower() for name in headers if "_" not in name)
    lowered = {name.lower(): value for name, value in headers.items()}
    canonical_headers = "".join(f"{name}:{lowered[name].strip()}\n" for name in signed)
    payload = hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256
    canonical = "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(params),
            canonical_headers,
            ";".join(signed),
            payload,
        ]
    )
    string_to_sign = f"{ALGORITHM}\n{lowered['x-sdk-date']}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(secret_key.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={';'.join(signed)}, Signature={signature}"


@dataclass(frozen=True)
class PreparedRequest:
    operation: str
    method: str
    url: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes


def prepare(
    settings: Settings,
    *,
    operation: str,
    service: str,
    method: str,
    path: str,
    params: Mapping[str, str] | None = None,
    payload: Any = None,
    now: datetime | None = None,
) -> PreparedRequest:
    """A signed request, ready for a sync or async httpx client (pure apart from the clock)."""
    base = settings.endpoint(service)
    url = base + path
    body = b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode()
    headers = {
        "Host": urlsplit(base).netloc,
        "X-Sdk-Date": (now or datetime.now(UTC)).strftime(DATE_FORMAT),
        "X-Project-Id": settings.project_id,
    }
    if body:
        headers["Content-Type"] = JSON_CONTENT_TYPE
    if settings.security_token:
        headers["X-Security-Token"] = settings.security_token
    query = dict(params or {})
    headers["Authorization"] = sign(
        method=method,
        path=urlsplit(url).path,
        params=query,
        headers=headers,
        body=body,
        access_key=settings.access_key,
        secret_key=settings.secret_key,
    )
    return PreparedRequest(operation, method, url, query, headers, body)


# --------------------------------------------------------------------------- responses


def api_error(operation: str, response: httpx.Response) -> ApiError:
    """Reads both Huawei error shapes: {"error": {"code", "message"}} and {"error_code", "error_msg"}."""
    code, detail = "", response.reason_phrase
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        nested = body.get("error")
        inner: dict[str, Any] = nested if isinstance(nested, dict) else body
        code = str(inner.get("code") or inner.get("error_code") or body.get("error_code") or "")
        detail = str(inner.get("message") or inner.get("error_msg") or body.get("error_msg") or detail)
    return ApiError(operation, response.status_code, code, detail, response.headers.get("X-Request-Id", ""))


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500


@dataclass(frozen=True)
class Retry:
    """A failed attempt that may be retried: the error to raise if not, and the server's Retry-After."""

    failure: FullEcsImageError
    retry_after: str | None = None


def judge(
    operation: str, attempt: int, outcome: httpx.Response | httpx.TransportError, allow: tuple[int, ...]
) -> httpx.Response | Retry:
    """The response to return, or a Retry; raises an ApiError that retrying cannot fix (pure)."""
    if isinstance(outcome, httpx.TransportError):
        return Retry(
            TransportError(
                f"{operation} failed after {attempt} attempts ({type(outcome).__name__}: {outcome})",
                "check the endpoint and network, then run the command again",
            )
        )
    if outcome.is_success or outcome.status_code in allow:
        return outcome
    failure = api_error(operation, outcome)
    if not _retryable(outcome.status_code):
        raise failure
    return Retry(failure, outcome.headers.get("Retry-After"))


def backoff(timing: Timing, attempt: int, retry: Retry, deadline: float | None, now: float) -> float:
    """Seconds to sleep before the next attempt; raises the failure once the attempts are used up
    or the sleep would pass the caller's deadline. Shared by the sync and the async client."""
    delay = retry_delay(timing, attempt, retry.retry_after)
    if attempt >= timing.max_attempts or (deadline is not None and now + delay >= deadline):
        raise retry.failure
    return delay


def tls_verify(settings: Settings) -> ssl.SSLContext | bool:
    """httpx's `verify`: a context for a custom CA bundle (httpx 0.28 deprecates a path string)."""
    if settings.insecure:
        return False
    return ssl.create_default_context(cafile=settings.cacert_file) if settings.cacert_file else True


def image_from_listing(payload: Mapping[str, Any], image_id: str) -> Image | None:
    """The image in a GET /v2/cloudimages?id= answer, or None when IMS no longer lists it (deleted)."""
    found = [i for i in payload.get("images", []) if i.get("id") == image_id]
    if not found or found[0].get("status") == "deleted":
        return None
    return Image.from_api(found[0])


class Image(BaseModel):
    """An IMS image as GET /v2/cloudimages returns it (only the fields this component uses)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    id: str
    name: str = ""
    status: str = ""
    backup_id: str = Field("", alias="__backup_id")
    whole_image: bool = Field(False, alias="__whole_image")
    description: str | None = Field(None, alias="__description")
    min_disk: int = 0
    min_ram: int = 0
    max_ram: int | None = None
    os_version: str = Field("", alias="__os_version")
    enterprise_project_id: str | None = None
    present: frozenset[str] = frozenset()
    """API attribute names present on the image: PATCH uses `add` for absent ones, `replace` otherwise."""

    @field_validator("max_ram", mode="before")
    @classmethod
    def _max_ram(cls, value: Any) -> Any:
        return None if value in ("", None) else int(value)  # IMS returns max_ram as a string

    @field_validator("whole_image", mode="before")
    @classmethod
    def _whole(cls, value: Any) -> bool:
        return str(value).lower() == "true"  # documented boolean, golangsdk sees a string

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Image:
        present = frozenset(k for k, v in raw.items() if v is not None)
        return cls.model_validate({**raw, "present": present})


class Job(BaseModel):
    """An IMS asynchronous job."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    job_id: str
    status: str
    error_code: str | None = None
    fail_reason: str | None = None
    image_id: str | None = None
    percent: float | None = None

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Job:
        entities = raw.get("entities") or {}
        return cls(
            job_id=str(raw.get("job_id", "")),
            status=str(raw.get("status", "")),
            error_code=raw.get("error_code") or entities.get("error_code"),
            fail_reason=raw.get("fail_reason") or entities.get("error"),
            image_id=entities.get("image_id") or None,
            percent=entities.get("process_percent"),
        )


class VolumeBackup(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    source_volume_id: str
    source_volume_size: int = 0
    bootable: bool = False
    snapshot_id: str | None = None


class Backup(BaseModel):
    """A CSBS checkpoint item (the backup IMS `backup_id` names)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = ""
    status: str
    resource_id: str = ""
    resource_type: str = ""
    volume_backups: tuple[VolumeBackup, ...] = ()
    os_image_ids: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> Backup:
        extend = raw.get("extend_info") or {}
        return cls(
            id=raw["id"],
            name=raw.get("name", ""),
            status=raw.get("status", ""),
            resource_id=raw.get("resource_id", ""),
            resource_type=raw.get("resource_type", ""),
            volume_backups=tuple(VolumeBackup.model_validate(v) for v in extend.get("volume_backups") or ()),
            os_image_ids=tuple(
                d["image_id"] for d in extend.get("os_images_data") or () if d.get("image_id")
            ),
        )


class Server(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = ""
    status: str = ""


class Volume(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = ""
    size: int = 0
    volume_type: str = ""
    multiattach: bool = False


# --------------------------------------------------------------------------- the sync client


class HuaweiClient:
    """Blocking client used inside provider verbs. Use as a context manager; one per call."""

    def __init__(self, settings: Settings, *, timing: Timing, deadline: float | None = None) -> None:
        self.settings = settings
        self.timing = timing
        self.deadline = deadline
        self._http = httpx.Client(timeout=timing.request_timeout, verify=tls_verify(settings))

    def __enter__(self) -> HuaweiClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def _call(
        self,
        operation: str,
        service: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        payload: Any = None,
        allow: tuple[int, ...] = (),
    ) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            request = prepare(
                self.settings, operation=operation, service=service, method=method, path=path,
                params=params, payload=payload,
            )  # fmt: skip
            outcome: httpx.Response | httpx.TransportError
            try:
                outcome = self._http.request(
                    method, request.url, params=request.params, headers=request.headers, content=request.body
                )
            except httpx.TransportError as error:
                outcome = error
            verdict = judge(operation, attempt, outcome, allow)
            if isinstance(verdict, httpx.Response):
                return verdict
            time.sleep(backoff(self.timing, attempt, verdict, self.deadline, time.monotonic()))

    # ---- IMS

    def create_whole_image(self, body: Mapping[str, Any]) -> str:
        response = self._call(
            "POST /v1/cloudimages/wholeimages/action", "ims", "POST", "/v1/cloudimages/wholeimages/action",
            payload=body,
        )  # fmt: skip
        return str(response.json()["job_id"])

    def get_job(self, job_id: str) -> Job:
        return Job.from_api(self._call("GET job", "ims", "GET", job_path(job_id)).json())

    def get_image(self, image_id: str) -> Image | None:
        """The one getter: the image, or None when IMS no longer lists it (deleted)."""
        images = self._call("GET /v2/cloudimages", "ims", "GET", "/v2/cloudimages", params={"id": image_id})
        return image_from_listing(images.json(), image_id)

    def list_whole_images(self, backup_id: str) -> list[Image]:
        """Full-ECS images made from a backup; `__backup_id` is not a documented filter, so filter here."""
        found: list[Image] = []
        params = {"__whole_image": "true", "limit": "500"}
        while True:
            page = self._call("GET /v2/cloudimages", "ims", "GET", "/v2/cloudimages", params=params).json()
            images = page.get("images", [])
            found += [Image.from_api(i) for i in images if i.get("__backup_id") == backup_id]
            if len(images) < int(params["limit"]):
                return [i for i in found if i.status != "deleted"]
            params = {**params, "marker": images[-1]["id"]}

    def list_image_tags(self, image_id: str) -> dict[str, str]:
        path = f"/v2/{self.settings.project_id}/images/{image_id}/tags"
        tags = self._call("GET image tags", "ims", "GET", path).json().get("tags", [])
        return {str(t["key"]): str(t.get("value", "")) for t in tags}

    def batch_image_tags(self, image_id: str, action: str, tags: Mapping[str, str]) -> None:
        path = f"/v2/{self.settings.project_id}/images/{image_id}/tags/action"
        body = {"action": action, "tags": [{"key": k, "value": v} for k, v in sorted(tags.items())]}
        self._call(f"POST image tags ({action})", "ims", "POST", path, payload=body)

    def patch_image(self, image_id: str, operations: list[dict[str, Any]]) -> None:
        self._call("PATCH image", "ims", "PATCH", f"/v2/cloudimages/{image_id}", payload=operations)

    def delete_image(self, image_id: str) -> bool:
        """Deletes the image but never its backup; False when it was already gone."""
        response = self._call(
            "DELETE image", "ims", "DELETE", f"/v2/images/{image_id}", payload={"delete_backup": False},
            allow=(404,),
        )  # fmt: skip
        return response.status_code != 404

    # ---- CSBS, ECS, EVS (read-only)

    def get_backup(self, backup_id: str) -> Backup | None:
        path = f"/v1/{self.settings.project_id}/checkpoint_items/{backup_id}"
        response = self._call("GET CSBS backup", "csbs", "GET", path, allow=(404,))
        return None if response.status_code == 404 else Backup.from_api(response.json()["checkpoint_item"])

    def get_server(self, server_id: str) -> Server | None:
        path = f"/v1/{self.settings.project_id}/cloudservers/{server_id}"
        response = self._call("GET ECS", "ecs", "GET", path, allow=(404,))
        return None if response.status_code == 404 else Server.model_validate(response.json()["server"])

    def get_volume(self, volume_id: str) -> Volume | None:
        path = f"/v2/{self.settings.project_id}/cloudvolumes/{volume_id}"
        response = self._call("GET EVS volume", "evs", "GET", path, allow=(404,))
        return None if response.status_code == 404 else Volume.model_validate(response.json()["volume"])


def job_path(job_id: str) -> str:
    """The progress form of the job query (API reference 1.2): the same body as
    /v1/{project_id}/jobs/{job_id} plus entities.process_percent, so progress lines show a percent."""
    return f"/v1/cloudimages/job/{job_id}"


# --------------------------------------------------------------------------- the async client


class AsyncHuaweiClient:
    """Non-blocking client for the program-side wait; only the two reads that wait needs."""

    def __init__(self, settings: Settings, *, timing: Timing, deadline: float | None = None) -> None:
        self.settings = settings
        self.timing = timing
        self.deadline = deadline
        self._http = httpx.AsyncClient(timeout=timing.request_timeout, verify=tls_verify(settings))

    async def __aenter__(self) -> AsyncHuaweiClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._http.aclose()

    async def _get(
        self, operation: str, service: str, path: str, params: Mapping[str, str]
    ) -> httpx.Response:
        attempt = 0
        while True:
            attempt += 1
            request = prepare(
                self.settings, operation=operation, service=service, method="GET", path=path, params=params
            )
            outcome: httpx.Response | httpx.TransportError
            try:
                outcome = await self._http.get(request.url, params=request.params, headers=request.headers)
            except httpx.TransportError as error:
                outcome = error
            verdict = judge(operation, attempt, outcome, ())
            if isinstance(verdict, httpx.Response):
                return verdict
            await asyncio.sleep(backoff(self.timing, attempt, verdict, self.deadline, time.monotonic()))

    async def get_image(self, image_id: str) -> Image | None:
        response = await self._get("GET /v2/cloudimages", "ims", "/v2/cloudimages", {"id": image_id})
        return image_from_listing(response.json(), image_id)

    async def get_job(self, job_id: str) -> Job:
        return Job.from_api((await self._get("GET job", "ims", job_path(job_id), {})).json())
