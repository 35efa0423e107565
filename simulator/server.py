"""Serving the app with werkzeug's threaded server (shared by the CLI and the in-process fixture)."""

from __future__ import annotations

import threading

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from simulator.app import Simulator


class QuietHandler(WSGIRequestHandler):
    """No per-request access log; errors are still reported by the app on stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class ServerThread:
    def __init__(self, app: Simulator, host: str, port: int) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=QuietHandler
        )
        self.server.daemon_threads = True  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self.server.serve_forever, name="simulator", daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)
        self.app.flush()
