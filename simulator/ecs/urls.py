"""ECS routes (huaweicloudsdkecs v2 ecs_client.py)."""

from simulator.wire import route

url_paths = [
    route("GET", r"^/v1/(?P<project_id>[^/]+)/cloudservers/detail$", "ecs.list_servers", "list_servers"),
    route(
        "GET",
        r"^/v1/(?P<project_id>[^/]+)/cloudservers/(?P<server_id>[^/]+)$",
        "ecs.show_server",
        "show_server",
    ),
]
