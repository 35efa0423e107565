"""ECS routes (huaweicloudsdkecs v2 ecs_client.py)."""

from simulator.wire import route

SERVER = r"^/v(?P<version>[12])/(?P<project_id>[^/]+)/cloudservers/(?P<server_id>[^/]+)"
url_paths = [
    route("GET", r"^/v1/(?P<project_id>[^/]+)/cloudservers/detail$", "ecs.list_servers", "list_servers"),
    # v1 = pay-per-use (CreatePostPaidServers), v1.1 = also yearly/monthly (CreateServers).
    route(
        "POST",
        r"^/v(?P<version>1|1\.1)/(?P<project_id>[^/]+)/cloudservers$",
        "ecs.create_servers",
        "create_servers",
    ),
    route("POST", r"^/v1/(?P<project_id>[^/]+)/cloudservers/delete$", "ecs.delete_servers", "delete_servers"),
    route(
        "GET",
        r"^/v1/(?P<project_id>[^/]+)/cloudservers/(?P<server_id>[^/]+)$",
        "ecs.show_server",
        "show_server",
    ),
    # One path for start/stop/reboot: the body's single key picks the operation and its call-count
    # name; a body naming none of them is counted as ecs.batch_action (and refused).
    route(
        "POST",
        r"^/v1/(?P<project_id>[^/]+)/cloudservers/action$",
        "ecs.batch_action",
        "batch_action",
        {
            "os-start": "ecs.batch_start_servers",
            "os-stop": "ecs.batch_stop_servers",
            "reboot": "ecs.batch_reboot_servers",
        },
    ),
    # v2 = with Cloud-Init (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0202.html), v1 = without
    # (https://support.huaweicloud.com/en-us/api-ecs/ecs_02_0204.html); both answer the same way here.
    route("POST", SERVER + "/changeos$", "ecs.change_os", "change_os"),
    route("POST", SERVER + "/reinstallos$", "ecs.reinstall_os", "reinstall_os"),
]
