"""IMS errors: {"error": {"code": "IMG.xxxx", "message"}}
(https://support.huaweicloud.com/intl/en-us/eu-west-0-api-ims/en-us_topic_0022473689.html).

Messages follow the IMS error-code table ((OTC copy) opentelekomcloud-docs/image-management-service
api-ref/source/error_codes.rst) and add the offending value so a caller can act on them.
"""

from __future__ import annotations

from simulator.errors import NestedError


class ImsError(NestedError):
    pass


class MalformedRequestError(ImsError):
    def __init__(self, reason: str) -> None:
        super().__init__("IMG.0001", f"The request message format is invalid: {reason}.")


class EmptyBodyError(ImsError):
    def __init__(self) -> None:
        super().__init__("IMG.0007", "The request body is empty.")


class ImageNotFoundError(ImsError):
    status = 404

    def __init__(self, image_id: str) -> None:
        # Glance-style 404 for an unknown image id; IMG.0144 is the table's "image does not exist".
        super().__init__("IMG.0144", f"The image does not exist: {image_id}.")


class JobNotFoundError(ImsError):
    status = 404

    def __init__(self, job_id: str) -> None:
        # unconfirmed: IMS's 404 body for an unknown job id.
        super().__init__("IMG.0144", f"The job does not exist: {job_id}.")


class NameMissingError(ImsError):
    def __init__(self) -> None:
        super().__init__("IMG.0013", "The image name is not specified.")


class NameTooLongError(ImsError):
    def __init__(self, length: int) -> None:
        super().__init__("IMG.0002", f"The image name contains more than 128 characters ({length}).")


class NameInvalidError(ImsError):
    def __init__(self, name: str) -> None:
        super().__init__(
            "IMG.0003",
            f"The image name format is invalid: '{name}' (use letters, digits, spaces, '-', '.', '_'; "
            "no leading or trailing space).",
        )


class DescriptionInvalidError(ImsError):
    def __init__(self, reason: str) -> None:
        super().__init__("IMG.0004", f"The description is invalid: {reason}.")


class BackupIdMissingError(ImsError):
    def __init__(self) -> None:
        super().__init__("IMG.0019", "The backup ID is not specified.")


class BackupNotFoundError(ImsError):
    def __init__(self, backup_id: str) -> None:
        super().__init__("IMG.0020", f"The backup does not exist: {backup_id}.")


class CsbsBackupNotFoundError(ImsError):
    def __init__(self, backup_id: str) -> None:
        super().__init__("IMG.0127", f"The CSBS backup does not exist: {backup_id}.")


class BackupTypeMismatchError(ImsError):
    def __init__(self, backup_id: str, whole_image_type: str) -> None:
        super().__init__(
            "IMG.0198",
            f"The backup ID does not match whole_image_type {whole_image_type}: {backup_id}.",
        )


class BackupUnavailableError(ImsError):
    def __init__(self, backup_id: str, status: str) -> None:
        super().__init__("IMG.0032", f"The backup is unavailable: {backup_id} is {status}.")


class CsbsBackupUnavailableError(ImsError):
    def __init__(self, backup_id: str, reason: str) -> None:
        super().__init__(
            "IMG.0132",
            f"The CSBS backup in the current state cannot be used to create a full-ECS image: "
            f"{backup_id} {reason}.",
        )


class NotWholeServerBackupError(ImsError):
    def __init__(self, backup_id: str) -> None:
        super().__init__(
            "IMG.0033",
            f"The backup does not contain a system disk backup, so it is not a whole-server backup: "
            f"{backup_id}.",
        )


class BackupAlreadyUsedError(ImsError):
    def __init__(self, backup_id: str, image_id: str) -> None:
        super().__init__(
            "IMG.0029", f"The backup has already been used to create image {image_id}: {backup_id}."
        )


class CsbsBackupAlreadyUsedError(ImsError):
    def __init__(self, backup_id: str, image_id: str) -> None:
        super().__init__(
            "IMG.0134",
            f"The CSBS backup has been registered as an image ({image_id}): {backup_id}. "
            "A CSBS backup can be used to create only one full-ECS image.",
        )


class TagQuotaExceededError(ImsError):
    def __init__(self, count: int) -> None:
        super().__init__(
            "IMG.0116", f"The number of image tags has reached the maximum allowed: {count} > 10."
        )


class AttributeConflictError(ImsError):
    def __init__(self, path: str) -> None:
        super().__init__(
            "IMG.0035",
            f"Attribute conflict: the image has no '{path.lstrip('/')}' to replace; use op 'add'.",
        )


class ImageNotActiveError(ImsError):
    def __init__(self, image_id: str, status: str) -> None:
        # unconfirmed: the code for "image not in a state that allows this"; IMG.0027 is our choice.
        super().__init__("IMG.0027", f"The image status is invalid: {image_id} is {status}, not active.")


class ShareRefusedError(ImsError):
    def __init__(self, image_id: str) -> None:
        super().__init__(
            "IMG.0135",
            f"The full-ECS image cannot be shared: {image_id} was created from a CSBS backup "
            "(only full-ECS images created from CBR backups can be shared).",
        )


class ExportRefusedError(ImsError):
    def __init__(self, image_id: str) -> None:
        super().__init__("IMG.0128", f"The full-ECS image cannot be exported: {image_id}.")


class CopyRefusedError(ImsError):
    def __init__(self, image_id: str) -> None:
        super().__init__("IMG.0130", f"The full-ECS image cannot be exported or replicated: {image_id}.")


class VaultRequiredError(ImsError):
    def __init__(self, image_id: str) -> None:
        # vault_id "is mandatory if you want to accept a shared full-ECS image created from a CBR backup"
        # (https://support.huaweicloud.com/intl/en-us/api-ims/ims_03_0625.html); unconfirmed: the code.
        super().__init__(
            "IMG.0001",
            "The request message format is invalid: vault_id is required to accept full-ECS image "
            f"{image_id} made from a CBR backup.",
        )


class VaultNotFoundError(ImsError):
    status = 404

    def __init__(self, vault_id: str) -> None:
        # unconfirmed: the code IMS answers for a vault that is not the caller's CBR vault.
        super().__init__("IMG.0144", f"The vault does not exist in this project: {vault_id}.")
