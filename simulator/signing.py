"""SDK-HMAC-SHA256 verification, mirroring huaweicloudsdkcore signer/signer.py
(https://github.com/huaweicloud/huaweicloud-sdk-python-v3/blob/master/huaweicloud-sdk-core/huaweicloudsdkcore/signer/signer.py)."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

from simulator.errors import GatewayError, auth_failed

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_HASH = hashlib.sha256(b"").hexdigest()
MAX_SKEW = timedelta(minutes=15)  # gateway rule: X-Sdk-Date within 15 minutes
_AUTH_RE = re.compile(
    r"^SDK-HMAC-SHA256\s+Access=(?P<ak>[^,\s]+),\s*SignedHeaders=(?P<sh>[^,\s]+),\s*Signature=(?P<sig>[0-9a-f]+)$"
)


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str


def _encode(value: str) -> str:
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    uri = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(query: list[tuple[str, str]]) -> str:
    # The SDK sorts (key, value) pairs, so repeated keys end up sorted by value too.
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(query))


def payload_hash(headers: Mapping[str, str], body: bytes) -> str:
    if not body:
        return EMPTY_HASH
    declared = _header(headers, "X-Sdk-Content-Sha256")
    if declared:
        return declared
    return hashlib.sha256(body).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def canonical_request(
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: list[str],
    body: bytes,
) -> str:
    lines = []
    for name in signed_headers:
        value = _header(headers, name)
        if value is None:
            raise auth_failed(f"signed header '{name}' is missing from the request")
        lines.append(f"{name}:{value.strip()}")
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            payload_hash(headers, body),
        ]
    )


def signature(secret_key: str, sdk_date: str, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    string_to_sign = f"{ALGORITHM}\n{sdk_date}\n{digest}"
    return hmac.new(secret_key.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(
    *,
    method: str,
    path: str,
    query: list[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
    credentials: Credentials,
    now: datetime | None = None,
) -> None:
    """Raise a 401 GatewayError unless the request carries a valid signature from `credentials`."""
    authorization = _header(headers, "Authorization")
    if not authorization:
        raise auth_failed("the Authorization header is missing; sign the request with AK/SK")
    match = _AUTH_RE.match(authorization.strip())
    if match is None:
        raise auth_failed("the Authorization header is not an SDK-HMAC-SHA256 signature")
    sdk_date = _header(headers, "X-Sdk-Date")
    if not sdk_date:
        raise auth_failed("the X-Sdk-Date header is missing")
    try:
        signed_at = datetime.strptime(sdk_date, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise auth_failed(f"X-Sdk-Date '{sdk_date}' is not in the YYYYMMDDTHHMMSSZ format") from None
    current = now or datetime.now(UTC)
    if abs(current - signed_at) > MAX_SKEW:
        raise auth_failed(
            f"the signature has expired: X-Sdk-Date {sdk_date} is more than 15 minutes from server time"
        )
    if not hmac.compare_digest(match["ak"], credentials.access_key):
        raise auth_failed("the access key (AK) does not exist")
    signed_headers = match["sh"].split(";")
    if signed_headers != sorted(h.lower() for h in signed_headers):
        raise auth_failed("SignedHeaders must be lower-case and sorted")
    if "x-sdk-date" not in signed_headers:
        raise auth_failed("X-Sdk-Date must be a signed header")
    expected = signature(
        credentials.secret_key,
        sdk_date,
        canonical_request(method, path, query, headers, signed_headers, body),
    )
    if not hmac.compare_digest(expected, match["sig"]):
        raise auth_failed("verify aksk signature fail")


__all__ = ["Credentials", "GatewayError", "canonical_request", "signature", "verify"]
