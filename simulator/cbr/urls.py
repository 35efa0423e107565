"""CBR routes (huaweicloudsdkcbr v1 cbr_client.py)."""

from simulator.wire import route

url_paths = [
    route("GET", r"^/v3/(?P<project_id>[^/]+)/backups$", "cbr.list_backups", "list_backups"),
    route(
        "GET", r"^/v3/(?P<project_id>[^/]+)/backups/(?P<backup_id>[^/]+)$", "cbr.show_backup", "show_backup"
    ),
]
