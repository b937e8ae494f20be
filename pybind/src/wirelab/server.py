"""serve(): a sync WebSocket server in the style of websockets.sync.server.

The TCP listener, HTTP parsing and the handshake run in Go (httpcore and
websocket's Upgrader). Python runs the accept loop: serve_forever() takes
each handshake request from Go, and a thread per connection decides it
(origin, subprotocol), then runs the handler.
"""

from __future__ import annotations

import logging
import os
import socket as _socket
import ssl as _ssl
import threading
from http import HTTPStatus
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

from . import _ext
from .connection import Response, ServerConnection
from .exceptions import ConnectionClosed
from .http import Headers, Request

__all__ = ["Server", "serve"]

log = logging.getLogger("wirelab.server")


def _pending_request(pending: "_ext.core.Pending") -> Request:
    strings, _ = _ext.unpack(bytes(pending.Request()))
    method, target, version, host = strings[:4]
    flat = strings[4:]
    return Request(method, target, version, host, Headers(list(zip(flat[0::2], flat[1::2]))))


class Server:
    """A running server. Use it as a context manager, call serve_forever(),
    and shutdown() from another thread (or a handler) to stop it."""

    def __init__(self, go_server: "_ext.core.Server", decide: Callable[["_ext.core.Pending"], None]) -> None:
        self._srv = go_server
        self._decide = decide
        self._threads: "set[threading.Thread]" = set()
        self._lock = threading.Lock()
        self.port: int = go_server.Port()
        host, _, _ = go_server.Addr().rpartition(":")
        self.host: str = host.strip("[]")
        self._socket: Optional[_socket.socket] = None

    @property
    def socket(self) -> _socket.socket:
        """The listening socket, as websockets' ``server.socket`` (a
        duplicate of the one Go accepts on: ``getsockname()`` and socket
        options work; accepting on it would steal Go's connections)."""
        if self._socket is None:
            try:
                fd = self._srv.Fd()
            except RuntimeError as e:
                raise _ext.translate(e) from None
            self._socket = _socket.socket(fileno=fd)
        return self._socket

    def serve_forever(self) -> None:
        """Accept connections until shutdown(); each runs in its own thread."""
        while True:
            try:
                # Come back to Python every SLICE_MS so Ctrl-C and signal
                # handlers run: they cannot while a thread waits in Go.
                # A slice that ends empty is no error (handle -1: nil).
                pending = self._srv.AcceptWithin(_ext.SLICE_MS)
            except RuntimeError as e:
                err = _ext.translate(e)
            else:
                if pending.handle != -1:
                    self._start(pending)
                continue
            if isinstance(err, ConnectionClosed):
                return
            raise err

    def _start(self, pending: "_ext.core.Pending") -> None:
        t = threading.Thread(target=self._run, args=(pending,), daemon=True, name="wirelab-conn")
        with self._lock:
            self._threads.add(t)
        t.start()

    def _run(self, pending: "_ext.core.Pending") -> None:
        try:
            self._decide(pending)
        except Exception:
            log.exception("wirelab: connection handler failed")
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())

    def shutdown(self) -> None:
        """Stop accepting and close open connections with 1001 (going away),
        waiting up to ``close_timeout`` for their closing handshakes."""
        self._srv.Shutdown()
        if self._socket is not None:
            self._socket.close()
        while self._srv.WaitClosed(_ext.SLICE_MS) != 1:
            pass  # in slices: Ctrl-C gets through

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def listen(
    host: str, port: int, document_root: str, opts: "_ext.core.Options", tls: "Optional[_ext.core.TLS]" = None
) -> "_ext.core.Server":
    """Start the Go listener, raising OSError (say, the port is taken)."""
    try:
        if tls is None:  # gopy passes no None for a pointer
            return _ext.core.Listen(host, port, document_root, opts)
        return _ext.core.ListenTLS(host, port, document_root, opts, tls)
    except RuntimeError as e:
        err = _ext.translate(e)
    raise err


def server_tls(ssl: Any) -> "Optional[_ext.core.TLS]":
    """The Go TLS configuration for serve's ``ssl`` option."""
    if ssl is None:
        return None
    if isinstance(ssl, _ssl.SSLContext):
        raise TypeError(
            "wirelab's server runs TLS in Go and cannot read the key out of an ssl.SSLContext: "
            "pass ssl=(certfile, keyfile) instead, the files you gave load_cert_chain "
            "(`wirelab https ca --leaf` writes a pair signed by the development CA)"
        )
    if isinstance(ssl, (str, os.PathLike)):
        cert, key = os.fspath(ssl), ""
    elif isinstance(ssl, tuple) and len(ssl) == 2 and all(isinstance(x, (str, os.PathLike)) for x in ssl):
        cert, key = os.fspath(ssl[0]), os.fspath(ssl[1])
    else:
        raise TypeError(f"ssl must be (certfile, keyfile) or one PEM file holding both, not {ssl!r}")
    try:
        return _ext.core.ServerTLSFiles(cert, key)
    except RuntimeError as e:
        raise _ext.translate(e) from None


class Handshake:
    """What process_request gets as its first argument, in place of
    websockets' ServerConnection before the handshake: ``request`` and
    ``respond(status, text)``, which builds a Response to return."""

    def __init__(self, request: Request) -> None:
        self.request = request

    def respond(self, status: int, text: str) -> Response:
        """A plain-text response (status, then text), as websockets'
        ServerConnection.respond builds it."""
        body = text.encode("utf-8")
        headers = Headers([("Content-Type", "text/plain; charset=utf-8")])
        try:
            phrase = HTTPStatus(int(status)).phrase
        except ValueError:
            phrase = ""
        return Response(int(status), headers, body, phrase)


def _send_response(pending: "_ext.core.Pending", response: Any) -> None:
    """Answer with process_request's result: a wirelab Response, a
    websockets Response (status_code, headers, body), or the legacy tuple
    (status, headers, body)."""
    if isinstance(response, tuple):
        status, headers, body = response
    else:
        status = getattr(response, "status_code", None) or getattr(response, "status")
        headers, body = response.headers, response.body
    fields: List[Tuple[str, str]] = []
    items = headers.raw_items() if hasattr(headers, "raw_items") else (
        headers.items() if hasattr(headers, "items") else headers or ())
    for name, value in items:
        if name.lower() not in ("content-length", "connection", "transfer-encoding"):
            fields.append((str(name), str(value)))
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
    try:
        pending.Respond(int(status), _ext.go_bytes(_ext.pack_fields(fields)), _ext.go_bytes(data))
    except RuntimeError as e:
        raise _ext.translate(e) from None


def select_subprotocol(offered: Sequence[str], supported: Optional[Sequence[str]]) -> str:
    """The server's first preference that the client offered, or ""."""
    for s in supported or ():
        if s in offered:
            return s
    return ""


def offered_subprotocols(headers: Headers) -> "list[str]":
    out: "list[str]" = []
    for v in headers.get_all("Sec-WebSocket-Protocol"):
        out.extend(t.strip() for t in v.split(",") if t.strip())
    return out


def reject(pending: "_ext.core.Pending", status: int, text: str) -> None:
    try:
        pending.Reject(status, _ext.go_bytes(text.encode("utf-8")))
    except RuntimeError as e:
        log.info("wirelab: refusing a handshake failed: %s", _ext.translate(e))


def serve(
    handler: Callable[[ServerConnection], None],
    host: Optional[str] = "127.0.0.1",
    port: Optional[int] = None,
    *,
    subprotocols: Optional[Sequence[str]] = None,
    origins: Optional[Sequence[Optional[str]]] = None,
    document_root: Optional[str] = None,
    ping_interval: Optional[float] = 20,
    ping_timeout: Optional[float] = 20,
    close_timeout: Optional[float] = 10,
    max_size: Optional[int] = 2**20,
    max_queue: Union[None, int, Tuple[Optional[int], Optional[int]]] = 16,
    ssl: Any = None,
    process_request: Optional[Callable[[Handshake, Request], Any]] = None,
) -> Server:
    """Create a WebSocket server on host:port (port 0 or None: a free one,
    see Server.port) that runs ``handler(connection)`` in a thread for each
    connection, then closes it (1000, or 1011 if the handler raised).

    ``subprotocols`` lists the ones the server speaks, in preference order.
    ``origins`` limits browsers to those Origin values (include None to
    accept clients that send none); by default any origin is accepted.
    ``document_root`` serves files to plain HTTP GETs.

    The options have websockets' names and defaults: a ping every
    ``ping_interval`` seconds, the connection failed with 1011 when its
    pong is ``ping_timeout`` seconds late; ``close_timeout`` for the
    closing handshake; incoming messages of at most ``max_size`` bytes,
    ``max_queue`` of them held until recv() takes them. None turns each
    off. Go runs the keepalive, so a handler that only sends stays alive.

    ``ssl`` serves wss:// with TLS in Go: ``(certfile, keyfile)`` PEM files
    (or one file holding both), such as the pair ``wirelab https ca --leaf``
    writes, signed by the development CA. An ``ssl.SSLContext`` is refused
    with a TypeError: Python gives no way to read its key back.

    ``process_request(connection, request)`` runs before the handshake, as
    websockets' new-style hook: ``connection.respond(status, text)`` builds
    a response; returning one (or a websockets Response, or a tuple
    (status, headers, body)) answers with it instead of the 101; returning
    None goes on with the handshake. ``server.socket`` is the listening
    socket.
    """
    _ext.check_gevent()
    opts = _ext.options(ping_interval, ping_timeout, close_timeout, max_size, max_queue)
    tls = server_tls(ssl)
    srv = listen(host or "127.0.0.1", int(port or 0), document_root or "", opts, tls)

    def decide(pending: "_ext.core.Pending") -> None:
        request = _pending_request(pending)
        if process_request is not None:
            try:
                response = process_request(Handshake(request), request)
            except Exception:
                log.exception("wirelab: process_request raised; answering 500")
                reject(pending, 500, "500 Internal Server Error: process_request raised\n")
                return
            if response is not None:
                _send_response(pending, response)
                return
        if origins is not None and request.headers.get("Origin") not in origins:
            reject(pending, 403, f"403 Forbidden: Origin {request.headers.get('Origin')!r} is not allowed\n")
            return
        proto = select_subprotocol(offered_subprotocols(request.headers), subprotocols)
        try:
            conn = pending.Accept(proto)
        except RuntimeError as e:
            log.info("wirelab: handshake failed: %s", _ext.translate(e))
            return
        ws = ServerConnection(conn, request, None)
        try:
            handler(ws)
        except ConnectionClosed:
            pass
        except Exception:
            log.exception("wirelab: handler raised; closing with 1011")
            try:
                ws.close(1011, "internal error")
            except Exception:
                pass
            return
        try:
            ws.close()
        except ConnectionClosed:
            pass

    return Server(srv, decide)
