"""STAND-IN huaweicloud provider: settings, SDK-HMAC-SHA256 signing and the HTTP calls (tests/demo only).

Settings follow terraform-provider-huaweicloud `huaweicloud/provider.go` (config keys with HW_*/OS_* env
fallbacks) and `huaweicloud/config/endpoints.go` (per-service endpoint overrides, default
`https://{service}.{region}.myhuaweicloud.com/`). Signing follows huaweicloudsdkcore `signer/signer.py`
(golangsdk `auth/core/signer` is equivalent); project-scoped requests carry `X-Project-Id`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx

ALGORITHM = "SDK-HMAC-SHA256"
_ENV = {
    "region": ("HW_REGION_NAME", "OS_REGION_NAME"),
    "accessKey": ("HW_ACCESS_KEY", "OS_ACCESS_KEY"),
    "secretKey": ("HW_SECRET_KEY", "OS_SECRET_KEY"),
    "projectId": ("HW_PROJECT_ID", "OS_PROJECT_ID"),
    "securityToken": ("HW_SECURITY_TOKEN",),
    "enterpriseProjectId": ("HW_ENTERPRISE_PROJECT_ID",),
    "cloud": ("HW_CLOUD",),
}


# The Terraform provider retries throttled and transiently failing calls, with exponentially growing
# delays, 5 times by default (provider setting `max_retries`:
# https://registry.terraform.io/providers/huaweicloud/huaweicloud/latest/docs#max_retries). Which statuses
# count is unconfirmed here: 429 for every call, and 502/503/504 for calls that are safe to repeat.
MAX_RETRIES = 5
RETRY_BASE_SECONDS = float(os.environ.get("HWC_STANDIN_RETRY_SECONDS", "1.0"))
RETRY_CAP_SECONDS = 16.0


def _transient(method: str, status: int) -> bool:
    return status == 429 or (status in (502, 503, 504) and method in ("GET", "PUT", "DELETE"))


class ApiError(Exception):
    """An API call answered with an error status (or could not be made)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class CancelledError(Exception):
    """The engine sent Cancel while an operation was waiting."""


@dataclass
class Settings:
    region: str = ""
    access_key: str = ""
    secret_key: str = ""
    project_id: str = ""
    security_token: str = ""
    enterprise_project_id: str = ""
    cloud: str = "myhuaweicloud.com"
    endpoints: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, args: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Settings:
        """`huaweicloud:*` values (keys without the namespace), then the env fallbacks."""
        env = os.environ if env is None else env

        def pick(key: str) -> str:
            value = args.get(key)
            if value not in (None, ""):
                return str(value)
            return next((env[name] for name in _ENV.get(key, ()) if env.get(name)), "")

        raw = args.get("endpoints") or {}
        endpoints = json.loads(raw) if isinstance(raw, str) else dict(raw)
        return cls(
            region=pick("region"),
            access_key=pick("accessKey"),
            secret_key=pick("secretKey"),
            project_id=pick("projectId"),
            security_token=pick("securityToken"),
            enterprise_project_id=pick("enterpriseProjectId"),
            cloud=pick("cloud") or "myhuaweicloud.com",
            endpoints={str(k): str(v) for k, v in endpoints.items()},
        )

    def endpoint(self, service: str) -> str:
        """Host root of a service, ending in `/` (a value without a scheme gets https://)."""
        url = self.endpoints.get(service) or f"https://{service}.{self.region}.{self.cloud}/"
        if "://" not in url:
            url = "https://" + url
        return url if url.endswith("/") else url + "/"


def _encode(value: str) -> str:
    return quote(value, safe="~")


def sign(
    method: str,
    url: str,
    headers: dict[str, str],
    body: bytes,
    access_key: str,
    secret_key: str,
    now: datetime,
) -> dict[str, str]:
    """Headers with X-Sdk-Date, Host and Authorization added (SDK-HMAC-SHA256,
    https://github.com/huaweicloud/huaweicloud-sdk-python-v3/blob/master/huaweicloud-sdk-core/huaweicloudsdkcore/signer/signer.py)."""
    parts = urlsplit(url)
    signed = {**headers, "X-Sdk-Date": now.strftime("%Y%m%dT%H%M%SZ"), "Host": parts.netloc}
    uri = "/".join(_encode(s) for s in unquote(parts.path).split("/"))
    uri = uri if uri.endswith("/") else uri + "/"
    pairs = sorted(tuple(p.split("=", 1)) if "=" in p else (p, "") for p in parts.query.split("&") if p)
    query = "&".join(f"{_encode(unquote(k))}={_encode(unquote(v))}" for k, v in pairs)
    names = sorted(k.lower() for k in signed if "_" not in k)
    lowered = {k.lower(): v.strip() for k, v in signed.items()}
    canonical_headers = "".join(f"{n}:{lowered[n]}\n" for n in names)
    payload = hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method, uri, query, canonical_headers, ";".join(names), payload])
    to_sign = f"{ALGORITHM}\n{signed['X-Sdk-Date']}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(secret_key.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    signed["Authorization"] = (
        f"{ALGORITHM} Access={access_key}, SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return signed


class Client:
    """Signed JSON calls to the configured endpoints, and the job waits the Terraform provider does."""

    def __init__(self, settings: Settings, cancelled: threading.Event, *, poll_seconds: float = 0.5) -> None:
        self.settings = settings
        self.cancelled = cancelled
        self.poll_seconds = poll_seconds
        self._http = httpx.Client(timeout=60.0)

    def call(
        self, method: str, service: str, path: str, body: Any = None, *, ok: tuple[int, ...] = (200,)
    ) -> Any:
        """`path` is relative to the service root; `{project_id}` is filled in."""
        s = self.settings
        url = s.endpoint(service) + path.lstrip("/").replace("{project_id}", s.project_id)
        data = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json;charset=UTF-8", "X-Project-Id": s.project_id}
        if s.security_token:
            headers["X-Security-Token"] = s.security_token
        for attempt in range(MAX_RETRIES + 1):
            signed = sign(method, url, headers, data, s.access_key, s.secret_key, datetime.now(UTC))
            try:
                response = self._http.request(method, url, content=data or None, headers=signed)
            except httpx.HTTPError as error:
                raise ApiError(f"error calling {method} {url}: {error}") from error
            if attempt == MAX_RETRIES or not _transient(method, response.status_code):
                break
            self.sleep(min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2**attempt))
        if response.status_code not in ok:
            raise ApiError(
                f"error calling {method} {url}: HTTP {response.status_code} {response.text[:500]}",
                response.status_code,
            )
        return response.json() if response.content else None

    def sleep(self, seconds: float) -> None:
        if self.cancelled.wait(seconds):
            raise CancelledError("the operation was cancelled")

    def wait_job(self, service: str, job_id: str, timeout: float, what: str) -> dict[str, Any]:
        """Poll `GET /v1/{project_id}/jobs/{job_id}` until SUCCESS (golangsdk cloudservers.WaitForJobSuccess;
        IMS: resource_huaweicloud_images_image_share.go waitForImageShareOrAcceptJobSuccess)."""
        deadline = time.monotonic() + timeout
        while True:
            job: dict[str, Any] = self.call("GET", service, f"v1/{{project_id}}/jobs/{job_id}")
            status = job.get("status")
            if status == "SUCCESS":
                return job
            if status == "FAIL":
                raise ApiError(
                    f"error waiting for {what}: job {job_id} failed with code {job.get('error_code')}: "
                    f"{job.get('fail_reason')}"
                )
            if not status:
                raise ApiError(f"error waiting for {what}: job {job_id} has no status")
            if time.monotonic() > deadline:
                raise ApiError(f"error waiting for {what}: job {job_id} still {status} after {timeout:.0f} s")
            self.sleep(self.poll_seconds)
