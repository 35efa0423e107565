"""Huawei Cloud AK/SK request signing (SDK-HMAC-SHA256) as an `httpx.Auth`.

The algorithm is the one of the official Python SDK's signer, huaweicloudsdkcore
`signer/signer.py` (class `Signer`):
https://github.com/huaweicloud/huaweicloud-sdk-python-v3/blob/master/huaweicloud-sdk-core/huaweicloudsdkcore/signer/signer.py
and of Huawei Cloud's "API Request Signing Guide", AK/SK signing and authentication algorithm:
https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm-001.html
(tests/component/test_signing.py holds two published test vectors).

Canonical request = six lines joined by "\\n":
  METHOD
  canonical URI     the path percent-decoded, split on "/", each segment re-encoded (RFC 3986
                    unreserved characters kept), always ending with "/"
  canonical query   (key, value) pairs sorted, "key=value" percent-encoded, joined by "&"; a key
                    given several times (or with a list value) appears once per value, values sorted
  canonical headers "name:value-stripped\\n" per signed header
  signed headers    lower-cased names without "_", sorted, joined by ";"
  payload hash      hex SHA-256 of the body (of b"" when empty), or the X-Sdk-Content-Sha256 header
String to sign = "SDK-HMAC-SHA256\\n<X-Sdk-Date>\\n<hex sha256(canonical request)>"; the signature is
hex HMAC-SHA256 of it keyed with the secret key.

`sign` and the canonical_* functions are pure; `HuaweiSigner` adds the headers the gateway needs
and signs each request an httpx client sends (sync or async).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, unquote

import httpx

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
CONTENT_SHA256_HEADER = "X-Sdk-Content-Sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

UNSIGNED_HEADERS = frozenset(
    {
        # the signature itself
        "authorization",
        # hop-by-hop headers (RFC 9110 7.6.1): proxies may drop or rewrite them
        "connection",
        "keep-alive",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        # added by the HTTP library from the body and transport, after the SDK signs; the SDK
        # (via requests) sends these unsigned too, so the signed set matches the SDK's on the wire
        "accept",
        "accept-encoding",
        "content-length",
    }
)
"""Request headers HuaweiSigner leaves out of SignedHeaders (they are still sent)."""

QueryParams = Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]]
"""A mapping (a list value is a repeated parameter) or (key, value) pairs (keys may repeat)."""


def _encode(value: str) -> str:
    # quote() keeps A-Za-z0-9 and "_.-~" whatever `safe` says; "~" is listed for old Pythons.
    return quote(value, safe="~")


def canonical_uri(path: str) -> str:
    """The path as the signer sees it: decoded, each segment re-encoded, ending with "/".

    `path` is the path as sent (percent-encoded, no query); an unencoded path gives the same result
    unless it contains a literal "%".
    """
    uri = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def query_pairs(params: QueryParams) -> list[tuple[str, str]]:
    """(key, value) pairs, one per value, in the order the SDK signs them (sorted pairs)."""
    pairs: list[tuple[str, str]] = []
    if isinstance(params, Mapping):
        for key, value in params.items():
            if isinstance(value, str):
                pairs.append((key, value))
            else:
                pairs.extend((key, item) for item in value)
    else:
        pairs.extend(params)
    return sorted(pairs)


def canonical_query(params: QueryParams) -> str:
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in query_pairs(params))


def signed_header_names(headers: Mapping[str, str]) -> list[str]:
    """Lower-cased names of the headers that are signed: every one without "_" in its name."""
    return sorted({name.lower() for name in headers if "_" not in name})


def canonical_headers(headers: Mapping[str, str], names: Sequence[str]) -> str:
    """One "name:value" line per signed header, values stripped; the block ends with "\n"."""
    lowered = {name.lower(): value for name, value in headers.items()}
    return "\n".join(f"{name}:{lowered[name].strip()}" for name in names) + "\n"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def payload_hash(headers: Mapping[str, str], body: bytes) -> str:
    if not body:
        return EMPTY_SHA256
    return _header(headers, CONTENT_SHA256_HEADER) or hashlib.sha256(body).hexdigest()


def canonical_request(
    *, method: str, path: str, params: QueryParams, headers: Mapping[str, str], body: bytes
) -> str:
    names = signed_header_names(headers)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(params),
            canonical_headers(headers, names),
            ";".join(names),
            payload_hash(headers, body),
        ]
    )


def string_to_sign(sdk_date: str, canonical: str) -> str:
    return f"{ALGORITHM}\n{sdk_date}\n{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


def sign(
    *,
    method: str,
    path: str,
    params: QueryParams,
    headers: Mapping[str, str],
    body: bytes,
    access_key: str,
    secret_key: str,
) -> str:
    """The Authorization header value for a request (huaweicloudsdkcore Signer.sign).

    `headers` must already hold X-Sdk-Date and Host; every header without "_" in its name is signed.
    """
    sdk_date = _header(headers, "X-Sdk-Date")
    if sdk_date is None:
        raise ValueError("headers must hold X-Sdk-Date before signing")
    canonical = canonical_request(method=method, path=path, params=params, headers=headers, body=body)
    signature = hmac.new(
        secret_key.encode("utf-8"), string_to_sign(sdk_date, canonical).encode("utf-8"), hashlib.sha256
    ).hexdigest()
    names = ";".join(signed_header_names(headers))
    return f"{ALGORITHM} Access={access_key}, SignedHeaders={names}, Signature={signature}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _sdk_date(moment: datetime) -> str:
    """A naive datetime is taken as UTC (as the SDK's datetime.utcnow())."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime(DATE_FORMAT)


class HuaweiSigner(httpx.Auth):
    """Signs every request with the account's AK/SK, as huaweicloudsdkcore BasicCredentials + Signer.

    Per request: sets X-Sdk-Date (from `now`), Host (when absent; httpx always sets it),
    X-Project-Id, X-Security-Token (temporary credentials only) and, for a body whose Content-Type
    is neither JSON nor BSON, X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD (as the SDK); then signs the
    method, the path as sent, the query parameters parsed from the URL, every header except
    UNSIGNED_HEADERS, and the body; sets Authorization. Re-signs from scratch when a request is
    sent again (retries), so the date is always fresh.
    """

    requires_request_body = True

    def __init__(
        self,
        *,
        access_key: str,
        secret_key: str,
        project_id: str,
        security_token: str | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        if not access_key or not secret_key:
            raise ValueError("an access key and a secret key are required to sign requests")
        self._access_key = access_key
        self._secret_key = secret_key
        self._project_id = project_id
        self._security_token = security_token
        self._now = now

    def __repr__(self) -> str:
        token = "None" if self._security_token is None else "'***'"
        return (
            f"HuaweiSigner(project_id={self._project_id!r}, access_key='***', secret_key='***', "
            f"security_token={token})"
        )

    def sign_request(self, request: httpx.Request) -> None:
        """Adds the signing headers and Authorization to `request` (its body must have been read)."""
        headers = request.headers
        headers.pop("Authorization", None)
        headers["X-Sdk-Date"] = _sdk_date(self._now())
        if "Host" not in headers:
            headers["Host"] = request.url.netloc.decode("ascii")
        headers["X-Project-Id"] = self._project_id
        if self._security_token is not None:
            headers["X-Security-Token"] = self._security_token
        content_type = headers.get("Content-Type")
        if content_type and not content_type.startswith(("application/json", "application/bson")):
            headers[CONTENT_SHA256_HEADER] = UNSIGNED_PAYLOAD
        signed = {name: headers[name] for name in headers if name.lower() not in UNSIGNED_HEADERS}
        raw_path = request.url.raw_path.decode("ascii").partition("?")[0]
        params = parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True)
        headers["Authorization"] = sign(
            method=request.method,
            path=raw_path,
            params=params,
            headers=signed,
            body=request.content,
            access_key=self._access_key,
            secret_key=self._secret_key,
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign_request(request)
        yield request


__all__ = [
    "ALGORITHM",
    "CONTENT_SHA256_HEADER",
    "DATE_FORMAT",
    "EMPTY_SHA256",
    "UNSIGNED_HEADERS",
    "UNSIGNED_PAYLOAD",
    "HuaweiSigner",
    "QueryParams",
    "canonical_headers",
    "canonical_query",
    "canonical_request",
    "canonical_uri",
    "payload_hash",
    "query_pairs",
    "sign",
    "signed_header_names",
    "string_to_sign",
]
