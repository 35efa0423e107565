from __future__ import annotations

from simulator.errors import NestedError


class EvsError(NestedError):
    """EVS errors: {"error": {"code", "message"}} (reference §4)."""


class VolumeNotFoundError(EvsError):
    status = 404

    def __init__(self, volume_id: str) -> None:
        # unconfirmed: the code of EVS's 404 (reference §4 "Still unconfirmed"); EVS.5404 is our choice.
        super().__init__("EVS.5404", f"Volume {volume_id} could not be found.")
