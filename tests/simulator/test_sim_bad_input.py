"""Bad input gets a 4xx in the service's error shape, never a traceback, and the server keeps serving."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sim_helpers import signed_request

from simulator import seed
from simulator.testing import RunningSimulator

CREATE = "/v1/cloudimages/wholeimages/action"


def ims_error(response: httpx.Response) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"]


def still_serving(sim: RunningSimulator) -> bool:
    return signed_request(sim, "GET", "/v2/cloudimages").status_code == 200


def test_malformed_json_is_img_0001(sim: RunningSimulator) -> None:
    response = signed_request(sim, "POST", CREATE, raw_body=b'{"name": ')
    status, code, message = ims_error(response)
    assert (status, code) == (400, "IMG.0001")
    assert message.startswith("The request message format is invalid: the request body is not valid JSON")
    assert still_serving(sim)


def test_empty_body_is_img_0007(sim: RunningSimulator) -> None:
    assert ims_error(signed_request(sim, "POST", CREATE)) == (400, "IMG.0007", "The request body is empty.")


def test_array_body_is_img_0001(sim: RunningSimulator) -> None:
    assert ims_error(signed_request(sim, "POST", CREATE, body=[1, 2])) == (
        400,
        "IMG.0001",
        "The request message format is invalid: the request body must be a JSON object.",
    )


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [
        ("name", 42, "a string"),
        ("backup_id", ["x"], "a string"),
        ("min_ram", "1024", "an integer"),
        ("max_ram", True, "an integer"),
    ],
)
def test_wrong_field_type_is_img_0001(sim: RunningSimulator, field: str, value: Any, kind: str) -> None:
    body = {"name": "img", "backup_id": seed.BACKUP_AVAILABLE, field: value}
    assert ims_error(signed_request(sim, "POST", CREATE, body=body)) == (
        400,
        "IMG.0001",
        f"The request message format is invalid: field '{field}' must be {kind}.",
    )


def test_unknown_field_is_img_0001(sim: RunningSimulator) -> None:
    body = {"name": "img", "backup_id": seed.BACKUP_AVAILABLE, "colour": "blue"}
    assert ims_error(signed_request(sim, "POST", CREATE, body=body)) == (
        400,
        "IMG.0001",
        "The request message format is invalid: unknown field(s) ['colour'].",
    )


def test_bad_whole_image_type_is_img_0001(sim: RunningSimulator) -> None:
    body = {"name": "img", "backup_id": seed.BACKUP_AVAILABLE, "whole_image_type": "csbs"}
    assert ims_error(signed_request(sim, "POST", CREATE, body=body)) == (
        400,
        "IMG.0001",
        "The request message format is invalid: whole_image_type must be CSBS or CBR, got 'csbs'.",
    )


def test_patch_body_must_be_a_list(sim: RunningSimulator) -> None:
    response = signed_request(sim, "PATCH", f"/v2/cloudimages/{seed.IMAGE_EXISTING}", body={"op": "replace"})
    assert ims_error(response) == (
        400,
        "IMG.0001",
        "The request message format is invalid: the body must be a non-empty JSON array of patch operations.",
    )


def test_patch_of_an_unsupported_path_is_refused(sim: RunningSimulator) -> None:
    body = [{"op": "replace", "path": "/owner", "value": "x"}]
    status, code, message = ims_error(
        signed_request(sim, "PATCH", f"/v2/cloudimages/{seed.IMAGE_EXISTING}", body=body)
    )
    assert (status, code) == (400, "IMG.0001")
    assert message.startswith("The request message format is invalid: path '/owner' cannot be updated")


def test_patch_with_non_numeric_ram_is_refused(sim: RunningSimulator) -> None:
    body = [{"op": "replace", "path": "/min_ram", "value": "lots"}]
    response = signed_request(sim, "PATCH", f"/v2/cloudimages/{seed.IMAGE_EXISTING}", body=body)
    assert ims_error(response) == (
        400,
        "IMG.0001",
        "The request message format is invalid: value of /min_ram must be a non-negative integer, "
        "got 'lots'.",
    )


def test_delete_with_non_boolean_delete_backup_is_refused(sim: RunningSimulator) -> None:
    response = signed_request(
        sim, "DELETE", f"/v2/images/{seed.IMAGE_EXISTING}", body={"delete_backup": "yes"}
    )
    assert ims_error(response) == (
        400,
        "IMG.0001",
        "The request message format is invalid: field 'delete_backup' must be a boolean.",
    )


def test_oversized_body_is_413_and_the_server_keeps_serving(sim: RunningSimulator) -> None:
    body = b'{"name": "' + b"x" * (12 * 1024 * 1024) + b'"}'
    response = signed_request(sim, "POST", CREATE, raw_body=body)
    assert response.status_code == 413
    assert response.json()["error_code"] == "APIG.0201"
    assert still_serving(sim)


def test_unknown_api_is_apig_0101(sim: RunningSimulator) -> None:
    response = signed_request(sim, "GET", "/v2/nothing-here")
    assert response.status_code == 404
    assert (
        response.json()["error_msg"]
        == "The API does not exist or has not been published: GET /v2/nothing-here"
    )


def test_unexpected_error_is_a_clean_500_without_traceback(
    sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def explode(query: dict[str, str | None]) -> list[object]:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(sim._server.app.ims, "list_images", explode)
    response = signed_request(sim, "GET", "/v2/cloudimages")
    monkeypatch.undo()

    assert response.status_code == 500
    assert response.json() == {
        "error_code": "SIM.0500",
        "error_msg": "internal simulator error; see the simulator's stderr",
        "request_id": response.headers["X-Request-Id"],
    }
    assert "Traceback" not in response.text
    assert "kaboom" in capsys.readouterr().err
    assert still_serving(sim)


def test_bad_control_request_is_400(sim: RunningSimulator) -> None:
    response = httpx.put(sim.url + "/_sim/job_seconds", content=b"not json")
    assert response.status_code == 400
    assert response.json()["error_code"] == "SIM.0400"


@pytest.mark.parametrize("tag", [{"key": "env"}, {"value": "prod"}, {"key": "env", "value": "prod", "x": 1}])
def test_image_tag_needs_exactly_key_and_value(sim: RunningSimulator, tag: dict[str, Any]) -> None:
    body = {"name": "img", "backup_id": seed.BACKUP_AVAILABLE, "image_tags": [tag]}
    assert ims_error(signed_request(sim, "POST", CREATE, body=body)) == (
        400,
        "IMG.0001",
        "The request message format is invalid: each entry of 'image_tags' must be an object with both "
        "'key' and 'value' (value may be '').",
    )


def test_image_tag_with_an_empty_value_is_accepted(sim: RunningSimulator) -> None:
    body = {"name": "img", "backup_id": seed.BACKUP_AVAILABLE, "image_tags": [{"key": "env", "value": ""}]}
    assert signed_request(sim, "POST", CREATE, body=body).status_code == 200


def test_batch_tag_without_value_is_refused(sim: RunningSimulator) -> None:
    path = f"/v2/{sim.project_id}/images/{seed.IMAGE_EXISTING}/tags/action"
    response = signed_request(sim, "POST", path, body={"action": "create", "tags": [{"key": "env"}]})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "IMG.0001"


def test_an_oversized_server_action_is_still_counted_as_a_mutating_call(sim: RunningSimulator) -> None:
    # Body-dispatched routes name the call from the body; a body too large to read is still a call.
    body = b'{"os-start": {"servers": [{"id": "' + b"x" * (12 * 1024 * 1024) + b'"}]}}'
    response = signed_request(sim, "POST", f"/v1/{sim.project_id}/cloudservers/action", raw_body=body)
    assert response.status_code == 413
    assert sim.control.mutating_calls() == {"ecs.batch_action": 1}
