"""Error base classes; each renders the body shape of the layer that raises it.

Shapes: IMS/ECS/EVS nest {"error": {"code", "message"}};
CSBS/CBR and the API gateway are flat {"error_code", "error_msg"} (gateway adds "request_id").
Sources: IMS https://support.huaweicloud.com/intl/en-us/eu-west-0-api-ims/en-us_topic_0022473689.html,
CSBS https://support.huaweicloud.com/en-us/api-csbs/en-us_topic_0071888297.html,
ECS https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html,
EVS https://support.huaweicloud.com/intl/id-id/api-evs/evs_04_2007.html,
gateway https://support.huaweicloud.com/intl/en-us/ocr_faq/ocr_01_0041.html.
"""

from __future__ import annotations

from typing import Any


class SimError(Exception):
    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status

    def body(self, request_id: str) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


class NestedError(SimError):
    """{"error": {"code": ..., "message": ...}} (IMS, ECS, EVS)."""


class FlatError(SimError):
    """{"error_code": ..., "error_msg": ...} (CSBS, CBR)."""

    def body(self, request_id: str) -> dict[str, Any]:
        return {"error_code": self.code, "error_msg": self.message}


class GatewayError(SimError):
    """API-gateway answers (auth, throttling, unknown API): flat body with request_id."""

    def body(self, request_id: str) -> dict[str, Any]:
        return {"error_code": self.code, "error_msg": self.message, "request_id": request_id}


def auth_failed(reason: str) -> GatewayError:
    # Real gateway: 401 "APIG.0301" "Incorrect IAM authentication information: ..." (code also
    # spelt APIGW.0301: https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-0001.html).
    return GatewayError("APIG.0301", f"Incorrect IAM authentication information: {reason}", status=401)


def throttled(limit: float) -> GatewayError:
    limit_text = f"{limit:g}"
    return GatewayError(
        "APIG.0308",
        "The throttling threshold has been reached: "
        f"policy user over ratelimit,limit:{limit_text},time:1 second",
        status=429,
    )


def api_not_found(method: str, path: str) -> GatewayError:
    # APIG answers an unpublished API with 404 APIG.0101 (unconfirmed wording).
    return GatewayError(
        "APIG.0101", f"The API does not exist or has not been published: {method} {path}", status=404
    )


def body_too_large(size: int, limit: int) -> GatewayError:
    # AK/SK-signed bodies are limited to 12 MB at the gateway
    # (https://support.huaweicloud.com/intl/devg-apisign/api-sign-provide01.html); code APIG.0201 unconfirmed.
    return GatewayError(
        "APIG.0201", f"Request entity too large: {size} bytes exceeds the {limit}-byte limit", status=413
    )
