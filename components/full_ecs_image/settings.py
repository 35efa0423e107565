"""Credentials, region and endpoints, read the way pulumi-huaweicloud reads them.

Both processes use this module: the dynamic-provider process in `configure()` (from the stack config
the engine sends) and the program process in the component's wait for `active` (from
`pulumi.Config("huaweicloud")`). Config wins over the environment; a missing setting names the key.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .errors import SettingsError

NAMESPACE = "huaweicloud"

# Env fallbacks, as the Terraform huaweicloud provider reads them (its provider.go DefaultFuncs:
# https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/huaweicloud/provider.go).
_ENV = {
    "region": ("HW_REGION_NAME", "OS_REGION_NAME"),
    "accessKey": ("HW_ACCESS_KEY", "OS_ACCESS_KEY"),
    "secretKey": ("HW_SECRET_KEY", "OS_SECRET_KEY"),
    "projectId": ("HW_PROJECT_ID", "OS_PROJECT_ID"),
    "securityToken": ("HW_SECURITY_TOKEN",),
    "insecure": ("HW_INSECURE",),
}


@dataclass(frozen=True)
class Settings:
    """Everything a client needs; never pickled, logged or returned as an output."""

    region: str
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    project_id: str
    endpoints: Mapping[str, str] = field(default_factory=dict)
    security_token: str | None = field(default=None, repr=False)
    insecure: bool = False
    cacert_file: str | None = None

    def endpoint(self, service: str) -> str:
        """Base URL of a service: the endpoints override, else the public pattern for the region."""
        override = self.endpoints.get(service)
        if override:
            url = override if "://" in override else f"https://{override}"
            return url.rstrip("/")
        return f"https://{service}.{self.region}.myhuaweicloud.com"

    def scoped(self, *, region: str | None, project_id: str | None) -> Settings:
        """The same credentials for the region and project a resource records (replace keys)."""
        return Settings(
            region=region or self.region,
            access_key=self.access_key,
            secret_key=self.secret_key,
            project_id=project_id or self.project_id,
            endpoints=self.endpoints,
            security_token=self.security_token,
            insecure=self.insecure,
            cacert_file=self.cacert_file,
        )


def _from_settings_error(key: str) -> str:
    env = " or ".join(_ENV.get(key, ()))
    return (
        f"missing setting {NAMESPACE}:{key}"
        + (f" (or environment variable {env})" if env else "")
        + f". Set it with `pulumi config set{' --secret' if key in ('accessKey', 'secretKey') else ''} "
        f"{NAMESPACE}:{key} <value>`"
    )


def setting(get: Callable[[str], str | None], env: Mapping[str, str], key: str) -> str | None:
    """One setting: stack config first, then its environment variables in order; None if unset."""
    raw = get(key)
    if raw is not None and str(raw) != "":
        return str(raw)
    for name in _ENV.get(key, ()):
        if env.get(name):
            return env[name]
    return None


def load_settings(get: Callable[[str], str | None], env: Mapping[str, str]) -> Settings:
    """Builds Settings from a config getter (keys without namespace, e.g. "accessKey") and env.

    Raises SettingsError naming the first missing key, or a malformed endpoints map.
    """

    def value(key: str) -> str | None:
        return setting(get, env, key)

    def required(key: str) -> str:
        found = value(key)
        if found is None:
            raise SettingsError(
                _from_settings_error(key), verb="configuring", subject="full-ECS image provider"
            )
        return found

    endpoints: dict[str, str] = {}
    raw_endpoints = get("endpoints")
    if raw_endpoints:
        try:
            parsed = json.loads(raw_endpoints) if isinstance(raw_endpoints, str) else raw_endpoints
        except json.JSONDecodeError:
            parsed = None
        if not isinstance(parsed, dict) or not all(isinstance(v, str) for v in parsed.values()):
            raise SettingsError(
                f"{NAMESPACE}:endpoints must be a JSON object mapping a service name to a URL",
                'e.g. {"ims": "https://ims.example.com"}',
                verb="configuring",
                subject="full-ECS image provider",
            )
        endpoints = {str(k): str(v) for k, v in parsed.items()}

    cacert_file = value("cacertFile")
    if cacert_file is not None:
        _check_ca_bundle(cacert_file)

    return Settings(
        region=required("region"),
        access_key=required("accessKey"),
        secret_key=required("secretKey"),
        project_id=required("projectId"),
        endpoints=endpoints,
        security_token=value("securityToken"),
        insecure=(value("insecure") or "false").lower() in ("1", "true", "yes"),
        cacert_file=cacert_file,
    )


def _check_ca_bundle(path: str) -> None:
    """A CA bundle that cannot be loaded is a settings error naming the key, not a traceback later."""
    try:
        ssl.create_default_context(cafile=path)
    except (OSError, ssl.SSLError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SettingsError(
            f"{NAMESPACE}:cacertFile {path!r} cannot be loaded as a PEM CA bundle ({reason})",
            f"point `pulumi config set {NAMESPACE}:cacertFile <file>` at a readable PEM file, or unset it",
            verb="configuring",
            subject="full-ECS image provider",
        ) from None
