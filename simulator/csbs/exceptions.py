from __future__ import annotations

from simulator.errors import FlatError


class CsbsError(FlatError):
    """CSBS errors: {"error_code": "CSBS.xxxx", "error_msg"}
    (https://support.huaweicloud.com/en-us/api-csbs/en-us_topic_0071888297.html)."""


class CheckpointItemNotFoundError(CsbsError):
    status = 404

    def __init__(self, item_id: str) -> None:
        super().__init__("CSBS.3001", f"Checkpoint_item ({item_id}) is not found.")


class InvalidQueryError(CsbsError):
    def __init__(self, message: str) -> None:
        # unconfirmed: CSBS's code for a bad query parameter; CSBS.1001 is our choice.
        super().__init__("CSBS.1001", f"Invalid parameter: {message}")
