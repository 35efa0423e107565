from __future__ import annotations

from simulator.errors import NestedError


class EvsError(NestedError):
    """EVS errors: {"error": {"code", "message"}}
    (https://support.huaweicloud.com/intl/id-id/api-evs/evs_04_2007.html)."""


class VolumeNotFoundError(EvsError):
    status = 404

    def __init__(self, volume_id: str) -> None:
        # unconfirmed: the code of EVS's 404 (not documented in
        # https://support.huaweicloud.com/intl/id-id/api-evs/evs_04_2007.html); EVS.5404 is our choice.
        super().__init__("EVS.5404", f"Volume {volume_id} could not be found.")
