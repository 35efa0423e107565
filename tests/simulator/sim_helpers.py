"""Clients for the simulator tests: official SDK clients, and raw requests signed by the SDK core's signer."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import httpx
from huaweicloudsdkcbr.v1 import CbrClient
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import SdkException
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkecs.v2 import EcsClient
from huaweicloudsdkevs.v2 import EvsClient
from huaweicloudsdkims.v2 import (
    CreateWholeImageRequest,
    CreateWholeImageRequestBody,
    ImsClient,
    ShowJobRequest,
)

from simulator import seed
from simulator.testing import RunningSimulator


def credentials(sim: RunningSimulator, *, secret_key: str | None = None) -> BasicCredentials:
    return BasicCredentials(sim.access_key, secret_key or sim.secret_key, sim.project_id)


def ims_client(sim: RunningSimulator, *, secret_key: str | None = None) -> Any:
    builder = ImsClient.new_builder().with_credentials(credentials(sim, secret_key=secret_key))
    return builder.with_endpoints([sim.url]).build()


def ecs_client(sim: RunningSimulator) -> Any:
    return EcsClient.new_builder().with_credentials(credentials(sim)).with_endpoints([sim.url]).build()


def evs_client(sim: RunningSimulator) -> Any:
    return EvsClient.new_builder().with_credentials(credentials(sim)).with_endpoints([sim.url]).build()


def cbr_client(sim: RunningSimulator) -> Any:
    return CbrClient.new_builder().with_credentials(credentials(sim)).with_endpoints([sim.url]).build()


def sdk_error(exc: SdkException) -> tuple[int, str, str]:
    """(status, error_code, error_msg) of an SDK exception."""
    return exc.status_code, exc.error_code, exc.error_msg


def signed_request(
    sim: RunningSimulator,
    method: str,
    path: str,
    *,
    query: list[tuple[str, str]] | None = None,
    body: Any = None,
    raw_body: bytes | None = None,
    headers: dict[str, str] | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    project_header: bool = True,
) -> httpx.Response:
    """Send a request signed by huaweicloudsdkcore's Signer (as CSBS clients must, having no SDK)."""
    host = urlsplit(sim.url).netloc
    data = raw_body if raw_body is not None else (b"" if body is None else json.dumps(body).encode())
    header_params = {"Content-Type": "application/json;charset=UTF-8", **(headers or {})}
    if project_header:
        header_params["X-Project-Id"] = sim.project_id
    request = SdkRequest(
        method=method,
        schema="http",
        host=host,
        resource_path=path,
        query_params=list(query or []),
        header_params=header_params,
        body=data,
    )
    signer = Signer(
        BasicCredentials(access_key or sim.access_key, secret_key or sim.secret_key, sim.project_id)
    )
    signed = signer.sign(request)
    return httpx.request(
        method, sim.url + signed.uri, headers=signed.header_params, content=data, timeout=30.0
    )


def make_image(sim: RunningSimulator, backup_id: str, kind: str = "CSBS", name: str = "img") -> str:
    """A full-ECS image made from a backup (job_seconds 0: active at the next request); its id."""
    client = ims_client(sim)
    body = CreateWholeImageRequestBody(name=name, backup_id=backup_id, whole_image_type=kind)
    job_id = client.create_whole_image(CreateWholeImageRequest(body=body)).job_id
    job = client.show_job(ShowJobRequest(job_id=job_id))
    assert job.status == "SUCCESS", job
    image_id: str = job.entities.image_id
    return image_id


def raw_server(**fields: Any) -> dict[str, Any]:
    """A valid "server" object of POST /v1/{project_id}/cloudservers from IMAGE_EXISTING, plus `fields`."""
    return {
        "imageRef": seed.IMAGE_EXISTING,
        "flavorRef": "s6.large.2",
        "name": "raw",
        "vpcid": "vpc-0001",
        "nics": [{"subnet_id": "subnet-0001"}],
        "root_volume": {"volumetype": "SSD"},
        **fields,
    }


SEEDED_SERVERS = 4
"""web01, db01, app01 and web02 (simulator/seed.py)."""
