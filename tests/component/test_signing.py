"""HuaweiSigner and sign() against the official signer, huaweicloudsdkcore.signer.signer.Signer.

Each comparison signs one request twice at the same instant, once with the SDK and once with
HuaweiSigner.auth_flow on an httpx.Request, and asserts identical Authorization headers:

* test_matches_sdk_client_pipeline: the SDK's own client pipeline (Client.build_future_request:
  path parameters quoted by the SDK, repeated query parameters, its User-Agent and Content-Type,
  BasicCredentials adding X-Project-Id / X-Security-Token) builds and signs the request; httpx then
  sends the same URL, headers and body, and HuaweiSigner must sign it identically.
* test_matches_sdk_signer_for_component_requests: the request as the component builds it (an httpx
  client with its default headers, an unencoded path, `params=` in any order, a JSON body); the SDK
  signs the equivalent SdkRequest (BasicCredentials.sign_request), with query parameters given
  either as repeated pairs or as list values (the signer's two code paths).

Cases: an explicit table plus seeded random cases (hypothesis is not installed), covering odd path
segments (percent-encoded, unicode, "~", spaces, colons), trailing slashes or none, empty and
repeated query parameters with unicode values, empty and JSON bodies, every header the component
sends (Content-Type application/json;charset=UTF-8, X-Project-Id, X-Security-Token, Host with and
without a port, X-Sdk-Date, User-Agent) and GET/POST/PATCH/DELETE.

No disagreement with the SDK was found. Headers that the HTTP library adds for the transport
(Accept, Accept-Encoding, Connection, Content-Length) are not signed by HuaweiSigner, just as the
SDK leaves the ones requests adds after signing unsigned; the comparisons give the SDK exactly the
headers the SDK itself would sign. Paths with "." or ".." segments are not compared: httpx (like
urllib3 under the SDK) removes them before sending while the SDK signs them as given.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.client import Client
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer

from hwc_full_ecs_image.signing import (
    EMPTY_SHA256,
    UNSIGNED_HEADERS,
    HuaweiSigner,
    canonical_query,
    canonical_uri,
    sign,
)

HOST = "ims.ap-southeast-1.myhuaweicloud.com"
AK = "AKEXAMPLE"
SK = "SKEXAMPLE"
PROJECT = "0123456789abcdef0123456789abcdef"
TOKEN = "gQpzZWN1cml0eS10b2tlbi1leGFtcGxl+/=="
WHEN = datetime(2024, 1, 1, tzinfo=UTC)
SDK_DATE = "20240101T000000Z"
JSON_CT = "application/json;charset=UTF-8"
HTTPX_UA = f"python-httpx/{httpx.__version__}"


@dataclass(frozen=True)
class Case:
    """One request: logical path segments (what the SDK takes as path parameters) and query pairs."""

    name: str
    method: str
    segments: tuple[str, ...]
    trailing_slash: bool = False
    query: tuple[tuple[str, str], ...] = ()
    payload: Any = None
    token: str | None = None
    user_agent: str | None = None
    port: int | None = None
    list_values: bool = False
    """Give the SDK repeated parameters as one list value instead of repeated pairs."""

    @property
    def base(self) -> str:
        return f"https://{HOST}" + (f":{self.port}" if self.port else "")

    @property
    def body(self) -> bytes:
        return b"" if self.payload is None else json.dumps(self.payload, separators=(",", ":")).encode()

    def encoded_path(self) -> str:
        """The path the SDK builds: each path parameter quoted with safe=''."""
        return "/" + "/".join(quote(s, safe="") for s in self.segments) + ("/" if self.trailing_slash else "")

    def component_path(self) -> str:
        """The path as the component passes it to httpx: unencoded when httpx can carry it so."""
        if any(c in s for s in self.segments for c in "/?#%") or {".", ".."} & set(self.segments):
            return self.encoded_path()
        return "/" + "/".join(self.segments) + ("/" if self.trailing_slash else "")


TABLE = [
    Case("vector-post", "POST", ("v1", "cloudimages", "wholeimages", "action"),
         payload={"name": "img1", "backup_id": "b1", "whole_image_type": "CSBS"}),
    Case("get-listing", "GET", ("v2", "cloudimages"), query=(("id", "abc"), ("__imagetype", "private"))),
    Case("get-no-query", "GET", ("v1", "cloudimages", "job", "ff8080814dbd65d7014dc2e4e4bb0104")),
    Case("trailing-slash", "GET", ("v2", "cloudimages"), trailing_slash=True, query=(("limit", "500"),)),
    Case("root", "GET", (), trailing_slash=False),
    Case("percent-encoded", "GET", ("v2", "a%2Fb", "%41%7e", "100%")),
    Case("unicode-path", "PATCH", ("v2", "cloudimages", "镜像-ü-é"),
         payload=[{"op": "replace", "path": "/name"}]),
    Case("tilde-space-colon", "DELETE", ("v2", "images", "a b~c:d"), payload={"delete_backup": False}),
    Case("reserved-chars", "GET", ("v1", "x", "!$&'()*+,;=@[]")),
    Case("slash-in-param", "GET", ("v1", "x", "a/b/", "c")),
    Case("repeated-query", "GET", ("v2", "cloudimages"),
         query=(("tag", "b"), ("tag", "a"), ("__whole_image", "true"), ("tag", "a b"), ("tag", "a-b"))),
    Case("repeated-query-lists", "GET", ("v2", "cloudimages"),
         query=(("tag", "z"), ("tag", "ä"), ("tag", ""), ("id", "1")), list_values=True),
    Case("unicode-query", "GET", ("v2", "cloudimages"),
         query=(("name", "镜像 1"), ("ключ", "значение"), ("q", "a+b=c&d/e?f#g%h~"))),
    Case("empty-values", "GET", ("v2", "cloudimages"), query=(("a", ""), ("b", ""), ("marker", ""))),
    Case("token", "POST", ("v2", PROJECT, "images", "i-1", "tags", "action"), token=TOKEN,
         payload={"action": "create", "tags": [{"key": "k", "value": "ü"}]}),
    Case("user-agent", "GET", ("v1", PROJECT, "cloudservers", "s-1"), user_agent="pulumi-full-ecs-image/1.0"),
    Case("port", "GET", ("v2", PROJECT, "cloudvolumes", "v-1"), port=8443, token=TOKEN),
    Case("unicode-body", "POST", ("v1", "x"), payload={"description": "描述 \u2028 ✓", "n": [1, 2.5, None]}),
    Case("empty-json-body", "POST", ("v1", "x"), payload={}),
]  # fmt: skip

ALPHABET = "abcXYZ019-_.~ :%/?#&=+@!$'()*,;[]\"<>\\^`{|}üé镜像\u00a0"
METHODS = ("GET", "POST", "PATCH", "DELETE")


def _text(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(low, high)))


def random_cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    for index in range(count):
        method = rng.choice(METHODS)
        # "." and ".." segments are left out: httpx (and urllib3 under the SDK) remove them before
        # sending, while the SDK signs them, so neither client can sign such a path correctly.
        segments = tuple(
            s for s in (_text(rng, 1, 8) for _ in range(rng.randint(0, 5))) if s not in {".", ".."}
        )
        keys = [_text(rng, 1, 5) for _ in range(rng.randint(1, 3))]
        query = tuple((rng.choice(keys), _text(rng, 0, 6)) for _ in range(rng.choice((0, 0, 1, 2, 4, 6))))
        payload: Any = None
        if method != "GET" and rng.random() < 0.7:
            payload = {_text(rng, 1, 5): _text(rng, 0, 10), "n": rng.randint(-5, 5), "b": rng.random() < 0.5}
        yield Case(
            f"random-{index}",
            method,
            segments,
            trailing_slash=rng.random() < 0.3,
            query=query,
            payload=payload,
            token=TOKEN if rng.random() < 0.4 else None,
            user_agent="terraform-ish/0.1 (linux)" if rng.random() < 0.3 else None,
            port=rng.choice((None, None, 8443)),
            list_values=rng.random() < 0.5,
        )


RANDOM_COUNT = 300
CASES = TABLE + list(random_cases(20240101, RANDOM_COUNT))


def _ids(case: Case) -> str:
    return case.name


def signer(token: str | None = None, now: datetime = WHEN) -> HuaweiSigner:
    return HuaweiSigner(
        access_key=AK, secret_key=SK, project_id=PROJECT, security_token=token, now=lambda: now
    )


def signed(request: httpx.Request, auth: HuaweiSigner) -> httpx.Request:
    flow = auth.auth_flow(request)
    out = next(flow)
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200))
    return out


def credentials(token: str | None) -> BasicCredentials:
    creds = BasicCredentials(AK, SK, PROJECT)
    return creds.with_security_token(token) if token else creds


def signature_of(authorization: str) -> tuple[str, str]:
    _, _, rest = authorization.partition(" ")
    parts = dict(p.strip().split("=", 1) for p in rest.split(","))
    return parts["SignedHeaders"], parts["Signature"]


# --------------------------------------------------------------------------- against the SDK


@pytest.fixture(scope="module")
def sdk_clients() -> Iterator[dict[tuple[str, str | None], Client]]:
    """SDK clients by (endpoint, security token); each owns a thread pool, closed at the end."""
    clients: dict[tuple[str, str | None], Client] = {}
    yield clients
    for client in clients.values():
        client.get_http_client().close()


def sdk_client(clients: dict[tuple[str, str | None], Client], base: str, token: str | None) -> Client:
    if (base, token) not in clients:
        config = HttpConfig.get_default_config()
        config.ignore_content_type_for_get_request = True
        client = Client().with_credentials(credentials(token)).with_config(config).with_endpoints([base])
        client.init_http_client()
        clients[base, token] = client
    return clients[base, token]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_matches_sdk_client_pipeline(case: Case, sdk_clients: dict[tuple[str, str | None], Client]) -> None:
    client = sdk_client(sdk_clients, case.base, case.token)
    template = (
        "/" + "/".join(f"{{p{i}}}" for i in range(len(case.segments))) + ("/" if case.trailing_slash else "")
    )
    headers: dict[str, str] = {"X-Sdk-Date": SDK_DATE}
    if case.payload is not None:
        headers["Content-Type"] = JSON_CT
    if case.user_agent:
        headers["User-Agent"] = case.user_agent
    sdk = client.build_future_request(
        case.method,
        template if case.segments else "/",
        {f"p{i}": s for i, s in enumerate(case.segments)},
        list(case.query),
        headers,
        case.body.decode() if case.payload is not None else None,
        None, None, None, {}, None,
    ).result()  # fmt: skip
    added_by_signer = {"authorization", "x-sdk-date", "x-project-id", "x-security-token", "host"}
    wire_headers = {k: v for k, v in sdk.header_params.items() if k.lower() not in added_by_signer}
    request = httpx.Request(case.method, sdk.url, headers=wire_headers, content=sdk.body or b"")
    ours = signed(request, signer(case.token))

    assert ours.headers["Authorization"] == sdk.header_params["Authorization"]
    assert ours.headers["X-Sdk-Date"] == SDK_DATE
    assert ours.headers["Host"] == sdk.header_params["Host"]


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_matches_sdk_signer_for_component_requests(case: Case) -> None:
    seen: list[httpx.Request] = []

    def transport(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    headers = {"Content-Type": JSON_CT} if case.payload is not None else {}
    if case.user_agent:
        headers["User-Agent"] = case.user_agent
    params: list[tuple[str, str | int | float | bool | None]] = list(case.query)
    random.Random(case.name).shuffle(params)  # the order the component passes does not matter
    with httpx.Client(transport=httpx.MockTransport(transport), auth=signer(case.token)) as http:
        http.request(case.method, case.base + case.component_path(), params=params, headers=headers,
                     content=case.body)  # fmt: skip
    (sent,) = seen

    query: list[tuple[str, Any]] = list(case.query)
    if case.list_values:
        grouped: dict[str, list[str]] = {}
        for key, value in case.query:
            grouped.setdefault(key, []).append(value)
        query = list(grouped.items())
    sdk_headers = {**headers, "User-Agent": case.user_agent or HTTPX_UA, "X-Sdk-Date": SDK_DATE}
    sdk = SdkRequest(
        method=case.method, schema="https", host=case.base.removeprefix("https://"),
        resource_path=case.encoded_path() if case.segments or case.trailing_slash else "/",
        query_params=query, header_params=sdk_headers, body=case.body,
    )  # fmt: skip
    credentials(case.token).sign_request(sdk)

    assert sent.headers["Authorization"] == sdk.header_params["Authorization"]
    expected = ["host", "user-agent", "x-project-id", "x-sdk-date"]
    expected += ["content-type"] if case.payload is not None else []
    expected += ["x-security-token"] if case.token else []
    assert signature_of(sent.headers["Authorization"])[0] == ";".join(sorted(expected))


@pytest.mark.parametrize("content_type", ["text/plain", "application/octet-stream"])
def test_non_json_body_is_unsigned_payload_as_in_sdk(content_type: str) -> None:
    body = b"\x00\x01 not json"
    request = httpx.Request(
        "PUT", f"https://{HOST}/v1/blob", headers={"Content-Type": content_type}, content=body
    )
    ours = signed(request, signer())
    sdk = SdkRequest(
        method="PUT", schema="https", host=HOST, resource_path="/v1/blob", query_params=[],
        header_params={"Content-Type": content_type, "X-Sdk-Date": SDK_DATE}, body=body,
    )  # fmt: skip
    credentials(None).sign_request(sdk)
    assert ours.headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    assert ours.headers["Authorization"] == sdk.header_params["Authorization"]


def test_async_client_signs_like_the_sdk() -> None:
    seen: list[httpx.Request] = []

    async def transport(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    body = b'{"delete_backup":false}'

    async def send() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(transport), auth=signer(TOKEN)) as http:
            await http.request("DELETE", f"https://{HOST}/v2/images/i-1", headers={"Content-Type": JSON_CT},
                               content=body)  # fmt: skip

    asyncio.run(send())
    sdk = SdkRequest(
        method="DELETE", schema="https", host=HOST, resource_path="/v2/images/i-1", query_params=[],
        header_params={"Content-Type": JSON_CT, "User-Agent": HTTPX_UA, "X-Sdk-Date": SDK_DATE}, body=body,
    )  # fmt: skip
    credentials(TOKEN).sign_request(sdk)
    assert seen[0].headers["Authorization"] == sdk.header_params["Authorization"]


def test_case_count() -> None:
    """The comparison tests above run len(CASES) cases each."""
    assert len(CASES) == len(TABLE) + RANDOM_COUNT
    assert {c.method for c in CASES} == set(METHODS)
    assert any(len({k for k, _ in c.query}) < len(c.query) for c in CASES)  # repeated parameters
    assert any(c.trailing_slash for c in CASES)
    assert any(not c.trailing_slash for c in CASES)


# --------------------------------------------------------------------------- reference vectors


def test_vector_post_pure_and_auth() -> None:
    """Vector 1 (signature made with the SDK signer,
    https://github.com/huaweicloud/huaweicloud-sdk-python-v3/blob/master/huaweicloud-sdk-core/huaweicloudsdkcore/signer/signer.py),
    through sign() and through HuaweiSigner."""
    expected = (
        "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
        "Signature=4eca7427094bddceecbde00e5edced9f212f6329efec982c6cb1c37bdf8f1d5b"
    )
    body = b'{"name":"img1","backup_id":"b1","whole_image_type":"CSBS"}'
    headers = {"Content-Type": JSON_CT, "X-Project-Id": PROJECT, "Host": HOST, "X-Sdk-Date": SDK_DATE}
    authorization = sign(
        method="POST", path="/v1/cloudimages/wholeimages/action", params={}, headers=headers, body=body,
        access_key=AK, secret_key=SK,
    )  # fmt: skip
    assert authorization == expected
    request = httpx.Request(
        "POST",
        f"https://{HOST}/v1/cloudimages/wholeimages/action",
        headers={"Content-Type": JSON_CT},
        content=body,
    )
    assert signed(request, signer()).headers["Authorization"] == expected


def test_vector_get_with_query_pure_and_sdk() -> None:
    """Vector 2 (signature made with the SDK signer,
    https://github.com/huaweicloud/huaweicloud-sdk-python-v3/blob/master/huaweicloud-sdk-core/huaweicloudsdkcore/signer/signer.py);
    no X-Project-Id: only sign() and the bare SDK Signer can omit it."""
    expected = (
        "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=host;x-sdk-date, "
        "Signature=f6ad4fa5c299623d47973108cc8569adea2f8c4fe7d7ca741d7fcc821cc07630"
    )
    authorization = sign(
        method="GET", path="/v2/cloudimages", params={"id": "abc", "__imagetype": "private"},
        headers={"Host": HOST, "X-Sdk-Date": SDK_DATE}, body=b"", access_key=AK, secret_key=SK,
    )  # fmt: skip
    assert authorization == expected
    sdk = SdkRequest(
        method="GET", schema="https", host=HOST, resource_path="/v2/cloudimages",
        query_params=[("id", "abc"), ("__imagetype", "private")], header_params={"X-Sdk-Date": SDK_DATE},
        body=None,
    )  # fmt: skip
    Signer(credentials(None)).sign(sdk)
    assert sdk.header_params["Authorization"] == expected


# --------------------------------------------------------------------------- pure pieces


def test_canonical_pieces() -> None:
    assert canonical_uri("/v2/cloudimages") == "/v2/cloudimages/"
    assert canonical_uri("/v2/cloudimages/") == "/v2/cloudimages/"
    assert canonical_uri("/") == "/"
    assert canonical_uri("/a%20b/%7e/x:y/%C3%BC") == "/a%20b/~/x%3Ay/%C3%BC/"
    assert canonical_query({}) == ""
    assert canonical_query({"b": ["2", "1"], "a": "x y"}) == "a=x%20y&b=1&b=2"
    assert canonical_query([("b", "2"), ("a", "z"), ("b", "1")]) == "a=z&b=1&b=2"


# --------------------------------------------------------------------------- credentials and dates


def test_secret_key_never_in_a_header_and_repr_hides_keys() -> None:
    secret = "Zq9SecretKeyThatMustNotLeak0000000000000"
    access = "AKLEAKCHECK0000000001"
    auth = HuaweiSigner(access_key=access, secret_key=secret, project_id=PROJECT, security_token=TOKEN)
    for case in CASES[:60]:
        request = httpx.Request(case.method, case.base + case.encoded_path(), params=list(case.query),
                                headers={"Content-Type": JSON_CT}, content=case.body)  # fmt: skip
        for name, value in signed(request, auth).headers.multi_items():
            assert secret not in name
            assert secret not in value
    for text in (repr(auth), str(auth)):
        assert secret not in text
        assert access not in text
        assert TOKEN not in text
    assert "security_token=None" in repr(HuaweiSigner(access_key=access, secret_key=secret, project_id="p"))


def test_each_send_is_signed_afresh() -> None:
    """A resent request (a retry) gets the current date and one new Authorization, not a stale one."""
    moments = iter([WHEN, WHEN + timedelta(minutes=20)])
    auth = HuaweiSigner(access_key=AK, secret_key=SK, project_id=PROJECT, now=lambda: next(moments))
    request = httpx.Request("GET", f"https://{HOST}/v2/cloudimages", params={"id": "abc"})
    first = signed(request, auth).headers["Authorization"]
    second = signed(request, auth)
    assert second.headers["X-Sdk-Date"] == "20240101T002000Z"
    assert second.headers.get_list("Authorization") == [second.headers["Authorization"]]
    assert second.headers["Authorization"] != first


def test_clock_is_converted_to_utc() -> None:
    plus8 = timezone(timedelta(hours=8))
    request = httpx.Request("GET", f"https://{HOST}/v2/cloudimages")
    assert signed(request, signer(now=WHEN.astimezone(plus8))).headers["X-Sdk-Date"] == SDK_DATE


def test_transport_headers_are_not_signed() -> None:
    request = httpx.Request(
        "POST", f"https://{HOST}/v1/x", content=b"{}",
        headers={"Content-Type": JSON_CT, "Accept": "*/*", "Connection": "keep-alive", "X_Ignored": "1"},
    )  # fmt: skip
    names = signature_of(signed(request, signer()).headers["Authorization"])[0].split(";")
    assert names == ["content-type", "host", "x-project-id", "x-sdk-date"]
    assert not UNSIGNED_HEADERS & set(names)


def test_empty_body_hash() -> None:
    assert EMPTY_SHA256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def test_missing_credentials_are_refused() -> None:
    with pytest.raises(ValueError, match="secret key"):
        HuaweiSigner(access_key=AK, secret_key="", project_id=PROJECT)
