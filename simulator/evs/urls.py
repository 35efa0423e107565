"""EVS routes (huaweicloudsdkevs v2 evs_client.py)."""

from simulator.wire import route

url_paths = [
    route(
        "GET",
        r"^/v2/(?P<project_id>[^/]+)/cloudvolumes/(?P<volume_id>[^/]+)$",
        "evs.show_volume",
        "show_volume",
    ),
]
