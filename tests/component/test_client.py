"""The client: its one retry policy, error parsing, signing headers, and calls against the simulator
(over a port, and in-process through an injected transport)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest

from hwc_full_ecs_image.client import HuaweiClient, Retry, RetryPolicy, api_error
from hwc_full_ecs_image.errors import ApiError, TransportError
from hwc_full_ecs_image.polling import Timing
from hwc_full_ecs_image.settings import Settings
from simulator import seed
from simulator.testing import RunningSimulator

from .helpers import FAST_TIMING, InProcess, provider_settings

T = TypeVar("T")


def run(sim: RunningSimulator, call: Callable[[HuaweiClient], Awaitable[T]], **kwargs: Any) -> T:
    async def go() -> T:
        async with HuaweiClient(provider_settings(sim), timing=FAST_TIMING, **kwargs) as api:
            return await call(api)

    return asyncio.run(go())


def test_retry_delay_honours_retry_after_and_backs_off() -> None:
    policy = RetryPolicy(Timing(retry_base=1.0, retry_cap=8.0))
    assert policy.delay(1, "3") == 3.0
    assert policy.delay(1, "999") == 8.0  # capped
    assert 0.5 <= policy.delay(1, None) <= 1.0  # jittered: base x [0.5, 1]
    assert 4.0 <= policy.delay(4, None) <= 8.0
    assert 4.0 <= policy.delay(10, None) <= 8.0


def test_api_error_reads_both_shapes() -> None:
    ims = httpx.Response(400, json={"error": {"code": "IMG.0035", "message": "conflict"}})
    gateway = httpx.Response(429, json={"error_code": "APIG.0308", "error_msg": "throttled"})
    assert (api_error("op", ims).code, api_error("op", ims).detail) == ("IMG.0035", "conflict")
    assert (api_error("op", gateway).code, api_error("op", gateway).status) == ("APIG.0308", 429)


def test_judge_returns_success_retries_429_5xx_and_transport_and_raises_the_rest() -> None:
    policy = RetryPolicy(FAST_TIMING)
    ok = httpx.Response(200, json={})
    assert policy.judge("op", 1, ok) is ok
    gone = httpx.Response(404, json={})
    assert policy.judge("op", 1, gone, allow=(404,)) is gone
    throttled = policy.judge("op", 1, httpx.Response(429, headers={"Retry-After": "2"}, json={}))
    assert isinstance(throttled, Retry)
    assert throttled.retry_after == "2"
    assert isinstance(policy.judge("op", 1, httpx.Response(503, json={})), Retry)
    assert isinstance(policy.judge("op", 3, httpx.ConnectError("refused")), Retry)
    with pytest.raises(ApiError, match="HTTP 400"):
        policy.judge("op", 1, httpx.Response(400, json={"error": {"code": "IMG.0001", "message": "bad"}}))


def test_a_non_idempotent_request_is_retried_only_when_it_certainly_did_not_arrive() -> None:
    policy = RetryPolicy(FAST_TIMING)
    assert isinstance(policy.judge("op", 1, httpx.Response(429, json={}), idempotent=False), Retry)
    assert isinstance(policy.judge("op", 1, httpx.ConnectError("refused"), idempotent=False), Retry)
    with pytest.raises(ApiError, match="HTTP 503"):
        policy.judge("op", 1, httpx.Response(503, json={}), idempotent=False)
    with pytest.raises(TransportError, match="the connection was dropped"):
        policy.judge("op", 1, httpx.RemoteProtocolError("peer closed"), idempotent=False)


def test_backoff_stops_at_max_attempts_and_before_the_deadline() -> None:
    policy = RetryPolicy(Timing(retry_base=1.0, retry_cap=1.0, max_attempts=3))
    retry = Retry(TransportError("gone"), "1")
    assert policy.backoff(1, retry, None, now=0.0) == 1.0
    with pytest.raises(TransportError):
        policy.backoff(3, retry, None, now=0.0)  # attempts used up
    with pytest.raises(TransportError):
        policy.backoff(1, retry, deadline=10.5, now=10.0)  # the sleep would pass the deadline


def test_requests_carry_the_project_and_security_token_and_are_signed() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"images": []})

    settings = Settings(region="r", access_key="a", secret_key="s", project_id="p", security_token="tok")

    async def go() -> None:
        async with HuaweiClient(settings, timing=FAST_TIMING, transport=httpx.MockTransport(answer)) as api:
            await api.get_image("i")

    asyncio.run(go())
    [request] = seen
    assert request.headers["X-Project-Id"] == "p"
    assert request.headers["X-Security-Token"] == "tok"
    assert request.url.host == "ims.r.myhuaweicloud.com"
    signed = request.headers["Authorization"].split("SignedHeaders=", 1)[1].split(",", 1)[0].split(";")
    assert {"host", "x-project-id", "x-sdk-date", "x-security-token"} <= set(signed)


def test_simulator_accepts_our_signature(sim: RunningSimulator) -> None:
    backup = run(sim, lambda api: api.get_backup(seed.BACKUP_AVAILABLE))
    assert backup is not None
    assert backup.status == "available"


def test_the_client_runs_against_the_simulator_in_process(sim: RunningSimulator) -> None:
    # No port: the injected transport calls the simulator's WSGI app directly.
    transport = InProcess(sim)
    backup = run(sim, lambda api: api.get_backup(seed.BACKUP_AVAILABLE), transport=transport)
    assert backup is not None
    assert backup.id == seed.BACKUP_AVAILABLE
    assert transport.requests == 1


def test_wrong_secret_is_a_clean_401(sim: RunningSimulator) -> None:
    sim.control.set_credentials(sim.access_key, "rotated-secret")
    with pytest.raises(ApiError) as error:
        run(sim, lambda api: api.get_backup(seed.BACKUP_AVAILABLE))
    assert error.value.status == 401
    assert "rotated-secret" not in error.value.message
    assert error.value.message.endswith(
        "Check huaweicloud:accessKey and huaweicloud:secretKey (or HW_ACCESS_KEY and HW_SECRET_KEY), "
        "and that they belong to huaweicloud:projectId"
    )


@pytest.mark.parametrize("kind", ["throttle", "error", "drop"])
def test_retries_throttling_5xx_and_dropped_connections(sim: RunningSimulator, kind: str) -> None:
    sim.control.inject_fault(kind, route="csbs.show_checkpoint_item", count=2, status=503)
    retries: list[str] = []
    assert run(sim, lambda api: api.get_backup(seed.BACKUP_AVAILABLE), on_retry=retries.append) is not None
    assert sim.control.calls()["csbs.show_checkpoint_item"] == 3  # two faults, then the answer
    assert len(retries) == 2  # each retry is reported (progress output)
    assert retries[0].startswith("CSBS get backup at ")


def test_retries_are_bounded_and_name_service_host_and_operation(sim: RunningSimulator) -> None:
    sim.control.inject_fault("drop", route="csbs.show_checkpoint_item", count=50)
    with pytest.raises(TransportError) as error:
        run(sim, lambda api: api.get_backup(seed.BACKUP_AVAILABLE))
    host = sim.url.split("://", 1)[1].rstrip("/")
    assert f"CSBS get backup at {host} failed after 6 attempt(s)" in error.value.message
    assert "Error" not in error.value.message  # no exception class names
    assert sim.control.calls()["csbs.show_checkpoint_item"] == 6


def test_get_image_returns_none_when_gone(sim: RunningSimulator) -> None:
    assert run(sim, lambda api: api.get_image("f0000000-0000-4000-8000-00000000ffff")) is None
    existing = run(sim, lambda api: api.get_image(seed.IMAGE_EXISTING))
    assert existing is not None
    assert existing.whole_image is True
    assert existing.backup_id == seed.BACKUP_USED


def test_throttling_is_retried_until_the_deadline_or_three_times_the_attempts() -> None:
    policy = RetryPolicy(Timing(retry_base=1.0, retry_cap=1.0, max_attempts=3))
    throttled = Retry(ApiError("op", 429, "APIG.0308", "throttled"), "1")
    assert (
        policy.backoff(8, throttled, deadline=100.0, now=0.0) == 1.0
    )  # past max_attempts: the deadline rules
    with pytest.raises(ApiError):
        policy.backoff(8, throttled, deadline=100.5, now=100.0)  # the sleep would pass it
    assert policy.backoff(8, throttled, None, now=0.0) == 1.0  # no deadline: up to 9 attempts
    with pytest.raises(ApiError):
        policy.backoff(9, throttled, None, now=0.0)
    failed = Retry(ApiError("op", 503, "", "down"), "1")
    with pytest.raises(ApiError):
        policy.backoff(3, failed, deadline=100.0, now=0.0)  # other failures: max_attempts


def test_an_image_deleted_between_listing_and_reading_its_tags_is_skipped(sim: RunningSimulator) -> None:
    from hwc_full_ecs_image.preflight import scan

    made = run(sim, lambda api: api.create_whole_image({"name": "n", "backup_id": seed.BACKUP_AVAILABLE,
                                                          "whole_image_type": "CSBS"}))  # fmt: skip
    assert made
    image_id = next(i["id"] for i in sim.control.images() if i.get("__backup_id") == seed.BACKUP_AVAILABLE)
    sim.control.inject_fault("error", route="ims.list_image_tags", status=404)
    found = run(sim, lambda api: scan(api, seed.BACKUP_AVAILABLE, "0" * 32))
    assert (found.ours, found.others, found.going) == (None, (), ())
    assert image_id
