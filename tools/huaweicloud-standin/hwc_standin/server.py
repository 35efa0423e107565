"""STAND-IN pulumi-resource-huaweicloud gRPC server (tests/demo only; NOT the real provider).

Implements pulumi's ResourceProvider service (`pulumi.runtime.proto.provider_pb2_grpc`) directly: the
engine starts the plugin with its own address as the last argument, reads the port from the first stdout
line, and calls GetPluginInfo, CheckConfig, DiffConfig, Configure, Check, Diff, Create, Read, Update,
Delete and Cancel. The plugin exits when the engine's address stops answering.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from concurrent import futures
from typing import Any, NoReturn

import grpc  # type: ignore[import-untyped]
from google.protobuf import empty_pb2, json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi.runtime.proto import plugin_pb2, provider_pb2, provider_pb2_grpc
from typing_extensions import override

from hwc_standin import (
    BANNER,
    PLUGIN_INFO_VERSION,
    VERSION,
    image_share,
    image_share_accepter,
    instance,
    schema,
)
from hwc_standin.api import ApiError, CancelledError, Client, Settings


def to_dict(value: struct_pb2.Struct) -> dict[str, Any]:
    result: dict[str, Any] = schema.normalize(json_format.MessageToDict(value))
    return result


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update({k: v for k, v in value.items() if v is not None})
    return out


def type_of(request: Any) -> str:
    """The resource type token: the request's `type`, else the last URN segment's type."""
    if getattr(request, "type", ""):
        return str(request.type)
    return str(request.urn).split("::")[2].split("$")[-1] if request.urn.count("::") >= 3 else ""


class Provider(provider_pb2_grpc.ResourceProviderServicer):
    """The two resources this project uses, served with pulumi-huaweicloud 0.0.12's property names."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.settings = Settings.from_config({})
        poll = float(os.environ.get("HWC_STANDIN_POLL_SECONDS", "0.5"))
        self.client = Client(self.settings, self.cancelled, poll_seconds=poll)

    # -- plugin and provider configuration ---------------------------------------------------------------

    @override
    def GetPluginInfo(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=PLUGIN_INFO_VERSION)

    @override
    def GetSchema(
        self, request: provider_pb2.GetSchemaRequest, context: grpc.ServicerContext
    ) -> provider_pb2.GetSchemaResponse:
        # Minimal: the SDK package carries the real schema; the name says what this plugin is.
        return provider_pb2.GetSchemaResponse(
            schema='{"name":"huaweicloud","version":"' + VERSION + '","description":"' + BANNER + '"}'
        )

    @override
    def CheckConfig(
        self, request: provider_pb2.CheckRequest, context: grpc.ServicerContext
    ) -> provider_pb2.CheckResponse:
        return provider_pb2.CheckResponse(inputs=request.news)

    @override
    def DiffConfig(
        self, request: provider_pb2.DiffRequest, context: grpc.ServicerContext
    ) -> provider_pb2.DiffResponse:
        olds, news = to_dict(request.old_inputs or request.olds), to_dict(request.news)
        changed = sorted(k for k in set(olds) | set(news) if olds.get(k) != news.get(k))
        kind = provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE
        return provider_pb2.DiffResponse(changes=kind, diffs=changed)

    @override
    def Configure(
        self, request: provider_pb2.ConfigureRequest, context: grpc.ServicerContext
    ) -> provider_pb2.ConfigureResponse:
        args = to_dict(request.args)
        prefix = "huaweicloud:config:"
        for key, value in request.variables.items():  # older engines send only `variables`
            if key.startswith(prefix):
                args.setdefault(key[len(prefix) :], value)
        self.settings = Settings.from_config(args)
        self.client.settings = self.settings
        return provider_pb2.ConfigureResponse(acceptSecrets=False, supportsPreview=True)

    @override
    def Cancel(self, request: empty_pb2.Empty, context: grpc.ServicerContext) -> empty_pb2.Empty:
        self.cancelled.set()
        return empty_pb2.Empty()

    # -- resources ---------------------------------------------------------------------------------------

    @override
    def Check(
        self, request: provider_pb2.CheckRequest, context: grpc.ServicerContext
    ) -> provider_pb2.CheckResponse:
        news = to_dict(request.news)
        failures = [
            provider_pb2.CheckFailure(property=name, reason=reason)
            for name, reason in schema.check_names(type_of(request), news)
        ]
        return provider_pb2.CheckResponse(inputs=request.news, failures=failures)

    @override
    def Diff(
        self, request: provider_pb2.DiffRequest, context: grpc.ServicerContext
    ) -> provider_pb2.DiffResponse:
        olds = to_dict(request.old_inputs) if request.HasField("old_inputs") else to_dict(request.olds)
        changed, replaces = schema.diff(type_of(request), olds, to_dict(request.news))
        kind = provider_pb2.DiffResponse.DIFF_SOME if changed else provider_pb2.DiffResponse.DIFF_NONE
        return provider_pb2.DiffResponse(changes=kind, diffs=changed, replaces=replaces)

    @override
    def Create(
        self, request: provider_pb2.CreateRequest, context: grpc.ServicerContext
    ) -> provider_pb2.CreateResponse:
        token, inputs = type_of(request), to_dict(request.properties)
        if request.preview:
            preview = instance.computed_unknowns(inputs) if token == schema.INSTANCE else inputs
            return provider_pb2.CreateResponse(id="", properties=to_struct(preview))
        if token == schema.INSTANCE:
            new_id, outputs = self._run(context, instance.create, self.client, inputs)
        elif token == schema.ACCEPTER:
            new_id, outputs = self._run(context, image_share_accepter.create, self.client, inputs)
        else:
            new_id, outputs = self._run(context, image_share.create, self.client, inputs)
        return provider_pb2.CreateResponse(id=new_id, properties=to_struct(outputs))

    @override
    def Read(
        self, request: provider_pb2.ReadRequest, context: grpc.ServicerContext
    ) -> provider_pb2.ReadResponse:
        token, inputs = type_of(request), to_dict(request.inputs)
        if token == schema.INSTANCE:
            outputs = self._run(context, instance.read, self.client, request.id, inputs)
        elif token == schema.ACCEPTER:
            props = to_dict(request.properties)
            outputs = self._run(context, image_share_accepter.read, self.client, request.id, props)
        else:  # resourceImsImageShareRead does nothing: the state stays as it is
            outputs = to_dict(request.properties)
        if outputs is None:
            return provider_pb2.ReadResponse(id="")
        return provider_pb2.ReadResponse(id=request.id, properties=to_struct(outputs), inputs=request.inputs)

    @override
    def Update(
        self, request: provider_pb2.UpdateRequest, context: grpc.ServicerContext
    ) -> provider_pb2.UpdateResponse:
        token, news = type_of(request), to_dict(request.news)
        olds = to_dict(request.old_inputs) if request.HasField("old_inputs") else to_dict(request.olds)
        if request.preview:
            return provider_pb2.UpdateResponse(properties=to_struct({**to_dict(request.olds), **news}))
        if token == schema.INSTANCE:
            changed, _ = schema.diff(token, olds, news)
            outputs = self._run(context, instance.update, self.client, request.id, olds, news, changed)
        else:
            outputs = self._run(context, image_share.update, self.client, request.id, olds, news)
        return provider_pb2.UpdateResponse(properties=to_struct(outputs))

    @override
    def Delete(self, request: provider_pb2.DeleteRequest, context: grpc.ServicerContext) -> empty_pb2.Empty:
        token = type_of(request)
        modules = {schema.INSTANCE: instance, schema.ACCEPTER: image_share_accepter}
        module: Any = modules.get(token, image_share)
        self._run(context, module.delete, self.client, request.id, to_dict(request.properties))
        return empty_pb2.Empty()

    def _run(self, context: grpc.ServicerContext, fn: Any, *args: Any) -> Any:
        """Call fn; an API error or a cancel becomes the RPC's error message."""
        try:
            return fn(*args)
        except (ApiError, CancelledError) as error:
            _abort(context, f"{error} [{BANNER}]")


def _abort(context: grpc.ServicerContext, message: str) -> NoReturn:
    context.abort(grpc.StatusCode.UNKNOWN, message)
    raise AssertionError("unreachable")  # context.abort raises


def _engine_address(argv: list[str]) -> str:
    """The engine passes flags (--logtostderr, -v=N, --tracing X) before its address, the last argument."""
    positional = [a for a in argv if not a.startswith("-")]
    return positional[-1] if positional else ""


def _watch_engine(address: str, server: grpc.Server, interval: float = 0.5, misses: int = 3) -> None:
    """End the process once the engine's address refuses connections `misses` times in a row (within
    about 2 s), also while a call still waits for an ECS job: nobody is left to answer."""
    host, _, port = address.rpartition(":")
    failed = 0
    while failed < misses:
        time.sleep(interval)
        try:
            with socket.create_connection((host or "127.0.0.1", int(port)), timeout=2.0):
                failed = 0
        except OSError:
            failed += 1
    server.stop(grace=0)
    os._exit(0)


def main() -> None:
    address = _engine_address(sys.argv[1:])
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[("grpc.max_receive_message_length", 400 * 1024 * 1024)],
    )
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(Provider(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)  # the engine reads the port from the first stdout line
    print(BANNER, file=sys.stderr, flush=True)
    if address and ":" in address:
        threading.Thread(target=_watch_engine, args=(address, server), daemon=True).start()
    server.wait_for_termination()
