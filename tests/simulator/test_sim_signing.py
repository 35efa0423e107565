"""AK/SK (SDK-HMAC-SHA256) verification: reference test vectors and the gateway's 401 answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkims.v2 import ListImagesRequest
from sim_helpers import ims_client, sdk_error, signed_request

from simulator.signing import canonical_request, signature
from simulator.testing import RunningSimulator

HOST = "ims.ap-southeast-1.myhuaweicloud.com"
DATE = "20240101T000000Z"


def test_reference_vector_post_with_body() -> None:
    headers = {
        "Content-Type": "application/json;charset=UTF-8",
        "X-Project-Id": "0123456789abcdef0123456789abcdef",
        "Host": HOST,
        "X-Sdk-Date": DATE,
    }
    body = b'{"name":"img1","backup_id":"b1","whole_image_type":"CSBS"}'
    canonical = canonical_request(
        "POST",
        "/v1/cloudimages/wholeimages/action",
        [],
        headers,
        ["content-type", "host", "x-project-id", "x-sdk-date"],
        body,
    )
    assert (
        signature("SKEXAMPLE", DATE, canonical)
        == "4eca7427094bddceecbde00e5edced9f212f6329efec982c6cb1c37bdf8f1d5b"
    )


def test_reference_vector_get_with_query() -> None:
    headers = {"Host": HOST, "X-Sdk-Date": DATE}
    query = [("id", "abc"), ("__imagetype", "private")]
    canonical = canonical_request("GET", "/v2/cloudimages", query, headers, ["host", "x-sdk-date"], b"")
    assert (
        signature("SKEXAMPLE", DATE, canonical)
        == "f6ad4fa5c299623d47973108cc8569adea2f8c4fe7d7ca741d7fcc821cc07630"
    )


def test_wrong_secret_key_is_refused_with_the_gateway_body(sim: RunningSimulator) -> None:
    response = signed_request(sim, "GET", "/v2/cloudimages", secret_key="wrong")
    assert response.status_code == 401
    assert response.json() == {
        "error_code": "APIG.0301",
        "error_msg": "Incorrect IAM authentication information: verify aksk signature fail",
        "request_id": response.headers["X-Request-Id"],
    }


def test_wrong_secret_key_surfaces_in_the_sdk(sim: RunningSimulator) -> None:
    with pytest.raises(ClientRequestException) as err:
        ims_client(sim, secret_key="wrong").list_images(ListImagesRequest())
    assert sdk_error(err.value) == (
        401,
        "APIG.0301",
        "Incorrect IAM authentication information: verify aksk signature fail",
    )


def test_unknown_access_key_is_refused(sim: RunningSimulator) -> None:
    response = signed_request(sim, "GET", "/v2/cloudimages", access_key="UNKNOWNAK")
    assert response.status_code == 401
    assert (
        response.json()["error_msg"]
        == "Incorrect IAM authentication information: the access key (AK) does not exist"
    )


def test_expired_date_is_refused(sim: RunningSimulator) -> None:
    old = (datetime.now(UTC) - timedelta(minutes=16)).strftime("%Y%m%dT%H%M%SZ")
    response = signed_request(sim, "GET", "/v2/cloudimages", headers={"X-Sdk-Date": old})
    assert response.status_code == 401
    assert response.json()["error_msg"] == (
        "Incorrect IAM authentication information: the signature has expired: "
        f"X-Sdk-Date {old} is more than 15 minutes from server time"
    )


def test_date_within_the_allowed_skew_is_accepted(sim: RunningSimulator) -> None:
    recent = (datetime.now(UTC) - timedelta(minutes=10)).strftime("%Y%m%dT%H%M%SZ")
    assert signed_request(sim, "GET", "/v2/cloudimages", headers={"X-Sdk-Date": recent}).status_code == 200


def test_missing_authorization_is_refused(sim: RunningSimulator) -> None:
    response = httpx.get(sim.url + "/v2/cloudimages", headers={"X-Project-Id": sim.project_id})
    assert response.status_code == 401
    assert response.json()["error_msg"] == (
        "Incorrect IAM authentication information: "
        "the Authorization header is missing; sign the request with AK/SK"
    )


def test_body_changed_after_signing_is_refused(sim: RunningSimulator) -> None:
    response = signed_request(
        sim,
        "POST",
        "/v1/cloudimages/wholeimages/action",
        body={"name": "a"},
        headers={},
    )
    tampered = httpx.post(
        sim.url + "/v1/cloudimages/wholeimages/action",
        headers={k: v for k, v in response.request.headers.items() if k.lower() != "content-length"},
        content=b'{"name": "b"}',
    )
    assert tampered.status_code == 401
    assert tampered.json()["error_code"] == "APIG.0301"


def test_query_changed_after_signing_is_refused(sim: RunningSimulator) -> None:
    signed = signed_request(sim, "GET", "/v2/cloudimages", query=[("name", "a")])
    tampered = httpx.get(
        str(signed.request.url).replace("name=a", "name=b"), headers=dict(signed.request.headers)
    )
    assert (signed.status_code, tampered.status_code) == (200, 401)


def test_ims_route_without_project_header_is_refused(sim: RunningSimulator) -> None:
    response = signed_request(sim, "GET", "/v2/cloudimages", project_header=False)
    assert response.status_code == 401
    assert response.json()["error_msg"] == (
        "Incorrect IAM authentication information: X-Project-Id is required for this API; "
        "sign the request with a project id"
    )


def test_project_route_works_without_project_header(sim: RunningSimulator) -> None:
    response = signed_request(sim, "GET", f"/v1/{sim.project_id}/checkpoint_items", project_header=False)
    assert response.status_code == 200


def test_other_project_in_path_is_403(sim: RunningSimulator) -> None:
    other = "f" * 32
    response = signed_request(sim, "GET", f"/v1/{other}/checkpoint_items")
    assert response.status_code == 403
    assert (
        response.json()["error_msg"]
        == f"The project {other} in the URL is not accessible with these credentials"
    )


def signed_headers_of(sim: RunningSimulator) -> dict[str, str]:
    """Headers of a correctly signed GET /v2/cloudimages (signed by the SDK core's Signer)."""
    response = signed_request(sim, "GET", "/v2/cloudimages")
    assert response.status_code == 200
    return {k: v for k, v in response.request.headers.items() if k.lower() != "host"}


def test_missing_sdk_date_is_refused(sim: RunningSimulator) -> None:
    headers = {k: v for k, v in signed_headers_of(sim).items() if k.lower() != "x-sdk-date"}
    response = httpx.get(sim.url + "/v2/cloudimages", headers=headers)
    assert response.status_code == 401
    assert response.json()["error_msg"] == (
        "Incorrect IAM authentication information: the X-Sdk-Date header is missing"
    )


def test_malformed_sdk_date_is_refused(sim: RunningSimulator) -> None:
    headers = {k: v for k, v in signed_headers_of(sim).items() if k.lower() != "x-sdk-date"}
    headers["X-Sdk-Date"] = "2024-01-01T00:00:00Z"
    response = httpx.get(sim.url + "/v2/cloudimages", headers=headers)
    assert response.status_code == 401
    assert response.json()["error_msg"] == (
        "Incorrect IAM authentication information: "
        "X-Sdk-Date '2024-01-01T00:00:00Z' is not in the YYYYMMDDTHHMMSSZ format"
    )


def test_signed_header_absent_from_the_request_is_refused(sim: RunningSimulator) -> None:
    headers = signed_headers_of(sim)
    assert "x-project-id" in headers["authorization"]  # the SDK signs it
    headers = {k: v for k, v in headers.items() if k.lower() != "x-project-id"}
    response = httpx.get(sim.url + "/v2/cloudimages", headers=headers)
    assert response.status_code == 401
    assert response.json()["error_msg"] == (
        "Incorrect IAM authentication information: signed header 'x-project-id' is missing from the request"
    )


def test_other_project_in_x_project_id_is_403(sim: RunningSimulator) -> None:
    other = "e" * 32
    response = signed_request(
        sim, "GET", "/v2/cloudimages", headers={"X-Project-Id": other}, project_header=False
    )
    assert response.status_code == 403
    assert response.json()["error_code"] == "APIG.0302"
    assert response.json()["error_msg"] == (
        f"The project {other} in X-Project-Id is not accessible with these credentials"
    )
