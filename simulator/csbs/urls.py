"""CSBS routes (reference §2; golangsdk openstack/csbs/v1/backup/urls.go)."""

from simulator.wire import route

url_paths = [
    route(
        "GET",
        r"^/v1/(?P<project_id>[^/]+)/checkpoint_items$",
        "csbs.list_checkpoint_items",
        "list_checkpoint_items",
    ),
    route(
        "GET",
        r"^/v1/(?P<project_id>[^/]+)/checkpoint_items/(?P<item_id>[^/]+)$",
        "csbs.show_checkpoint_item",
        "show_checkpoint_item",
    ),
]
