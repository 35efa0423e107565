from __future__ import annotations

from simulator.errors import FlatError


class CbrError(FlatError):
    """CBR errors: flat {"error_code", "error_msg"} (CBR API reference, BackupService.xxxx codes)."""


class BackupNotFoundError(CbrError):
    status = 404

    def __init__(self, backup_id: str) -> None:
        # unconfirmed: the exact CBR not-found code; BackupService.6001 is our choice.
        super().__init__("BackupService.6001", f"Backup {backup_id} does not exist.")


class InvalidQueryError(CbrError):
    def __init__(self, message: str) -> None:
        super().__init__("BackupService.0001", f"Invalid parameter: {message}")
