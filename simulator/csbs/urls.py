"""CSBS routes (golangsdk https://github.com/chnsz/golangsdk/blob/master/openstack/csbs/v1/backup/urls.go);
the APIs:
https://docs.otc.t-systems.com/cloud-server-backup-service/api-ref/api_description/backup_management/querying_all_backups.html,
https://docs.otc.t-systems.com/cloud-server-backup-service/api-ref/api_description/backup_management/querying_a_single_backup.html.
"""

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
