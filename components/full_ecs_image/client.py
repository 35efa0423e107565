"""The Huawei Cloud client (httpx.AsyncClient) for exactly the calls this component makes.

Endpoint manifest (every API called; the simulator implements these routes):
  @API IMS  POST   /v1/cloudimages/wholeimages/action              create_whole_image
  @API IMS  GET    /v1/cloudimages/job/{job_id}                    get_job (progress API: + process_percent)
  @API IMS  GET    /v2/cloudimages                                 get_image (?id=), list_whole_images
  @API IMS  PATCH  /v2/cloudimages/{image_id}                      patch_image
  @API IMS  DELETE /v2/images/{image_id}                           delete_image
  @API IMS  GET    /v2/{project_id}/images/{image_id}/tags         list_image_tags
  @API IMS  POST   /v2/{project_id}/images/{image_id}/tags/action  batch_image_tags
  @API CSBS GET    /v1/{project_id}/checkpoint_items/{id}          get_backup (source csbs)
  @API CBR  GET    /v3/{project_id}/backups/{backup_id}            get_backup (source cbr)
  @API ECS  GET    /v1/{project_id}/cloudservers/{id}              get_server
  @API EVS  GET    /v2/{project_id}/cloudvolumes/{id}              get_volume
No server start/stop/reboot/change-OS route is here, on purpose: the seed forbids starting a stopped
source ECS, and nothing in this package needs to touch a server.

One client, async: provider verbs run it with asyncio.run, the program's wait on its event loop.
Requests are signed by `signing.HuaweiSigner` (an httpx.Auth). Every call goes through one loop and
one RetryPolicy. The transport is injectable (tests run the simulator in-process).
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from .api_models import Backup, Image, Job, Server, Volume, backup_from_cbr, image_from_listing
from .errors import ApiError, FullEcsImageError, TransportError
from .polling import Timing
from .settings import Settings
from .signing import HuaweiSigner

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
IMAGE_PAGE = 500


@dataclass(frozen=True)
class Retry:
    """A failed attempt that may be retried: the error to raise if not, and the server's Retry-After."""

    failure: FullEcsImageError
    retry_after: str | None = None


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


@dataclass(frozen=True)
class RetryPolicy:
    """The one retry policy of every call: which outcomes to retry, how long to back off, when to stop.

    Our own small policy rather than a library such as tenacity: the rules are few (429, 5xx and
    dropped connections; Retry-After; never past the caller's deadline; never resend a request that
    may have been acted on unless it is idempotent) and pure functions test them directly.
    """

    timing: Timing

    def judge(
        self,
        operation: str,
        attempt: int,
        outcome: httpx.Response | httpx.TransportError,
        *,
        allow: tuple[int, ...] = (),
        idempotent: bool = True,
    ) -> httpx.Response | Retry:
        """The response to return, or a Retry; raises what retrying cannot fix (pure).

        A non-idempotent request (the create POST) is retried only when it certainly did not reach
        the service: throttled by the gateway (429) or a connection that was never made."""
        if isinstance(outcome, httpx.TransportError):
            failure = TransportError(
                f"{operation} failed after {attempt} attempt(s): {_reason(outcome)}",
                "check the endpoint and the network, then run the command again",
            )
            if idempotent or isinstance(outcome, httpx.ConnectError):
                return Retry(failure)
            raise failure
        if outcome.is_success or outcome.status_code in allow:
            return outcome
        refused = api_error(operation, outcome)
        if outcome.status_code == 429 or (idempotent and outcome.status_code >= 500):
            return Retry(refused, outcome.headers.get("Retry-After"))
        raise refused

    def delay(self, attempt: int, retry_after: str | None) -> float:
        """Seconds before retry `attempt` (1-based): Retry-After if given, else jittered exponential."""
        timing = self.timing
        if retry_after:
            try:
                return min(timing.retry_cap, max(0.0, float(retry_after)))
            except ValueError:
                pass
        base: float = min(timing.retry_cap, timing.retry_base * 2.0 ** (attempt - 1))
        return base * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not cryptography

    def backoff(self, attempt: int, retry: Retry, deadline: float | None, now: float) -> float:
        """Seconds to sleep before the next attempt; raises the failure once the attempts are used up
        or the sleep would pass the caller's deadline.

        Throttling (429) is the project's rate limit, shared by every image of a stack: it says
        "later", not "failed", so with a deadline it is retried until that deadline (the user's
        timeout), and without one for three times the attempts."""
        delay = self.delay(attempt, retry.retry_after)
        throttled = isinstance(retry.failure, ApiError) and retry.failure.status == 429
        attempts = self.timing.max_attempts * (3 if throttled else 1)
        if deadline is not None and now + delay >= deadline:
            raise retry.failure
        if attempt >= attempts and not (throttled and deadline is not None):
            raise retry.failure
        return delay


def _reason(error: httpx.TransportError) -> str:
    """A transport failure in words, without the exception's class path."""
    kind = {
        httpx.ConnectError: "could not connect",
        httpx.ConnectTimeout: "connection timed out",
        httpx.ReadTimeout: "no answer in time",
        httpx.RemoteProtocolError: "the connection was dropped",
        httpx.ReadError: "the connection was dropped",
    }.get(type(error), "network error")
    detail = str(error).strip()
    return f"{kind} ({detail})" if detail else kind


def tls_verify(settings: Settings) -> ssl.SSLContext | bool:
    """httpx's `verify`: a TLS context (httpx 0.28 deprecates a path string), or False (insecure)."""
    if settings.insecure:
        return False
    return _tls_context(settings.cacert_file)


@functools.lru_cache(maxsize=8)
def _tls_context(cafile: str | None) -> ssl.SSLContext:
    """One context per CA bundle for the whole process: building one loads the CA store (~35 ms),
    which dominated a client per verb; a context is safe to share between connections and threads
    (https://docs.python.org/3/library/ssl.html#ssl-contexts)."""
    return ssl.create_default_context(cafile=cafile) if cafile else ssl.create_default_context()


class HuaweiClient:
    """`async with HuaweiClient(settings, timing=...) as api:`; one per verb or wait, never shared
    between threads. `on_retry` hears one line per retry (shown as progress)."""

    def __init__(
        self,
        settings: Settings,
        *,
        timing: Timing,
        deadline: float | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.timing = timing
        self.deadline = deadline
        self.policy = RetryPolicy(timing)
        self._on_retry = on_retry
        self._transport = transport
        auth = HuaweiSigner(
            access_key=settings.access_key,
            secret_key=settings.secret_key,
            project_id=settings.project_id,
            security_token=settings.security_token,
        )
        self._http = httpx.AsyncClient(
            auth=auth, timeout=timing.request_timeout, verify=tls_verify(settings), transport=transport
        )

    async def __aenter__(self) -> HuaweiClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._http.aclose()

    def with_deadline(self, deadline: float | None) -> HuaweiClient:
        """A client for the same account with another deadline (e.g. the cleanup's own bound)."""
        return HuaweiClient(
            self.settings,
            timing=self.timing,
            deadline=deadline,
            transport=self._transport,
            on_retry=self._on_retry,
        )

    async def _call(
        self,
        operation: str,
        service: str,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        payload: Any = None,
        allow: tuple[int, ...] = (),
        idempotent: bool = True,
    ) -> httpx.Response:
        base = self.settings.endpoint(service)
        named = f"{service.upper()} {operation} at {urlsplit(base).netloc}"
        body = b"" if payload is None else json.dumps(payload, separators=(",", ":")).encode()
        headers = {"Content-Type": JSON_CONTENT_TYPE} if body else {}
        attempt = 0
        while True:
            attempt += 1
            outcome: httpx.Response | httpx.TransportError
            try:
                outcome = await self._http.request(
                    method, base + path, params=dict(params or {}), headers=headers, content=body
                )
            except httpx.TransportError as error:
                outcome = error
            verdict = self.policy.judge(named, attempt, outcome, allow=allow, idempotent=idempotent)
            if isinstance(verdict, httpx.Response):
                return verdict
            delay = self.policy.backoff(attempt, verdict, self.deadline, time.monotonic())
            if self._on_retry is not None:
                self._on_retry(f"{verdict.failure.cause}; retry {attempt} in {delay:.1f}s")
            await asyncio.sleep(delay)

    # ---- IMS

    async def create_whole_image(self, body: Mapping[str, Any]) -> str:
        response = await self._call(
            "create whole image", "ims", "POST", "/v1/cloudimages/wholeimages/action",
            payload=body, idempotent=False,
        )  # fmt: skip
        return str(response.json()["job_id"])

    async def get_job(self, job_id: str) -> Job:
        # The progress form of the job query: the body of /v1/{project_id}/jobs/{job_id} plus
        # entities.process_percent (https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0911.html).
        return Job.from_api(
            (await self._call("get job", "ims", "GET", f"/v1/cloudimages/job/{job_id}")).json()
        )

    async def get_image(self, image_id: str) -> Image | None:
        """The one getter: the image, or None when IMS no longer lists it (deleted)."""
        images = await self._call("list images", "ims", "GET", "/v2/cloudimages", params={"id": image_id})
        return image_from_listing(images.json(), image_id)

    async def list_whole_images(self, backup_id: str) -> list[Image]:
        """Full-ECS images made from a backup; `__backup_id` is not a documented filter, so filter here.
        Pages by marker (the last id) until a short page: IMS returns no next marker."""
        found: list[Image] = []
        params = {"__whole_image": "true", "limit": str(IMAGE_PAGE)}
        while True:
            page = (await self._call("list images", "ims", "GET", "/v2/cloudimages", params=params)).json()
            images = page.get("images", [])
            found += [Image.from_api(i) for i in images if i.get("__backup_id") == backup_id]
            if len(images) < IMAGE_PAGE:
                return [i for i in found if i.status != "deleted"]
            params = {**params, "marker": images[-1]["id"]}

    async def list_image_tags(self, image_id: str) -> dict[str, str]:
        path = f"/v2/{self.settings.project_id}/images/{image_id}/tags"
        tags = (await self._call("list image tags", "ims", "GET", path)).json().get("tags", [])
        return {str(t["key"]): str(t.get("value", "")) for t in tags}

    async def batch_image_tags(self, image_id: str, action: str, tags: Mapping[str, str]) -> None:
        path = f"/v2/{self.settings.project_id}/images/{image_id}/tags/action"
        body = {"action": action, "tags": [{"key": k, "value": v} for k, v in sorted(tags.items())]}
        await self._call(f"{action} image tags", "ims", "POST", path, payload=body)

    async def patch_image(self, image_id: str, operations: list[dict[str, Any]]) -> None:
        await self._call("update image", "ims", "PATCH", f"/v2/cloudimages/{image_id}", payload=operations)

    async def delete_image(self, image_id: str) -> bool:
        """Deletes the image but never its backup; False when it was already gone."""
        response = await self._call(
            "delete image", "ims", "DELETE", f"/v2/images/{image_id}", payload={"delete_backup": False},
            allow=(404,),
        )  # fmt: skip
        return response.status_code != 404

    # ---- CSBS, CBR, ECS, EVS (read-only)

    async def get_backup(self, backup_id: str, service: str = "csbs") -> Backup | None:
        """A whole-server backup of CSBS (a checkpoint item) or of CBR; None when that service has none."""
        project = self.settings.project_id
        if service == "cbr":
            response = await self._call(
                "get backup", "cbr", "GET", f"/v3/{project}/backups/{backup_id}", allow=(404,)
            )
            return None if response.status_code == 404 else backup_from_cbr(response.json()["backup"])
        path = f"/v1/{project}/checkpoint_items/{backup_id}"
        response = await self._call("get backup", "csbs", "GET", path, allow=(404,))
        return None if response.status_code == 404 else Backup.from_api(response.json()["checkpoint_item"])

    async def get_server(self, server_id: str) -> Server | None:
        path = f"/v1/{self.settings.project_id}/cloudservers/{server_id}"
        response = await self._call("get server", "ecs", "GET", path, allow=(404,))
        return None if response.status_code == 404 else Server.model_validate(response.json()["server"])

    async def get_volume(self, volume_id: str) -> Volume | None:
        path = f"/v2/{self.settings.project_id}/cloudvolumes/{volume_id}"
        response = await self._call("get volume", "evs", "GET", path, allow=(404,))
        return None if response.status_code == 404 else Volume.model_validate(response.json()["volume"])
