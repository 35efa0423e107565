"""IMS routes (paths from huaweicloudsdkims v2 ims_client.py). project_in_path: "{project_id}" group."""

from simulator.wire import route

ID = r"(?P<image_id>[^/]+)"
url_paths = [
    route("POST", r"^/v1/cloudimages/wholeimages/action$", "ims.create_whole_image", "create_whole_image"),
    # IMS and ECS jobs share this path: the app counts an ECS job's read as ecs.show_job.
    route(
        "GET",
        r"^/v1/(?P<project_id>[^/]+)/jobs/(?P<job_id>[^/]+)$",
        "ims.show_job",
        "show_job",
        aliases=("ecs.show_job",),
    ),
    route("GET", r"^/v1/cloudimages/job/(?P<job_id>[^/]+)$", "ims.show_job_progress", "show_job_progress"),
    route("GET", r"^/v2/cloudimages$", "ims.list_images", "list_images"),
    route("PATCH", rf"^/v2/cloudimages/{ID}$", "ims.update_image", "update_image"),
    route("GET", rf"^/v2/images/{ID}$", "ims.glance_show_image", "glance_show_image"),
    route("DELETE", rf"^/v2/images/{ID}$", "ims.delete_image", "delete_image"),
    route("GET", rf"^/v2/(?P<project_id>[^/]+)/images/{ID}/tags$", "ims.list_image_tags", "list_image_tags"),
    route(
        "POST",
        rf"^/v2/(?P<project_id>[^/]+)/images/{ID}/tags/action$",
        "ims.batch_image_tags",
        "batch_image_tags",
    ),
    route("POST", rf"^/v2/(?P<project_id>[^/]+)/images/{ID}/tags$", "ims.add_image_tag", "add_image_tag"),
    route(
        "DELETE",
        rf"^/v2/(?P<project_id>[^/]+)/images/{ID}/tags/(?P<key>[^/]+)$",
        "ims.delete_image_tag",
        "delete_image_tag",
    ),
    route("POST", r"^/v1/cloudimages/members$", "ims.share_image", "share_image"),
    route("DELETE", r"^/v1/cloudimages/members$", "ims.unshare_image", "unshare_image"),
    route("PUT", r"^/v1/cloudimages/members$", "ims.batch_update_members", "update_image_members"),
    route("POST", rf"^/v2/images/{ID}/members$", "ims.add_image_member", "add_image_member"),
    route("POST", rf"^/v1/cloudimages/{ID}/file$", "ims.export_image", "export_image"),
    route("POST", rf"^/v2\.1/cloudimages/{ID}/file$", "ims.export_image", "export_image"),
    route("POST", rf"^/v1/cloudimages/{ID}/copy$", "ims.copy_image", "copy_image"),
    route("POST", rf"^/v2\.1/cloudimages/{ID}/copy$", "ims.copy_image", "copy_image"),
    route("POST", rf"^/v1/cloudimages/{ID}/cross_region_copy$", "ims.cross_region_copy_image", "copy_image"),
]
