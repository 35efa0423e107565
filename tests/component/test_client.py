"""Signer vectors, settings, schedules, error parsing and retries of the HTTP client."""

from __future__ import annotations

import itertools
import ssl
from pathlib import Path

import certifi
import httpx
import pytest

from components.full_ecs_image.client import (
    FAST_TIMING,
    HuaweiClient,
    PollSchedule,
    Retry,
    Timing,
    api_error,
    backoff,
    judge,
    prepare,
    retry_delay,
    sign,
    tls_verify,
)
from components.full_ecs_image.errors import ApiError, SettingsError, TransportError
from components.full_ecs_image.settings import Settings, load_settings
from simulator import seed
from simulator.testing import RunningSimulator

HOST = "ims.ap-southeast-1.myhuaweicloud.com"


def test_signer_vector_post() -> None:
    """API reference 5.1, vector 1 (huaweicloudsdkcore signer, re-checked with plain hmac)."""
    authorization = sign(
        method="POST",
        path="/v1/cloudimages/wholeimages/action",
        params={},
        headers={
            "Content-Type": "application/json;charset=UTF-8",
            "X-Project-Id": "0123456789abcdef0123456789abcdef",
            "Host": HOST,
            "X-Sdk-Date": "20240101T000000Z",
        },
        body=b'{"name":"img1","backup_id":"b1","whole_image_type":"CSBS"}',
        access_key="AKEXAMPLE",
        secret_key="SKEXAMPLE",
    )
    assert authorization == (
        "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
        "Signature=4eca7427094bddceecbde00e5edced9f212f6329efec982c6cb1c37bdf8f1d5b"
    )


def test_signer_vector_get_with_query() -> None:
    authorization = sign(
        method="GET",
        path="/v2/cloudimages",
        params={"id": "abc", "__imagetype": "private"},
        headers={"Host": HOST, "X-Sdk-Date": "20240101T000000Z"},
        body=b"",
        access_key="AKEXAMPLE",
        secret_key="SKEXAMPLE",
    )
    assert authorization.endswith(
        "SignedHeaders=host;x-sdk-date, "
        "Signature=f6ad4fa5c299623d47973108cc8569adea2f8c4fe7d7ca741d7fcc821cc07630"
    )


def config_getter(values: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda key: values.get(key)


def test_settings_from_config_win_over_env() -> None:
    env = {
        "HW_ACCESS_KEY": "envak",
        "HW_SECRET_KEY": "envsk",
        "HW_REGION_NAME": "eu",
        "HW_PROJECT_ID": "envp",
    }
    got = load_settings(config_getter({"accessKey": "cfgak", "region": "ap-southeast-1"}), env)
    assert (got.access_key, got.secret_key, got.region, got.project_id) == (
        "cfgak",
        "envsk",
        "ap-southeast-1",
        "envp",
    )


def test_missing_setting_names_the_key_and_env() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(config_getter({"region": "r", "accessKey": "a", "projectId": "p"}), {})
    message = str(error.value)
    assert "huaweicloud:secretKey" in message
    assert "HW_SECRET_KEY" in message
    assert message.startswith("error configuring full-ECS image provider:")


def test_endpoints_map_and_default_pattern() -> None:
    got = load_settings(
        config_getter({"region": "r1", "accessKey": "a", "secretKey": "s", "projectId": "p",
                       "endpoints": '{"ims": "http://127.0.0.1:9/"}'}), {}
    )  # fmt: skip
    assert got.endpoint("ims") == "http://127.0.0.1:9"
    assert got.endpoint("evs") == "https://evs.r1.myhuaweicloud.com"
    with pytest.raises(SettingsError, match="endpoints must be a JSON object"):
        load_settings(config_getter({"endpoints": "[1]"}), {})


def test_settings_repr_hides_secrets() -> None:
    settings = Settings(region="r", access_key="AK-VISIBLE?", secret_key="SK-SECRET", project_id="p")
    assert "SK-SECRET" not in repr(settings)
    assert "AK-VISIBLE" not in repr(settings)


def test_poll_schedule_grows_to_cap() -> None:
    intervals = list(itertools.islice(PollSchedule(0.5, 1.5, 2.0).intervals(), 5))
    assert intervals == [0.5, 0.75, 1.125, 1.6875, 2.0]


def test_retry_delay_honours_retry_after_and_backs_off() -> None:
    timing = Timing(retry_base=1.0, retry_cap=8.0)
    assert retry_delay(timing, 1, "3") == 3.0
    assert 0.5 <= retry_delay(timing, 1, None) <= 1.0
    assert 4.0 <= retry_delay(timing, 4, None) <= 8.0
    assert retry_delay(timing, 10, None) <= 8.0


def test_api_error_reads_both_shapes() -> None:
    ims = httpx.Response(400, json={"error": {"code": "IMG.0035", "message": "conflict"}})
    gateway = httpx.Response(429, json={"error_code": "APIG.0308", "error_msg": "throttled"})
    assert (api_error("op", ims).code, api_error("op", ims).detail) == ("IMG.0035", "conflict")
    assert (api_error("op", gateway).code, api_error("op", gateway).status) == ("APIG.0308", 429)


def test_prepare_signs_project_and_security_token() -> None:
    settings = Settings(region="r", access_key="a", secret_key="s", project_id="p", security_token="tok")
    request = prepare(settings, operation="x", service="ims", method="GET", path="/v2/cloudimages")
    assert request.headers["X-Project-Id"] == "p"
    assert "x-security-token" in request.headers["Authorization"]


def client_for(sim: RunningSimulator, **timing: float) -> HuaweiClient:
    settings = Settings(
        region=sim.region, access_key=sim.access_key, secret_key=sim.secret_key,
        project_id=sim.project_id, endpoints=dict.fromkeys(("ims", "csbs", "ecs", "evs"), sim.url),
    )  # fmt: skip
    return HuaweiClient(settings, timing=FAST_TIMING)


def test_simulator_accepts_our_signature(sim: RunningSimulator) -> None:
    with client_for(sim) as api:
        backup = api.get_backup(seed.BACKUP_AVAILABLE)
    assert backup is not None
    assert backup.status == "available"


def test_wrong_secret_is_a_clean_401(sim: RunningSimulator) -> None:
    sim.control.set_credentials(sim.access_key, "rotated-secret")
    with client_for(sim) as api, pytest.raises(ApiError) as error:
        api.get_backup(seed.BACKUP_AVAILABLE)
    assert error.value.status == 401
    assert "rotated-secret" not in str(error.value)


@pytest.mark.parametrize("kind", ["throttle", "error", "drop"])
def test_retries_throttling_5xx_and_dropped_connections(sim: RunningSimulator, kind: str) -> None:
    sim.control.inject_fault(kind, route="csbs.show_checkpoint_item", count=2, status=503)
    with client_for(sim) as api:
        assert api.get_backup(seed.BACKUP_AVAILABLE) is not None
    assert sim.control.calls().get("csbs.show_checkpoint_item", 0) >= 1


def test_retries_are_bounded(sim: RunningSimulator) -> None:
    sim.control.inject_fault("drop", route="csbs.show_checkpoint_item", count=50)
    with client_for(sim) as api, pytest.raises(TransportError, match="after 6 attempts"):
        api.get_backup(seed.BACKUP_AVAILABLE)


def test_get_image_returns_none_when_gone(sim: RunningSimulator) -> None:
    with client_for(sim) as api:
        assert api.get_image("f0000000-0000-4000-8000-00000000ffff") is None
        existing = api.get_image(seed.IMAGE_EXISTING)
    assert existing is not None
    assert existing.whole_image is True
    assert existing.backup_id == seed.BACKUP_USED


def test_judge_returns_success_retries_429_5xx_and_transport_and_raises_the_rest() -> None:
    ok = httpx.Response(200, json={})
    assert judge("op", 1, ok, ()) is ok
    gone = httpx.Response(404, json={})
    assert judge("op", 1, gone, (404,)) is gone
    throttled = judge("op", 1, httpx.Response(429, headers={"Retry-After": "2"}, json={}), ())
    assert isinstance(throttled, Retry)
    assert throttled.retry_after == "2"
    assert isinstance(judge("op", 3, httpx.ConnectError("refused"), ()), Retry)
    with pytest.raises(ApiError, match="HTTP 400"):
        judge("op", 1, httpx.Response(400, json={"error": {"code": "IMG.0001", "message": "bad"}}), ())


def test_backoff_stops_at_max_attempts_and_before_the_deadline() -> None:
    timing = Timing(retry_base=1.0, retry_cap=1.0, max_attempts=3)
    retry = Retry(TransportError("gone"), "1")
    assert backoff(timing, 1, retry, None, now=0.0) == 1.0
    with pytest.raises(TransportError):
        backoff(timing, 3, retry, None, now=0.0)  # attempts used up
    with pytest.raises(TransportError):
        backoff(timing, 1, retry, deadline=10.5, now=10.0)  # the sleep would pass the deadline


def full_config(**extra: str) -> dict[str, str]:
    return {"region": "r", "accessKey": "a", "secretKey": "s", "projectId": "p", **extra}


def test_missing_ca_bundle_is_a_settings_error_naming_the_key(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.pem")
    with pytest.raises(SettingsError, match=r"huaweicloud:cacertFile .*nope\.pem.* cannot be loaded"):
        load_settings(config_getter(full_config(cacertFile=missing)), {})
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(SettingsError, match=r"huaweicloud:cacertFile"):
        load_settings(config_getter(full_config(cacertFile=str(garbage))), {})


def test_ca_bundle_becomes_an_ssl_context_and_insecure_disables_checks() -> None:
    settings = load_settings(config_getter(full_config(cacertFile=certifi.where())), {})
    assert isinstance(tls_verify(settings), ssl.SSLContext)
    assert tls_verify(load_settings(config_getter(full_config(insecure="true")), {})) is False
    assert tls_verify(load_settings(config_getter(full_config()), {})) is True
