"""Settings: stack config first, then HW_*/OS_* variables; missing or malformed ones name the key."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from hwc_full_ecs_image.client import tls_verify
from hwc_full_ecs_image.errors import SettingsError
from hwc_full_ecs_image.settings import Settings, load_settings, setting


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
    message = error.value.message
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


def test_os_variables_are_the_last_fallback() -> None:
    env = {"OS_REGION_NAME": "os-region", "OS_PROJECT_ID": "os-project", "HW_PROJECT_ID": "hw-project"}
    assert setting(lambda _key: None, env, "region") == "os-region"
    assert setting(lambda _key: None, env, "projectId") == "hw-project"  # HW_* before OS_*
    assert setting(lambda _key: "cfg", env, "projectId") == "cfg"  # config first


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
    custom = tls_verify(settings)
    assert isinstance(custom, ssl.SSLContext)
    assert tls_verify(load_settings(config_getter(full_config(insecure="true")), {})) is False
    default = tls_verify(load_settings(config_getter(full_config()), {}))
    assert isinstance(default, ssl.SSLContext)
    assert default.verify_mode == ssl.CERT_REQUIRED
    assert default is not custom  # one context per CA bundle, shared by every client of the process
    assert tls_verify(load_settings(config_getter(full_config()), {})) is default
