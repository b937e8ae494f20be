"""serve(): a sync WebSocket server in the style of websockets.sync.server.

The TCP listener, HTTP parsing and the handshake run in Go (httpcore and
websocket's Upgrader). Python runs the accept loop: serve_forever() takes
each handshake request from Go, and a thread per connection decides it
(origin, subprotocol), then runs the handler.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Optional, Sequence, Tuple, Union

from . import _ext
from .connection import ServerConnection
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
        while self._srv.WaitClosed(_ext.SLICE_MS) != 1:
            pass  # in slices: Ctrl-C gets through

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def listen(host: str, port: int, document_root: str, opts: "_ext.core.Options") -> "_ext.core.Server":
    """Start the Go listener, raising OSError (say, the port is taken)."""
    try:
        return _ext.core.Listen(host, port, document_root, opts)
    except RuntimeError as e:
        err = _ext.translate(e)
    raise err


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
    """
    _ext.check_gevent()
    opts = _ext.options(ping_interval, ping_timeout, close_timeout, max_size, max_queue)
    srv = listen(host or "127.0.0.1", int(port or 0), document_root or "", opts)

    def decide(pending: "_ext.core.Pending") -> None:
        request = _pending_request(pending)
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
