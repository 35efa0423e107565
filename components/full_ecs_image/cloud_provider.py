"""What both dynamic providers of this package share: settings from configure(), one client per call.

configure() runs in the provider process only (never pickled: __getstate__ is empty), once, before
any verb; it reads the `huaweicloud:*` stack config (environment variables as fallback) and keeps a
settings error to report from the verbs that call the cloud (and from check(), so preview fails).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import httpx
from pulumi.dynamic import ConfigureRequest, ResourceProvider

from .client import HuaweiClient
from .errors import DEBUG_ENV, LOG, FullEcsImageError, SettingsError, for_host, unexpected
from .polling import Timing
from .settings import NAMESPACE, Settings, load_settings
from .watchdog import watch_engine

T = TypeVar("T")


PROGRESS: ContextVar[Callable[[str], None] | None] = ContextVar("progress", default=None)
"""Where the current verb's progress lines go: the plugin sets the engine's log for the resource
(plugin.py); unset, they go to stdout (the engine shows a dynamic provider's stdout, Pulumi >= 3.146)."""


def say(message: str) -> None:
    """One progress line. One write per line: verbs run on threads, and print() writes text and
    newline apart."""
    sink = PROGRESS.get()
    if sink is not None:
        sink(message)
        return
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


@contextmanager
def reported(verb: str, subject: str) -> Iterator[None]:
    """Every error leaves a verb as one line, `error <verb> <subject>: <cause>. <what to do>`;
    an unexpected one's traceback goes to the debug log only."""
    try:
        yield
    except FullEcsImageError as error:
        raise for_host(error.in_context(verb, subject)) from None
    except Exception as error:
        raise for_host(unexpected(error, verb, subject)) from None


class CloudProvider(ResourceProvider):
    """A dynamic provider that calls Huawei Cloud with the stack's settings."""

    # Set by configure() in the provider process only; class-level defaults, nothing to pickle.
    settings: Settings | None = None
    settings_error: SettingsError | None = None
    timing: Timing = Timing()
    transport: httpx.AsyncBaseTransport | None = None
    """Tests run the simulator in-process through this; None = the network."""

    def __getstate__(self) -> dict[str, Any]:
        # Pulumi pickles this object into state; what configure() added (settings with credentials)
        # belongs to the provider process only, so even a configured instance pickles empty.
        return {}

    def configure(self, req: ConfigureRequest) -> None:
        # The host reports traceback.format_exc(); with limit 0 that is our one line (errors.for_host).
        sys.tracebacklimit = 0
        watch_engine()  # this process must not outlive a killed engine
        if os.environ.get(DEBUG_ENV) and not LOG.handlers:
            LOG.addHandler(logging.StreamHandler(sys.stderr))
            LOG.setLevel(logging.DEBUG)
        try:
            self.settings = load_settings(lambda key: req.config.get(f"{NAMESPACE}:{key}"), os.environ)
            self.settings_error = None
        except SettingsError as error:
            self.settings, self.settings_error = None, error

    def _client(self, props: Mapping[str, Any], deadline: float | None = None) -> HuaweiClient:
        if self.settings is None:
            raise self.settings_error or SettingsError(
                "the provider was not configured", verb="configuring", subject="full-ECS image provider"
            )
        scoped = self.settings.scoped(region=props.get("region"), project_id=props.get("project_id"))
        return HuaweiClient(
            scoped, timing=self.timing, deadline=deadline, transport=self.transport, on_retry=say
        )

    @staticmethod
    def _run(work: Coroutine[Any, Any, T]) -> T:
        """Runs a verb's coroutine on a loop of its own, leaving the thread's current loop alone
        (the host's worker threads have none; a test's main thread may)."""
        loop = asyncio.new_event_loop()
        try:
            return loop.run_until_complete(work)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()
