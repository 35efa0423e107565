"""What every SDK client run does, in every language: the operations it calls (one per simulator route and
API version), what each must answer, and the input handed to the Go and Node.js programs.

An operation key is `<service>.<SDK operation in snake case>`: the Python method name
(`ImsClient.batch_add_members`), which is `BatchAddMembers` in Go and `batchAddMembers` in Node.js.
The order below is the order of the run (later calls use what earlier ones made).
"""

from __future__ import annotations

from typing import Any

from simulator import seed
from simulator.testing import RunningSimulator

# Full-ECS images cannot be exported or copied: the simulator answers these IMS codes
# (simulator/ims/exceptions.py: ExportRefusedError, CopyRefusedError).
EXPORT_REFUSED = "IMG.0128"
COPY_REFUSED = "IMG.0130"

# operation key -> the error code the simulator must answer (None: it must succeed)
OPERATIONS: dict[str, str | None] = {
    "cbr.list_backups": None,
    "cbr.show_backup": None,
    "evs.show_volume": None,
    "ims.create_whole_image": None,
    "ims.show_job": None,
    "ims.show_job_progress": None,
    "ims.list_images": None,
    "ims.glance_show_image": None,
    "ims.update_image": None,
    "ims.list_image_tags": None,
    "ims.batch_add_or_delete_tags": None,
    "ims.add_image_tag": None,
    "ims.delete_image_tag": None,
    "ims.batch_add_members": None,
    "ims.batch_update_members": None,
    "ims.batch_delete_members": None,
    "ims.glance_add_image_member": None,
    "ims.export_image": EXPORT_REFUSED,
    "ims.export_image_in_safe_mode": EXPORT_REFUSED,
    "ims.copy_image_in_region": COPY_REFUSED,
    "ims.copy_image_in_region_in_safe_mode": COPY_REFUSED,
    "ims.copy_image_cross_region": COPY_REFUSED,
    "ecs.list_servers_details": None,
    "ecs.show_server": None,
    "ecs.batch_stop_servers": None,
    "ecs.show_job": None,
    "ecs.batch_start_servers": None,
    "ecs.batch_reboot_servers": None,
    "ecs.change_server_os_with_cloud_init": None,
    "ecs.change_server_os_without_cloud_init": None,
    "ecs.reinstall_server_with_cloud_init": None,
    "ecs.reinstall_server_without_cloud_init": None,
    "ecs.create_post_paid_servers": None,
    "ecs.create_servers": None,
    "ecs.delete_servers": None,
    "ims.glance_delete_image": None,
}

# Simulator routes no official SDK client can call: the CSBS API has no official SDK in Python (PyPI has
# no huaweicloudsdkcsbs), Go (huaweicloud-sdk-go-v3 has no services/csbs) or Node.js.
NO_OFFICIAL_CLIENT = frozenset({"csbs.list_checkpoint_items", "csbs.show_checkpoint_item"})

# The project the image is shared with: the simulator's second project, which accepts with its own keys
# and its CBR vault (simulator/projects.py).
MEMBER_PROJECT = seed.SECOND_PROJECT_ID
# A second project for the native Glance member route.
GLANCE_MEMBER_PROJECT = "00112233445566778899aabbccddeeff"


def run_input(sim: RunningSimulator) -> dict[str, Any]:
    """What the Go and Node.js programs read on stdin: where the simulator is and the seeded ids."""
    return {
        "endpoint": sim.url,
        "access_key": sim.access_key,
        "secret_key": sim.secret_key,
        "project_id": sim.project_id,
        "member_project_id": MEMBER_PROJECT,
        "member_access_key": seed.SECOND_ACCESS_KEY,
        "member_secret_key": seed.SECOND_SECRET_KEY,
        "member_vault_id": seed.SECOND_VAULT_ID,
        "glance_member_project_id": GLANCE_MEMBER_PROJECT,
        "cbr_backup_id": seed.CBR_BACKUP,
        "volume_id": seed.VOLUME_WEB01_SYSTEM,
        "running_server_id": seed.SERVER_RUNNING,
        "stopped_server_id": seed.SERVER_STOPPED,
        "existing_image_id": seed.IMAGE_EXISTING,
        "operations": list(OPERATIONS),
    }
