from __future__ import annotations

from simulator.errors import NestedError


class EcsError(NestedError):
    """ECS errors: {"error": {"code": "Ecs.xxxx", "message"}}
    (https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html)."""


class ServerNotFoundError(EcsError):
    status = 404

    def __init__(self, server_id: str) -> None:
        # Ecs.0114 for an unknown server (OTC copy):
        # https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html
        super().__init__("Ecs.0114", f"Instance[{server_id}] could not be found.")


class InvalidParameterError(EcsError):
    def __init__(self, message: str) -> None:
        super().__init__("Ecs.0005", f"Invalid parameter: {message}")


class ServerStateError(EcsError):
    status = 409

    def __init__(self, server_id: str, status: str, what: str, needed: str) -> None:
        # unconfirmed: ECS's code for an action refused in the server's current state; Ecs.0111 and
        # HTTP 409 are our choice (not in the reference).
        super().__init__(
            "Ecs.0111", f"Cannot {what} server {server_id} while it is {status}; it must be {needed}."
        )


class ImageNotFoundError(EcsError):
    def __init__(self, image_id: str) -> None:
        # Ecs.0031 "image does not exist":
        # https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html
        super().__init__("Ecs.0031", f"The image {image_id} does not exist.")


class ImageNotActiveError(EcsError):
    def __init__(self, image_id: str, status: str) -> None:
        # Ecs.0032 "image not active":
        # https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html
        super().__init__("Ecs.0032", f"The image {image_id} is {status}, not active.")


class ImageBackupMissingError(EcsError):
    def __init__(self, image_id: str, backup_id: str) -> None:
        # Ecs.0034 "full-ECS backup missing or deleted":
        # https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html
        super().__init__(
            "Ecs.0034", f"The backup {backup_id} of full-ECS image {image_id} does not exist or was deleted."
        )


class ImageUnusableError(EcsError):
    def __init__(self, image_id: str, backup_id: str, status: str) -> None:
        # Ecs.0048 "full-ECS image not usable" (its backup must be available or creating):
        # https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html
        super().__init__(
            "Ecs.0048",
            f"The full-ECS image {image_id} cannot be used: its backup {backup_id} is {status}, "
            "not available.",
        )


class DataDiskTypeMismatchError(EcsError):
    def __init__(self, snapshot_id: str, reason: str) -> None:
        # Ecs.0046 "data-disk type mismatch with the image":
        # https://docs.otc.t-systems.com/elastic-cloud-server/api-ref/appendix/error_codes.html
        super().__init__(
            "Ecs.0046", f"The data disk for snapshotId {snapshot_id} does not match the image: {reason}."
        )
