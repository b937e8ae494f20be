"""WebSocket connections in the style of the websockets library's sync API."""

from __future__ import annotations

import threading
from typing import Iterator, Optional, Tuple, Union

from . import _ext
from .exceptions import ConnectionClosed, ConnectionClosedError, ConnectionClosedOK, ProtocolError
from .http import Headers, Request

__all__ = ["Connection", "ServerConnection", "ClientConnection", "Response"]

Data = Union[str, bytes]

# The hot path, over bare handles (see wirelab._ext).
_out = _ext.out_handle
_new = _ext.new_handle
_to_bytes = _ext.to_bytes
_recv = _ext.raw.core_Conn_RecvH
_send = _ext.raw.core_Conn_SendH


class Response:
    """The server's handshake response as a client saw it."""

    __slots__ = ("status", "headers")

    def __init__(self, status: int, headers: Headers) -> None:
        self.status = status
        self.headers = headers

    def __repr__(self) -> str:
        return f"<Response {self.status}>"


def _addr(s: str) -> Tuple[str, int]:
    host, _, port = s.rpartition(":")
    return host.strip("[]"), int(port)


class Connection:
    """An open WebSocket connection.

    ``recv()`` returns the next message (str for text, bytes for binary);
    ``send()`` sends one; ``close()`` runs the closing handshake. Iterating
    yields messages until the peer closes normally; a connection that ends
    with an error code raises ConnectionClosedError. As a context manager it
    closes on exit.

    One thread may call recv while another calls send; close is safe from
    any thread. Each call releases the GIL while Go works.
    """

    def __init__(self, conn: "_ext.core.Conn", request: Request, response: Optional[Response]) -> None:
        self._conn = conn
        self._h = conn.handle
        self.request = request
        self.response = response
        self.subprotocol: Optional[str] = conn.Subprotocol() or None
        self.local_address = _addr(conn.LocalAddr())
        self.remote_address = _addr(conn.RemoteAddr())
        self._closed: Optional[ConnectionClosed] = None
        self._lock = threading.Lock()

    # ---- receiving ----

    def recv(self, timeout: Optional[float] = None) -> Data:
        """Return the next message: str for text, bytes for binary.

        Waits at most ``timeout`` seconds (None: for ever) and raises
        TimeoutError then; the connection stays usable. Raises
        ConnectionClosedOK once the connection closed normally,
        ConnectionClosedError otherwise (the peer broke the protocol: the
        ProtocolError is the __cause__; or TCP dropped: code 1006).
        """
        out = _out()
        wait = 0 if timeout is None else max(1, int(timeout * 1000))
        try:
            r = _recv(self._h, out, wait)
        except RuntimeError as e:
            exc = self._ended(_ext.translate(e))
            if isinstance(exc, TimeoutError):
                raise TimeoutError(f"no message within {timeout} s") from None
            raise exc from exc.__cause__
        data = _to_bytes(out) if r >> 2 else b""
        if r & 3 == 1:
            return data.decode("utf-8")
        return data

    def _ended(self, err: BaseException) -> BaseException:
        if isinstance(err, ProtocolError):
            exc = ConnectionClosedError(err.code or 1002, "", f"connection failed: {err}")
            exc.__cause__ = err
            err = exc
        if isinstance(err, ConnectionClosed):
            with self._lock:
                if self._closed is None:
                    self._closed = err
        return err

    def __iter__(self) -> Iterator[Data]:
        """Yield messages until the connection closes; stop quietly on a
        normal close, raise ConnectionClosedError on an abnormal one."""
        while True:
            try:
                yield self.recv()
            except ConnectionClosedOK:
                return

    # ---- sending ----

    def send(self, message: Union[str, bytes, bytearray, memoryview]) -> None:
        """Send one message: str as text, bytes-like as binary."""
        if isinstance(message, str):
            data, op = message.encode("utf-8"), 1
        elif isinstance(message, (bytes, bytearray, memoryview)):
            data, op = bytes(message), 2
        else:
            raise TypeError(f"message must be str or bytes-like, not {type(message).__name__}")
        try:
            _send(self._h, _new(data), op)
        except RuntimeError as e:
            exc = self._ended(_ext.translate(e))
            raise exc from exc.__cause__

    def ping(self, data: Union[str, bytes] = b"") -> None:
        """Send a ping (at most 125 bytes); the pong is consumed by recv."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        try:
            self._conn.Ping(_ext.go_bytes(bytes(data)))
        except RuntimeError as e:
            exc = self._ended(_ext.translate(e))
            raise exc from exc.__cause__

    # ---- closing ----

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Run the closing handshake (RFC 6455 §7): send a close frame with
        ``code`` and ``reason``, wait up to 5 s for the peer's, close TCP.
        Closing a closed connection does nothing."""
        try:
            self._conn.Close(code, _ext.go_bytes(reason.encode("utf-8")))
        except RuntimeError as e:
            raise _ext.translate(e) from None

    @property
    def close_code(self) -> Optional[int]:
        """The close code received, once the connection is closed."""
        return self._closed.code if self._closed else None

    @property
    def close_reason(self) -> Optional[str]:
        return self._closed.reason if self._closed else None

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.remote_address[0]}:{self.remote_address[1]}>"


class ServerConnection(Connection):
    """A connection a server accepted; ``request`` is the client's
    handshake request."""


class ClientConnection(Connection):
    """A connection opened by connect(); ``response`` is the server's 101."""


def _info(conn: "_ext.core.Conn") -> Tuple[Request, Headers, int]:
    strings, _ = _ext.unpack(bytes(conn.Info()))
    _proto, _local, _remote, status, method, target, nreq = strings[:7]
    n = int(nreq)
    flat = strings[7:]
    req = flat[: 2 * n]
    resp = flat[2 * n:]
    request = Request(method, target, "HTTP/1.1", "", Headers(list(zip(req[0::2], req[1::2]))))
    request.host = request.headers.get("Host", "")
    return request, Headers(list(zip(resp[0::2], resp[1::2]))), int(status)
