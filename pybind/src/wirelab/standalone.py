"""A drop-in for pywebsocket's standalone.py, on wirelab's engine.

::

    python -m wirelab.standalone -p 9998 -w ../example/ [-d DOCROOT] [-H HOST]

serves every handler file ``*_wsh.py`` under the -w directory at the path
its name gives (``echo_wsh.py`` → ``/echo``, ``chat/room_wsh.py`` →
``/chat/room``), with pywebsocket's handler contract:

* ``web_socket_do_extra_handshake(request)`` runs before the 101; raising
  refuses the connection with 403. It may set ``request.ws_protocol`` to one
  of ``request.ws_requested_protocols``.
* ``web_socket_transfer_data(request)`` runs the connection, through
  ``request.ws_stream.receive_message()`` (str for text, bytes for binary,
  None once the client closed), ``send_message(msg, binary=False)`` and
  ``close_connection()``.

The request also carries ``ws_resource`` (path and query), ``ws_origin``,
``ws_protocol``, ``ws_requested_protocols`` and ``headers_in``. With -d,
plain HTTP GETs get files from DOCROOT, so a page and its WebSocket share
an origin. The HTTP server, the handshake and the frames run in Go.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import sys
import threading
from types import ModuleType
from typing import Callable, Dict, List, Optional, Union

from . import _ext
from .connection import ServerConnection
from .exceptions import ConnectionClosed, ConnectionClosedError, ConnectionClosedOK
from .http import Request
from .server import Server, _pending_request, listen, offered_subprotocols, reject

__all__ = ["main", "load_handlers", "HandlerRequest", "Stream", "ConnectionTerminatedException"]

log = logging.getLogger("wirelab.standalone")

#: What pywebsocket raises when the connection drops mid-message.
ConnectionTerminatedException = ConnectionClosedError

SUFFIX = "_wsh.py"


def load_handlers(root: str) -> Dict[str, ModuleType]:
    """Load every *_wsh.py under root, keyed by resource path."""
    handlers: Dict[str, ModuleType] = {}
    root = os.path.abspath(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(SUFFIX):
                continue
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)[: -len(SUFFIX)].replace(os.sep, "/")
            spec = importlib.util.spec_from_file_location(f"_wirelab_wsh_{len(handlers)}", full)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            if not hasattr(module, "web_socket_transfer_data"):
                log.warning("%s has no web_socket_transfer_data; skipped", full)
                continue
            handlers["/" + rel] = module
    return handlers


class Stream:
    """request.ws_stream: pywebsocket's message API over a wirelab connection."""

    def __init__(self, conn: ServerConnection) -> None:
        self._conn = conn
        self._parts: List[bytes] = []
        self._parts_binary = False
        self._closed = False

    def receive_message(self) -> Union[str, bytes, None]:
        """The next message: str for text, bytes for binary, None once the
        client closed the connection normally."""
        if self._closed:
            return None
        try:
            return self._conn.recv()
        except ConnectionClosedOK:
            self._closed = True
            return None

    def send_message(self, message: Union[str, bytes], end: bool = True, binary: bool = False) -> None:
        """Send a message: text unless binary=True. With end=False the parts
        are held and sent as one message when a call with end=True comes."""
        if binary and isinstance(message, str):
            raise ValueError("a binary message must be bytes, not str")
        data = message.encode("utf-8") if isinstance(message, str) else bytes(message)
        if not end:
            self._parts.append(data)
            self._parts_binary = binary
            return
        if self._parts:
            data = b"".join(self._parts) + data
            self._parts = []
        if binary:
            self._conn.send(data)
        else:
            self._conn.send(data.decode("utf-8"))

    def send_ping(self, body: Union[str, bytes] = b"") -> None:
        self._conn.ping(body)

    def close_connection(self, code: int = 1000, reason: str = "") -> None:
        """Run the closing handshake."""
        self._closed = True
        self._conn.close(code, reason)


class HandlerRequest:
    """The request object handed to *_wsh.py functions."""

    def __init__(self, request: Request) -> None:
        self.ws_resource = request.target
        self.uri = request.path
        self.unparsed_uri = request.target
        self.method = request.method
        self.headers_in: Dict[str, str] = {}
        for name, value in request.headers.items():
            self.headers_in.setdefault(name, value)
        self.headers = request.headers
        origin = request.headers.get("Origin")
        self.ws_origin: Optional[str] = origin
        protos = offered_subprotocols(request.headers)
        self.ws_requested_protocols: Optional[List[str]] = protos or None
        self.ws_protocol: Optional[str] = None
        self.ws_version = 13
        self.ws_stream: Optional[Stream] = None
        self.connection: Optional[ServerConnection] = None


def make_decide(handlers: Dict[str, ModuleType]) -> "Callable[[_ext.core.Pending], None]":
    def decide(pending: "_ext.core.Pending") -> None:
        request = _pending_request(pending)
        module = handlers.get(request.path)
        if module is None:
            reject(pending, 404, f"404 Not Found: no handler for {request.path}\n")
            return
        hreq = HandlerRequest(request)
        extra = getattr(module, "web_socket_do_extra_handshake", None)
        if extra is not None:
            try:
                extra(hreq)
            except Exception as e:  # pywebsocket: any exception refuses the handshake
                log.info("%s: extra handshake refused: %r", request.path, e)
                reject(pending, 403, f"403 Forbidden: {e}\n")
                return
        try:
            conn = pending.Accept(hreq.ws_protocol or "")
        except RuntimeError as e:
            log.info("%s: handshake failed: %s", request.path, _ext.translate(e))
            return
        ws = ServerConnection(conn, request, None)
        hreq.connection = ws
        hreq.ws_stream = Stream(ws)
        try:
            module.web_socket_transfer_data(hreq)
        except ConnectionClosed:
            return
        except Exception:
            log.exception("%s: web_socket_transfer_data raised; closing with 1011", request.path)
            try:
                ws.close(1011, "handler error")
            except Exception:
                pass
            return
        try:
            ws.close()
        except ConnectionClosed:
            pass

    return decide


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m wirelab.standalone",
        description="Serve pywebsocket-style *_wsh.py handlers with wirelab's engine.",
    )
    p.add_argument("-p", "--port", type=int, default=80, help="port to listen on (default 80)")
    p.add_argument("-H", "--server-host", "--server_host", dest="host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1)")
    p.add_argument("-w", "--websock-handlers", "--websock_handlers", dest="handlers", default=".",
                   help="directory holding *_wsh.py handlers")
    p.add_argument("-d", "--document-root", "--document_root", dest="docroot", default=None,
                   help="serve files from this directory to plain HTTP requests")
    p.add_argument("--log-level", "--log_level", dest="log_level", default="warning",
                   choices=["debug", "info", "warning", "error", "critical"])
    args = p.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s")

    handlers = load_handlers(args.handlers)
    try:
        srv = listen(args.host, args.port, args.docroot or "", _ext.options())
    except (OSError, ValueError) as e:
        print(f"wirelab.standalone: {e}", file=sys.stderr)
        return 1
    server = Server(srv, make_decide(handlers))
    paths = ", ".join(sorted(handlers)) or "none"
    print(f"wirelab.standalone: serving ws://{args.host}:{server.port} handlers: {paths}", file=sys.stderr, flush=True)

    def stop(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
