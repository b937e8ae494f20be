"""The gevent-websocket shape, served by wirelab's own server.

Articles built on gevent-websocket write a WSGI app that finds the
connection in ``environ["wsgi.websocket"]``::

    def app(environ, start_response):
        ws = environ["wsgi.websocket"]
        while (msg := ws.receive()) is not None:
            ws.send(msg)
        return []

    wirelab.wsgi.serve(app, "127.0.0.1", 8000).serve_forever()
    # or, as gevent's pywsgi is called:
    wirelab.wsgi.WSGIServer(("127.0.0.1", 8000), app).serve_forever()

Each WebSocket handshake request calls ``app(environ, start_response)`` in
its own thread, with the CGI keys of PEP 3333 (REQUEST_METHOD, PATH_INFO,
QUERY_STRING, HTTP_*...) and ``wsgi.websocket``, a WebSocket with
gevent-websocket's names:

* ``receive()`` (alias ``read_message()``): str for text, bytes for binary,
  None once the connection closed normally;
* ``send(message, binary=None)``: text for str, binary for bytes, unless
  ``binary`` says otherwise;
* ``close(code=1000, message=b"")``; ``closed``, ``path``, ``origin``,
  ``protocol``, ``environ``.

The 101 goes out when the app first touches the WebSocket. An app that
instead calls ``start_response`` with a 4xx or 5xx status and returns
refuses the handshake with that status and its body (an app that checks
Origin, say). Plain HTTP requests (no Upgrade) do not reach the app: they
get files from ``document_root``, or 404. Frames, keepalive and the closing
handshake run in Go; the options are serve()'s.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, Callable, Iterable, List, Optional, Sequence, Tuple, Union

from . import _ext
from .connection import ServerConnection
from .exceptions import ConnectionClosed, ConnectionClosedOK
from .http import Request
from .server import Server, _pending_request, listen, offered_subprotocols, reject, select_subprotocol, server_tls

__all__ = ["serve", "WSGIServer", "WebSocket"]

log = logging.getLogger("wirelab.wsgi")

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class WebSocket:
    """environ["wsgi.websocket"]: gevent-websocket's WebSocket names over a
    wirelab connection."""

    def __init__(self, environ: dict, accept: Callable[[], ServerConnection], protocol: Optional[str]) -> None:
        self.environ = environ
        self._accept = accept
        self._conn: Optional[ServerConnection] = None
        self.protocol = protocol
        self.closed = False

    @property
    def path(self) -> str:
        return self.environ.get("PATH_INFO", "")

    @property
    def origin(self) -> Optional[str]:
        return self.environ.get("HTTP_ORIGIN")

    @property
    def connection(self) -> ServerConnection:
        """The wirelab connection underneath (the handshake is answered on
        first use)."""
        if self._conn is None:
            self._conn = self._accept()
        return self._conn

    def receive(self) -> Optional[Union[str, bytes]]:
        """The next message: str for text, bytes for binary; None once the
        connection closed normally."""
        if self.closed:
            return None
        try:
            return self.connection.recv()
        except ConnectionClosedOK:
            self.closed = True
            return None

    read_message = receive

    def send(self, message: Union[str, bytes, bytearray], binary: Optional[bool] = None) -> None:
        """Send a message: text for str, binary for bytes, or as ``binary`` says."""
        if binary is None:
            binary = not isinstance(message, str)
        if binary:
            data: Union[str, bytes] = message.encode("utf-8") if isinstance(message, str) else bytes(message)
        else:
            data = message if isinstance(message, str) else bytes(message).decode("utf-8")
        self.connection.send(data)

    def close(self, code: int = 1000, message: Union[bytes, str] = b"") -> None:
        """Run the closing handshake (RFC 6455 §7)."""
        reason = message.decode("utf-8") if isinstance(message, (bytes, bytearray)) else message
        self.closed = True
        try:
            self.connection.close(code, reason)
        except ConnectionClosed:
            pass


def make_environ(request: Request, server: Tuple[str, int], scheme: str = "http") -> dict:
    """The PEP 3333 environ of a handshake request."""
    path, _, query = request.target.partition("?")
    env = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": request.version,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scheme,
        "wsgi.input": _EmptyInput(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            env[key] = value
            continue
        key = "HTTP_" + key
        env[key] = env[key] + "," + value if key in env else value
    return env


class _EmptyInput:
    """wsgi.input of a GET: no body."""

    def read(self, size: int = -1) -> bytes:
        return b""

    def readline(self, size: int = -1) -> bytes:
        return b""

    def readlines(self, hint: int = -1) -> List[bytes]:
        return []

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(())


def _decide_for(app: WSGIApp, subprotocols: Optional[Sequence[str]], server: Tuple[str, int], scheme: str) -> Callable:
    def decide(pending: "_ext.core.Pending") -> None:
        request = _pending_request(pending)
        environ = make_environ(request, server, scheme)
        proto = select_subprotocol(offered_subprotocols(request.headers), subprotocols) or None

        def accept() -> ServerConnection:
            try:
                conn = pending.Accept(proto or "")
            except RuntimeError as e:
                raise _ext.translate(e) from None
            return ServerConnection(conn, request, None)

        ws = WebSocket(environ, accept, proto)
        environ["wsgi.websocket"] = ws
        environ["wsgi.websocket_version"] = "13"
        started: List[str] = []

        def start_response(status: str, headers: List[Tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            started[:] = [status]
            return lambda data: None

        try:
            body = app(environ, start_response)
            chunks = b"".join(body or [])
            close = getattr(body, "close", None)
            if close is not None:
                close()
        except ConnectionClosed:
            return
        except Exception:
            log.exception("wirelab.wsgi: the app raised; closing with 1011")
            if ws._conn is None:
                reject(pending, 500, "500 Internal Server Error: the WSGI app raised\n")
            else:
                try:
                    ws._conn.close(1011, "internal error")
                except Exception:
                    pass
            return
        if ws._conn is None:
            status = int(started[0].split()[0]) if started and started[0][:3].isdigit() else 0
            if 400 <= status <= 599:
                reject(pending, status, chunks.decode("utf-8", "replace") or started[0] + "\n")
                return
        ws.close()

    return decide


def serve(
    app: WSGIApp,
    host: Optional[str] = "127.0.0.1",
    port: Optional[int] = None,
    *,
    subprotocols: Optional[Sequence[str]] = None,
    document_root: Optional[str] = None,
    ping_interval: Optional[float] = 20,
    ping_timeout: Optional[float] = 20,
    close_timeout: Optional[float] = 10,
    max_size: Optional[int] = 2**20,
    max_queue: Union[None, int, Tuple[Optional[int], Optional[int]]] = 16,
    ssl: Any = None,
) -> Server:
    """Serve a WSGI app's WebSockets on host:port (0 or None: a free port,
    see Server.port); call serve_forever() on the result. The options are
    wirelab.serve's (``ssl=(certfile, keyfile)`` for wss://)."""
    _ext.check_gevent()
    opts = _ext.options(ping_interval, ping_timeout, close_timeout, max_size, max_queue)
    host = host or "127.0.0.1"
    tls = server_tls(ssl)
    srv = listen(host, int(port or 0), document_root or "", opts, tls)
    return Server(srv, _decide_for(app, subprotocols, (host, srv.Port()), "https" if tls else "http"))


class WSGIServer:
    """gevent.pywsgi.WSGIServer's calling shape: ``WSGIServer((host, port),
    app).serve_forever()``. ``handler_class`` (gevent-websocket's
    WebSocketHandler) is accepted and not needed."""

    def __init__(self, listener: Tuple[str, int], application: WSGIApp, handler_class: Any = None, **options: Any) -> None:
        host, port = listener
        self.server = serve(application, host or "127.0.0.1", port, **options)
        self.server_host, self.server_port = self.server.host, self.server.port
        self.address = (self.server_host, self.server_port)

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self, timeout: Optional[float] = None) -> None:
        self.server.shutdown()

    close = stop

    def __enter__(self) -> "WSGIServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
