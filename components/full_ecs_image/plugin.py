"""The `hwc` resource provider plugin: serves `hwc:ims:WholeImage`, one full-ECS image, to the engine.

It is a Python plugin built on Pulumi's own provider API (`pulumi.provider.experimental`, served over
grpc.aio; pulumi/pulumi#19080), not a dynamic provider: nothing is pickled into state, `pulumi import`
and `custom_timeouts` work, and verbs run concurrently without the dynamic host's 4-thread pool.

Each verb is a few lines that hand off to the same verbs the dynamic provider had (provider.py, run on
a thread of their own with their own event loop), like pulumi-command's controller:
- progress lines go to the engine's log, attached to the resource (PROGRESS in cloud_provider.py);
- an error leaves as one gRPC status line, `error <verb> <object>: <cause>. <what to do>`: the SDK's
  server appends a traceback to whatever a verb raises, so errors are answered here instead.

The engine starts `pulumi-resource-hwc <engine address>` (install.py lays it out); the plugin exits
when that engine dies (watchdog.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import json
import math
import signal
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import grpc  # type: ignore[import-untyped]
from pulumi.provider.experimental import provider as api
from pulumi.provider.experimental import server
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc, provider_pb2_grpc

from . import plan
from .cloud_provider import PROGRESS
from .construct import construct as construct_component
from .deletions import Deletions
from .errors import FullEcsImageError, unexpected
from .package_schema import COMPONENT, PACKAGE, VERSION, WHOLE_IMAGE, package_schema
from .provider import FullEcsImageProvider
from .watchdog import watch_plugin_engine
from .wire import plain_map, secret_keys, wire_map

T = TypeVar("T")
CONFIG_KEYS = (
    "region",
    "accessKey",
    "secretKey",
    "projectId",
    "endpoints",
    "securityToken",
    "insecure",
    "cacertFile",
)
"""The provider's settings: the `huaweicloud:` keys of the stack, passed by the component (component.py)."""
WORKERS = 256
"""Verbs in flight at once: far above the engine's --parallel, so the plugin never queues them."""


class EngineLog:
    """Progress lines as info diagnostics of a resource, through the engine's Log RPC."""

    def __init__(self, address: str) -> None:
        self._stub = engine_pb2_grpc.EngineStub(grpc.insecure_channel(address)) if address else None

    def sink(self, urn: str) -> Callable[[str], None]:
        def write(line: str) -> None:
            if self._stub is None:
                sys.stderr.write(line + "\n")
                return
            # An error means the engine is going away; the watchdog ends this process.
            with contextlib.suppress(grpc.RpcError):
                self._stub.Log(engine_pb2.LogRequest(severity=engine_pb2.INFO, message=line, urn=urn))

        return write


def _identity(urn: str) -> tuple[str, str, str]:
    """(project, stack, name) of a URN `urn:pulumi:<stack>::<project>::<type>::<name>`."""
    parts = urn.split("::")
    stack = parts[0].rsplit(":", 1)[-1]
    return parts[1], stack, parts[-1]


class HwcProvider(api.Provider):
    """Hands each verb of `hwc:ims:WholeImage` to FullEcsImageProvider's verb of the same name."""

    def __init__(self, engine_address: str = "", core: FullEcsImageProvider | None = None) -> None:
        self.core = core or FullEcsImageProvider()
        self.log = EngineLog(engine_address)
        self.deletions = Deletions(first=self.core.timing.poll.first, cap=self.core.timing.poll.cap)
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="hwc-verb")

    async def _verb(self, urn: str, fn: Callable[..., T], *args: Any) -> T:
        """Runs a (blocking) verb on a thread, its progress lines going to the resource's log."""
        context = contextvars.copy_context()
        context.run(PROGRESS.set, self.log.sink(urn))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(context.run, fn, *args))

    async def cancel(self) -> None:
        """The engine's Cancel before it closes the plugin: acknowledged (the engine otherwise reports the
        plugin's exit as a crash). Verbs in flight end with the process; the watchdog covers a dead engine."""

    async def get_schema(self, request: api.GetSchemaRequest) -> api.GetSchemaResponse:
        return api.GetSchemaResponse(json.dumps(package_schema()))

    async def check_config(self, request: api.CheckRequest) -> api.CheckResponse:
        return api.CheckResponse(inputs=request.new_inputs, failures=[])

    async def diff_config(self, request: api.DiffRequest) -> api.DiffResponse:
        # Region and project are inputs of each image (a change replaces it there), so a settings
        # change never replaces the provider nor, through it, every image.
        return api.DiffResponse(changes=False)

    async def configure(self, request: api.ConfigureRequest) -> api.ConfigureResponse:
        given = plain_map(request.args)
        config = {
            f"huaweicloud:{key}": str(given[key]) for key in CONFIG_KEYS if given.get(key) not in (None, "")
        }
        self.core.configure(_Configure(config))  # type: ignore[arg-type]
        # configure() shapes tracebacks for the dynamic host (limit 0); the plugin answers errors in
        # one line itself, and the SDK's stack capture of resources made by construct needs them.
        with contextlib.suppress(AttributeError):
            del sys.tracebacklimit
        return api.ConfigureResponse(accept_secrets=True, accept_resources=True, supports_preview=False)

    async def check(self, request: api.CheckRequest) -> api.CheckResponse:
        self._only(request.type)
        news = plain_map(request.new_inputs)
        result = await self._verb(request.urn, self.core.check, plain_map(request.old_inputs), news)
        failures = [api.CheckFailure(f.property, f.reason) for f in result.failures or []]
        return api.CheckResponse(wire_map(result.inputs or {}, secret_keys(request.new_inputs)), failures)

    async def diff(self, request: api.DiffRequest) -> api.DiffResponse:
        olds, news = plain_map(request.old_state), plain_map(request.new_inputs)
        decision = plan.diff_inputs(olds, news)
        detailed = {key: _property_diff(key, olds, news, replace=False) for key in decision.updates}
        detailed |= {key: _property_diff(key, olds, news, replace=True) for key in decision.replaces}
        return api.DiffResponse(
            changes=decision.changes,
            replaces=decision.replaces,
            delete_before_replace=decision.delete_before_replace,
            diffs=sorted(detailed),
            detailed_diff=detailed,
        )

    async def create(self, request: api.CreateRequest) -> api.CreateResponse:
        props = _with_timeout(plain_map(request.properties), request.timeout)
        made = await self._verb(request.urn, self.core.create, props)
        return api.CreateResponse(made.id, wire_map(made.outs or {}, secret_keys(request.properties)))

    async def read(self, request: api.ReadRequest) -> api.ReadResponse:
        props = plain_map(request.properties) or plain_map(request.inputs)
        found = await self._verb(
            request.urn, self.core.read, request.resource_id, props, _identity(request.urn)
        )
        hidden = secret_keys(request.properties) | secret_keys(request.inputs)
        return api.ReadResponse(
            found.id, wire_map(found.outs or {}, hidden), wire_map(found.inputs or {}, hidden)
        )

    async def update(self, request: api.UpdateRequest) -> api.UpdateResponse:
        news = _with_timeout(plain_map(request.news), request.timeout)
        done = await self._verb(
            request.urn, self.core.update, request.resource_id, plain_map(request.olds), news
        )
        return api.UpdateResponse(wire_map(done.outs or {}, secret_keys(request.news)))

    async def delete(self, request: api.DeleteRequest) -> None:
        props = plain_map(request.properties)
        seconds = request.timeout or self.core.timing.delete
        urn, label = request.urn, f"full-ECS image {request.resource_id} {props.get('name')!r}"

        async def start(image_id: str, recorded: dict[str, Any]) -> bool:
            return await self._verb(urn, self.core.start_deletion, image_id, recorded)

        async def listed(images: dict[str, dict[str, Any]]) -> list[str]:
            return await self._verb(urn, self.core.listed, images)

        try:
            await self.deletions.delete(request.resource_id, props, seconds, start=start, listed=listed)
        except FullEcsImageError as error:
            raise error.in_context("deleting", label) from None

    async def construct(self, request: api.ConstructRequest) -> api.ConstructResponse:
        """The component, for programs in any language (construct.py); Python programs make it in
        process from the same class."""
        if request.resource_type != COMPONENT:
            raise FullEcsImageError(
                f"the {PACKAGE} plugin constructs only {COMPONENT}, not {request.resource_type}",
                "upgrade the hwc plugin to the version of your SDK",
                verb="constructing",
                subject=request.name,
            )
        return await construct_component(request)

    @staticmethod
    def _only(qualified: str) -> None:
        type_ = qualified.rsplit("$", 1)[-1]  # a URN's type is qualified by its parents' types
        if type_ != WHOLE_IMAGE:
            raise FullEcsImageError(
                f"the {PACKAGE} plugin serves only {WHOLE_IMAGE}, not {type_}",
                "upgrade the hwc plugin to the version of your SDK",
                verb="checking",
                subject=type_,
            )


class _Configure:
    """What FullEcsImageProvider.configure reads of a dynamic ConfigureRequest: `.config`."""

    def __init__(self, config: Mapping[str, str]) -> None:
        self.config = dict(config)


def _property_diff(
    key: str, olds: Mapping[str, Any], news: Mapping[str, Any], *, replace: bool
) -> api.PropertyDiff:
    """How the engine shows one changed input: added, deleted or updated, replacing or in place."""
    kinds = api.PropertyDiffKind
    if olds.get(key) is None:
        kind = kinds.ADD_REPLACE if replace else kinds.ADD
    elif news.get(key) is None:
        kind = kinds.DELETE_REPLACE if replace else kinds.DELETE
    else:
        kind = kinds.UPDATE_REPLACE if replace else kinds.UPDATE
    return api.PropertyDiff(kind, input_diff=True)


def _with_timeout(props: dict[str, Any], timeout: float) -> dict[str, Any]:
    """custom_timeouts (seconds; 0 = not set) bound the verb's waits, in whole minutes as the IMS
    budget is kept; without them, create_timeout_minutes (or its default) does."""
    if timeout and timeout > 0:
        return props | {"create_timeout_minutes": max(1, math.ceil(timeout / 60))}
    return props


class _Servicer(server.ProviderServicer):
    """The SDK's servicer, answering errors as one line (it would append a Python traceback)."""


def _one_line(method: Callable[..., Any]) -> Callable[..., Any]:
    async def handler(self: _Servicer, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await method(self, request, context)
        except Exception as error:
            cause = error.__context__ if isinstance(error.__context__, BaseException) else error
            if isinstance(cause, NotImplementedError):
                raise
            found = (
                cause if isinstance(cause, FullEcsImageError) else unexpected(cause, "serving", WHOLE_IMAGE)
            )
            await context.abort(grpc.StatusCode.UNKNOWN, found.message)

    return handler


for _name in ("Check", "Diff", "Create", "Read", "Update", "Delete", "Configure", "GetSchema", "Construct"):
    setattr(_Servicer, _name, _one_line(getattr(server.ProviderServicer, _name)))


def main(argv: list[str] | None = None) -> None:
    """Serve the plugin: print the port, serve until the engine goes away."""
    args = sys.argv[1:] if argv is None else argv
    engine = next((a for a in args if not a.startswith("-")), "")
    if engine:
        watch_plugin_engine(engine)

    async def serve() -> None:
        grpc_server = grpc.aio.server(options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)])
        servicer = _Servicer(args, VERSION, HwcProvider(engine), engine_address=engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, grpc_server)
        port = grpc_server.add_insecure_port("127.0.0.1:0")
        await grpc_server.start()
        # The engine ends a plugin with SIGINT (then SIGKILL after 5 s): stop serving and return, so
        # the process exits quietly (anything it printed would be shown as a crash report).
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        await stopping.wait()
        await grpc_server.stop(grace=None)

    asyncio.run(serve())


if __name__ == "__main__":
    main()


__all__ = ["HwcProvider", "PropertyValue", "main"]
