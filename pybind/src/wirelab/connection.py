"""WebSocket connections in the style of the websockets library's sync API."""

from __future__ import annotations

import json
import threading
import time
from typing import Iterator, NoReturn, Optional, Tuple, Union

from . import _ext
from .exceptions import ConnectionClosed, ConnectionClosedOK, from_state
from .http import Headers, Request

__all__ = ["Connection", "ServerConnection", "ClientConnection", "Response", "Pong"]

Data = Union[str, bytes]

# The hot path, over bare handles (see wirelab._ext).
_out = _ext.out_handle
_new = _ext.new_handle
_to_bytes = _ext.to_bytes
_recv = _ext.raw.core_Conn_RecvH
_send = _ext.raw.core_Conn_SendH
_SLICE = _ext.SLICE_MS
_NOT_YET, _ENDED = -1, -2  # statuses of the waiting calls (pybind/core/conn.go)


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


def _remaining_ms(deadline: Optional[float]) -> int:
    """The next wait slice: SLICE_MS, or less before a deadline."""
    if deadline is None:
        return _SLICE
    return max(0, min(_SLICE, int((deadline - time.monotonic()) * 1000)))


class Pong:
    """A ping sent, waiting for its pong; ``Connection.ping()`` returns it.

    ``wait(timeout)`` returns the round-trip latency in seconds once the
    pong came, or None if it did not come within ``timeout`` (None: wait for
    ever); it raises ConnectionClosed if the connection ended first. Like
    websockets' pong waiter, a pong also answers every earlier ping.
    """

    __slots__ = ("_ping", "_conn", "latency")

    def __init__(self, ping: "_ext.core.Ping", conn: "Connection") -> None:
        self._ping = ping
        self._conn = conn
        #: The round trip in seconds, once the pong came.
        self.latency: Optional[float] = None

    def wait(self, timeout: Optional[float] = None) -> Optional[float]:
        if self.latency is not None:
            return self.latency
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            r = self._ping.Wait(_remaining_ms(deadline))
            if r == 1:
                self.latency = self._ping.Latency()
                return self.latency
            if r == _ENDED:
                raise self._conn._closed_exc()
            if deadline is not None and time.monotonic() >= deadline:
                return None

    def is_set(self) -> bool:
        """True once the pong came (threading.Event's name)."""
        return self.wait(0) is not None


class Connection:
    """An open WebSocket connection.

    ``recv()`` returns the next message (str for text, bytes for binary);
    ``send()`` sends one; ``close()`` runs the closing handshake. Iterating
    yields messages until the peer closes normally; a connection that ends
    with an error code raises ConnectionClosedError. As a context manager it
    closes on exit.

    The Go side keeps the connection alive whatever Python does: it answers
    pings, sends keepalive pings (``ping_interval``, ``ping_timeout``),
    handles the closing handshake, and queues up to ``max_queue`` received
    messages for recv.

    One thread may call recv while another calls send; close is safe from
    any thread. Each call releases the GIL while Go works, and no call
    blocks for more than a tenth of a second without coming back to Python,
    so Ctrl-C interrupts them.
    """

    def __init__(self, conn: "_ext.core.Conn", request: Request, response: Optional[Response]) -> None:
        self._conn = conn
        self._h = conn.handle
        self.request = request
        self.response = response
        self.subprotocol: Optional[str] = conn.Subprotocol() or None
        self.local_address = _addr(conn.LocalAddr())
        self.remote_address = _addr(conn.RemoteAddr())
        self._state: Optional[dict] = None  # the Go side's account, once over
        self._lock = threading.Lock()

    # ---- how it ended ----

    def _fetch_state(self) -> dict:
        if self._state is not None:
            return self._state
        try:
            st = json.loads(bytes(self._conn.State()))
        except RuntimeError as e:
            err = _ext.translate(e)
        else:
            if st["ended"]:
                with self._lock:
                    self._state = st
            return st
        raise err

    def _closed_exc(self) -> ConnectionClosed:
        """A fresh exception saying how the connection ended."""
        return from_state(self._fetch_state())

    def _raise_closed(self) -> NoReturn:
        exc = self._closed_exc()
        raise exc from exc.__cause__

    # ---- receiving ----

    def recv(self, timeout: Optional[float] = None) -> Data:
        """Return the next message: str for text, bytes for binary.

        Waits at most ``timeout`` seconds (None: for ever; 0: only a
        message already received) and raises TimeoutError then; the
        connection stays usable. Raises ConnectionClosedOK once the
        connection closed normally, ConnectionClosedError otherwise (the
        peer broke the protocol: the ProtocolError is the __cause__; or TCP
        dropped: code 1006).
        """
        out = _out()
        deadline = None if timeout is None else time.monotonic() + timeout
        wait = _SLICE if deadline is None else _remaining_ms(deadline)
        while True:
            # Go waits one slice at most, so Ctrl-C gets through.
            r = _recv(self._h, out, wait)
            if r >= 0:
                break
            if r == _ENDED:
                self._raise_closed()
            if deadline is not None:
                wait = _remaining_ms(deadline)
                if wait <= 0:
                    raise TimeoutError(f"no message within {timeout} s")
        data = _to_bytes(out) if r >> 2 else b""
        if r & 3 == 1:
            return data.decode("utf-8")
        return data

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
            return
        except RuntimeError as e:
            err = _ext.translate(e)
        if isinstance(err, ConnectionClosed):
            self._raise_closed()
        raise err

    def ping(self, data: Union[None, str, bytes] = None) -> Pong:
        """Send a ping (at most 125 bytes; None: 4 random bytes) and return
        a Pong whose ``wait(timeout)`` gives the latency in seconds."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        elif data is not None and not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"ping data must be str, bytes-like or None, not {type(data).__name__}")
        try:
            ping = self._conn.Ping(_ext.go_bytes(bytes(data or b"")), data is None)
            return Pong(ping, self)
        except RuntimeError as e:
            err = _ext.translate(e)
        if isinstance(err, ConnectionClosed):
            self._raise_closed()
        raise err

    @property
    def latency(self) -> float:
        """The round trip of the last ping answered, in seconds (0 before
        any); the keepalive pings update it every ``ping_interval``."""
        return float(self._fetch_state().get("latency") or 0.0)

    # ---- closing ----

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Run the closing handshake (RFC 6455 §7): send a close frame with
        ``code`` and ``reason``, wait up to ``close_timeout`` for the
        peer's, close TCP. Closing a closed connection does nothing."""
        if not isinstance(reason, str):
            raise TypeError(f"reason must be str, not {type(reason).__name__}")
        if isinstance(code, bool) or not isinstance(code, int):
            raise TypeError(f"code must be an int, not {type(code).__name__}")
        try:
            self._conn.Close(code, _ext.go_bytes(reason.encode("utf-8")))
        except RuntimeError as e:
            err = _ext.translate(e)
        else:
            self._wait_closed(None)
            return
        raise err

    def _wait_closed(self, timeout: Optional[float]) -> bool:
        """Wait for the connection to be over; abort it on Ctrl-C."""
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while self._conn.WaitClosed(_remaining_ms(deadline)) != 1:
                if deadline is not None and time.monotonic() >= deadline:
                    return False
        except BaseException:
            self._conn.Abort()
            raise
        return True

    @property
    def close_code(self) -> Optional[int]:
        """The close code received, once the connection is closed (1006
        when it ended without one); None while it is open."""
        st = self._fetch_state()
        if not st["ended"]:
            return None
        return st["rcvd"]["code"] if st.get("rcvd") else 1006

    @property
    def close_reason(self) -> Optional[str]:
        """The close reason received, once the connection is closed."""
        st = self._fetch_state()
        if not st["ended"]:
            return None
        return st["rcvd"]["reason"] if st.get("rcvd") else ""

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
