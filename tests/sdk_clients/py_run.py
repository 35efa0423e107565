"""The run of scenario.OPERATIONS through the official Python SDK clients (huaweicloudsdkims, -ecs, -evs,
-cbr), each pointed at the simulator. Every answer is checked against the SDK's response model."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from huaweicloudsdkcbr.v1 import CbrClient, ListBackupsRequest, ShowBackupRequest
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import SdkException, ServiceResponseException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkecs import v2 as ecs
from huaweicloudsdkevs.v2 import EvsClient, ShowVolumeRequest
from huaweicloudsdkims import v2 as ims

from simulator.testing import RunningSimulator

from . import scenario
from .py_required import check

Outcome = dict[str, Any]


def _build(
    client_class: Any, sim: RunningSimulator, project_id: str, keys: tuple[str, str] | None = None
) -> Any:
    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True  # the simulator is plain HTTP; a TLS front would be self-signed
    access_key, secret_key = keys or (sim.access_key, sim.secret_key)
    credentials = BasicCredentials(access_key, secret_key, project_id)
    builder = client_class.new_builder().with_http_config(config).with_credentials(credentials)
    return builder.with_endpoints([sim.url]).build()


class Recorder:
    """Calls SDK operations and keeps one outcome per call, in the report format of the Go/Node programs."""

    def __init__(self) -> None:
        self.outcomes: list[Outcome] = []

    def call(self, op: str, client: Any, request: Any) -> Any:
        method = op.split(".", 1)[1]
        outcome: Outcome = {"op": op, "sdk_method": method, "error_code": None, "error_message": None}
        try:
            response = getattr(client, method)(request)
        except ServiceResponseException as err:
            outcome |= {
                "status": err.status_code,
                "error_code": err.error_code,
                "error_message": err.error_msg,
            }
            self.outcomes.append(outcome | _no_findings())
            return None
        except SdkException as err:  # connection errors and the like: the call never got an answer
            outcome |= {"status": None, "error_code": "SDK", "error_message": str(err)}
            self.outcomes.append(outcome | _no_findings())
            return None
        raw = json.loads(response.raw_content) if response.raw_content else None
        findings = check(raw, type(response), client.model_package) if raw is not None else None
        outcome["status"] = response.status_code
        if findings is None:
            outcome |= _no_findings()
        else:
            outcome |= {
                "missing": findings.missing,
                "wrong_type": findings.wrong_type,
                "unknown": findings.unknown,
                "absent_optional": findings.absent_optional,
            }
        self.outcomes.append(outcome)
        return response


def _no_findings() -> dict[str, list[str]]:
    return {"missing": [], "wrong_type": [], "unknown": [], "absent_optional": []}


def run(sim: RunningSimulator) -> list[Outcome]:
    """Every operation of scenario.OPERATIONS, in order, against `sim` (default seed, job_seconds 0)."""
    given = scenario.run_input(sim)
    rec = Recorder()
    _cbr_and_evs(rec, sim, given)
    image_id = _ims(rec, sim, given)
    _ecs(rec, sim, given, image_id)
    if image_id is not None:
        body = ims.GlanceDeleteImageRequestBody(delete_backup=False)
        request = ims.GlanceDeleteImageRequest(image_id=image_id, body=body)
        rec.call("ims.glance_delete_image", _build(ims.ImsClient, sim, sim.project_id), request)
    return rec.outcomes


def _cbr_and_evs(rec: Recorder, sim: RunningSimulator, given: dict[str, Any]) -> None:
    cbr = _build(CbrClient, sim, sim.project_id)
    rec.call("cbr.list_backups", cbr, ListBackupsRequest(image_type="backup", limit=10))
    rec.call("cbr.show_backup", cbr, ShowBackupRequest(backup_id=given["cbr_backup_id"]))
    evs = _build(EvsClient, sim, sim.project_id)
    rec.call("evs.show_volume", evs, ShowVolumeRequest(volume_id=given["volume_id"]))


def _ims(rec: Recorder, sim: RunningSimulator, given: dict[str, Any]) -> str | None:
    """The image's whole life but deletion; returns the new image's id (None when creation failed)."""
    client = _build(ims.ImsClient, sim, sim.project_id)
    body = ims.CreateWholeImageRequestBody(
        name="sdk-check-image",
        backup_id=given["cbr_backup_id"],
        whole_image_type="CBR",
        image_tags=[ims.TagKeyValue(key="origin", value="sdk")],
    )
    created = rec.call("ims.create_whole_image", client, ims.CreateWholeImageRequest(body=body))
    if created is None:
        return None
    job = rec.call("ims.show_job", client, ims.ShowJobRequest(job_id=created.job_id))
    rec.call("ims.show_job_progress", client, ims.ShowJobProgressRequest(job_id=created.job_id))
    image_id: str | None = job.entities.image_id if job is not None and job.entities is not None else None
    if image_id is None:
        return None
    rec.call("ims.list_images", client, ims.ListImagesRequest(imagetype="private", limit=10))
    rec.call("ims.glance_show_image", client, ims.GlanceShowImageRequest(image_id=image_id))
    patch = [ims.UpdateImageRequestBody(op="replace", path="/name", value="sdk-check-renamed")]
    rec.call("ims.update_image", client, ims.UpdateImageRequest(image_id=image_id, body=patch))
    _tags(rec, client, image_id)
    _members(rec, sim, client, image_id, given)
    _refused(rec, client, image_id)
    return image_id


def _tags(rec: Recorder, client: Any, image_id: str) -> None:
    rec.call("ims.list_image_tags", client, ims.ListImageTagsRequest(image_id=image_id))
    tags = [ims.ResourceTag(key="team", value="core")]
    body = ims.BatchAddOrDeleteTagsRequestBody(action="create", tags=tags)
    rec.call(
        "ims.batch_add_or_delete_tags", client, ims.BatchAddOrDeleteTagsRequest(image_id=image_id, body=body)
    )
    tag = ims.AddImageTagRequestBody(tag=ims.ResourceTag(key="stage", value="test"))
    rec.call("ims.add_image_tag", client, ims.AddImageTagRequest(image_id=image_id, body=tag))
    rec.call("ims.delete_image_tag", client, ims.DeleteImageTagRequest(image_id=image_id, key="stage"))


def _members(rec: Recorder, sim: RunningSimulator, client: Any, image_id: str, given: dict[str, Any]) -> None:
    member = given["member_project_id"]
    add = ims.BatchAddMembersRequestBody(images=[image_id], projects=[member])
    added = rec.call("ims.batch_add_members", client, ims.BatchAddMembersRequest(body=add))
    if added is not None:
        rec.call("ims.show_job", client, ims.ShowJobRequest(job_id=added.job_id))
    # The member accepts in its own project, as Terraform's accepter does (PUT /v1/cloudimages/members):
    # https://github.com/huaweicloud/terraform-provider-huaweicloud/blob/master/huaweicloud/services/ims/resource_huaweicloud_images_image_share_accepter.go
    accept = ims.BatchUpdateMembersRequestBody(
        images=[image_id], project_id=member, status="accepted", vault_id=given["member_vault_id"]
    )
    as_member = _build(ims.ImsClient, sim, member, (given["member_access_key"], given["member_secret_key"]))
    accepted = rec.call("ims.batch_update_members", as_member, ims.BatchUpdateMembersRequest(body=accept))
    if accepted is not None:
        rec.call("ims.show_job", as_member, ims.ShowJobRequest(job_id=accepted.job_id))
    remove = ims.BatchAddMembersRequestBody(  # the SDK reuses the add body
        images=[image_id], projects=[member]
    )
    removed = rec.call("ims.batch_delete_members", client, ims.BatchDeleteMembersRequest(body=remove))
    if removed is not None:
        rec.call("ims.show_job", client, ims.ShowJobRequest(job_id=removed.job_id))
    glance = ims.GlanceAddImageMemberRequestBody(member=given["glance_member_project_id"])
    request = ims.GlanceAddImageMemberRequest(image_id=image_id, body=glance)
    rec.call("ims.glance_add_image_member", client, request)


def _refused(rec: Recorder, client: Any, image_id: str) -> None:
    """Export and copy: each API version's request, refused for a full-ECS image."""
    export = ims.ExportImageRequestBody(bucket_url="sdk-bucket:export.qcow2", file_format="qcow2")
    rec.call("ims.export_image", client, ims.ExportImageRequest(image_id=image_id, body=export))
    safe_export = ims.ExportImageInSafeModeRequest(image_id=image_id, body=export)
    rec.call("ims.export_image_in_safe_mode", client, safe_export)
    copy = ims.CopyImageInRegionRequestBody(name="sdk-copy")
    rec.call("ims.copy_image_in_region", client, ims.CopyImageInRegionRequest(image_id=image_id, body=copy))
    safe_copy = ims.CopyImageInRegionInSafeModeRequest(image_id=image_id, body=copy)
    rec.call("ims.copy_image_in_region_in_safe_mode", client, safe_copy)
    cross = ims.CopyImageCrossRegionRequestBody(
        name="sdk-copy", region="ap-southeast-3", project_name="ap-southeast-3", agency_name="ims_admin"
    )
    request = ims.CopyImageCrossRegionRequest(image_id=image_id, body=cross)
    rec.call("ims.copy_image_cross_region", client, request)


def _ecs(rec: Recorder, sim: RunningSimulator, given: dict[str, Any], image_id: str | None) -> None:
    client = _build(ecs.EcsClient, sim, sim.project_id)
    running, stopped = given["running_server_id"], given["stopped_server_id"]
    job: Callable[[Any], None] = lambda answer: _ecs_job(rec, client, answer)  # noqa: E731
    rec.call("ecs.list_servers_details", client, ecs.ListServersDetailsRequest(limit=25))
    rec.call("ecs.show_server", client, ecs.ShowServerRequest(server_id=running))
    ids = [ecs.ServerId(id=running)]
    stop = ecs.BatchStopServersRequestBody(os_stop=ecs.BatchStopServersOption(servers=ids, type="SOFT"))
    job(rec.call("ecs.batch_stop_servers", client, ecs.BatchStopServersRequest(body=stop)))
    start = ecs.BatchStartServersRequestBody(os_start=ecs.BatchStartServersOption(servers=ids))
    job(rec.call("ecs.batch_start_servers", client, ecs.BatchStartServersRequest(body=start)))
    reboot = ecs.BatchRebootServersRequestBody(reboot=ecs.BatchRebootSeversOption(servers=ids, type="SOFT"))
    job(rec.call("ecs.batch_reboot_servers", client, ecs.BatchRebootServersRequest(body=reboot)))
    new_image = image_id or given["existing_image_id"]
    change = ecs.ChangeServerOsWithCloudInitRequestBody(
        os_change=ecs.ChangeServerOsWithCloudInitOption(keyname="kp-1", imageid=new_image)
    )
    request: Any = ecs.ChangeServerOsWithCloudInitRequest(server_id=stopped, body=change)
    job(rec.call("ecs.change_server_os_with_cloud_init", client, request))
    plain_change = ecs.ChangeServerOsWithoutCloudInitRequestBody(
        os_change=ecs.ChangeServerOsWithoutCloudInitOption(adminpass="Sdk-check-1", imageid=new_image)
    )
    request = ecs.ChangeServerOsWithoutCloudInitRequest(server_id=stopped, body=plain_change)
    job(rec.call("ecs.change_server_os_without_cloud_init", client, request))
    reinstall = ecs.ReinstallServerWithCloudInitRequestBody(
        os_reinstall=ecs.ReinstallServerWithCloudInitOption(keyname="kp-1")
    )
    request = ecs.ReinstallServerWithCloudInitRequest(server_id=stopped, body=reinstall)
    job(rec.call("ecs.reinstall_server_with_cloud_init", client, request))
    plain_reinstall = ecs.ReinstallServerWithoutCloudInitRequestBody(
        os_reinstall=ecs.ReinstallServerWithoutCloudInitOption(adminpass="Sdk-check-1")
    )
    request = ecs.ReinstallServerWithoutCloudInitRequest(server_id=stopped, body=plain_reinstall)
    job(rec.call("ecs.reinstall_server_without_cloud_init", client, request))
    _ecs_create_delete(rec, client, new_image)


def _ecs_job(rec: Recorder, client: Any, answer: Any) -> None:
    if answer is not None and getattr(answer, "job_id", None):
        rec.call("ecs.show_job", client, ecs.ShowJobRequest(job_id=answer.job_id))


def _ecs_create_delete(rec: Recorder, client: Any, image_id: str) -> None:
    post_paid = ecs.PostPaidServer(
        image_ref=image_id,
        flavor_ref="s6.large.2",
        name="sdk-check-postpaid",
        vpcid="vpc-0001",
        nics=[ecs.PostPaidServerNic(subnet_id="subnet-0001")],
        root_volume=ecs.PostPaidServerRootVolume(volumetype="SSD"),
    )
    # dry_run first: a 202 with no body (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0101.html)
    check_only = ecs.CreatePostPaidServersRequestBody(server=post_paid, dry_run=True)
    rec.call("ecs.create_post_paid_servers", client, ecs.CreatePostPaidServersRequest(body=check_only))
    body = ecs.CreatePostPaidServersRequestBody(server=post_paid)
    made = rec.call("ecs.create_post_paid_servers", client, ecs.CreatePostPaidServersRequest(body=body))
    pre_paid = ecs.PrePaidServer(
        image_ref=image_id,
        flavor_ref="s6.large.2",
        name="sdk-check-prepaid",
        vpcid="vpc-0001",
        nics=[ecs.PrePaidServerNic(subnet_id="subnet-0001")],
        root_volume=ecs.PrePaidServerRootVolume(volumetype="SSD"),
        extendparam=ecs.PrePaidServerExtendParam(charging_mode="postPaid"),
    )
    made_too = rec.call(
        "ecs.create_servers",
        client,
        ecs.CreateServersRequest(body=ecs.CreateServersRequestBody(server=pre_paid)),
    )
    server_ids: list[str] = []
    for answer in (made, made_too):
        if answer is not None:
            _ecs_job(rec, client, answer)
            server_ids.extend(answer.server_ids or [])
    for server_id in server_ids:  # a server made from the image answers as the seeded ones must
        rec.call("ecs.show_server", client, ecs.ShowServerRequest(server_id=server_id))
    ids = [ecs.ServerId(id=server_id) for server_id in server_ids]
    delete = ecs.DeleteServersRequestBody(servers=ids, delete_volume=True, delete_publicip=True)
    _ecs_job(rec, client, rec.call("ecs.delete_servers", client, ecs.DeleteServersRequest(body=delete)))
