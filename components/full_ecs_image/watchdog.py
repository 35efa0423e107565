"""Exit the dynamic-provider process when the Pulumi engine that started it is gone (stub: filled in by issue 10)."""

from __future__ import annotations


def watch_engine() -> None:
    """Starts (once per process) a daemon thread that ends this process when the engine dies."""
    return None
