from __future__ import annotations

from simulator.errors import NestedError


class EcsError(NestedError):
    """ECS errors: {"error": {"code": "Ecs.xxxx", "message"}} (reference §3)."""


class ServerNotFoundError(EcsError):
    status = 404

    def __init__(self, server_id: str) -> None:
        # Ecs.0114 for an unknown server: (OTC copy) appendix/error_codes.rst, per reference §3.1.
        super().__init__("Ecs.0114", f"Instance[{server_id}] could not be found.")


class InvalidParameterError(EcsError):
    def __init__(self, message: str) -> None:
        super().__init__("Ecs.0005", f"Invalid parameter: {message}")
