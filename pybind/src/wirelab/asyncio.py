"""asyncio WebSockets with the names of websockets.asyncio.

::

    import asyncio, wirelab.asyncio

    async def echo(ws):
        async for msg in ws:
            await ws.send(msg)

    async def main():
        async with wirelab.asyncio.serve(echo, "127.0.0.1", 8765) as server:
            async with wirelab.asyncio.connect("ws://127.0.0.1:8765/") as ws:
                await ws.send("hi")
                print(await ws.recv())

    asyncio.run(main())

How it waits: Go reads every connection in a goroutine of its own (pings,
pongs and the closing handshake are handled there, messages queued up to
``max_queue``). Each event loop has one Go *hub*, a pipe whose read end is
registered with ``loop.add_reader``. When something a coroutine waits for
happens (a message queued, a connection ended, a pong, a send written, a
handshake request, a dial done), Go writes a byte to the pipe and notes
which object it concerns; the loop wakes, and the waiting coroutines retry
their non-blocking call. No thread is parked per call, and a loop with a
thousand idle connections holds no thread at all.

Backpressure: ``await ws.send(m)`` hands the message to the connection's
Go writer and returns at once while fewer than 16 messages wait to be
written; past that it waits (in the loop, other coroutines run) until one
went out. So a peer that stops reading holds up to 16 messages in memory,
plus what the kernel buffers, and then makes ``send`` wait, as
websockets' ``send`` waits for its write buffer to drain. ``close()``
waits for queued messages to go out before the close frame.

Cancelling a pending ``recv()`` (``asyncio.wait_for``, a task's cancel)
loses nothing: the message stays in Go's queue until a ``recv`` takes it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import weakref
from typing import (
    Any,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Generic,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
    Union,
)

from . import _ext
from .connection import Response, _addr, _info, payload
from .exceptions import ConnectionClosed, ConnectionClosedOK, from_state
from .http import Request
from .server import listen, offered_subprotocols, reject, select_subprotocol, _pending_request

__all__ = ["connect", "serve", "Server", "ClientConnection", "ServerConnection", "Connection"]

log = logging.getLogger("wirelab.asyncio")

Data = Union[str, bytes]
MaxQueue = Union[None, int, Tuple[Optional[int], Optional[int]]]

_out = _ext.out_handle
_new = _ext.new_handle
_to_bytes = _ext.to_bytes
_recv = _ext.raw.core_Conn_RecvAH
_sendq = _ext.raw.core_Conn_SendQH
_NOT_YET, _ENDED = -1, -2  # statuses of the waiting calls (pybind/core/conn.go)
_FULL = 1  # SendQH: the writer queue is full


class _Waitable:
    """Something Go notifies the hub about, with coroutines waiting on it."""

    def __init__(self) -> None:
        self._waiters: List["asyncio.Future[None]"] = []

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for f in waiters:
            if not f.done():
                f.set_result(None)

    async def _wait(self, hub: "_Hub") -> None:
        f: "asyncio.Future[None]" = hub.loop.create_future()
        self._waiters.append(f)
        try:
            await f
        finally:
            if f in self._waiters:  # cancelled: do not keep it
                self._waiters.remove(f)


class _Hub:
    """One per event loop: Go's pipe, registered with loop.add_reader, and
    the objects it notifies by id."""

    _ids = itertools.count(1)

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self._hub = _ext.core.NewHub()
        except RuntimeError as e:
            raise _ext.translate(e) from None
        # Weakly: _hubs maps the loop to its hub, and a hub that held its
        # loop would keep both (and the pipe) alive for ever.
        self._loop = weakref.ref(loop)
        self._watched: "weakref.WeakValueDictionary[int, _Waitable]" = weakref.WeakValueDictionary()
        self._fd = self._hub.Fd()
        loop.add_reader(self._fd, self._dispatch)
        weakref.finalize(loop, self._hub.Close)

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop()
        if loop is None:
            raise RuntimeError("wirelab.asyncio: this object's event loop is gone")
        return loop

    def register(self, obj: _Waitable) -> int:
        i = next(self._ids)
        self._watched[i] = obj
        return i

    def _dispatch(self) -> None:
        ready = self._hub.Ready()
        if not ready:
            return
        for s in ready.split(","):
            obj = self._watched.get(int(s))
            if obj is not None:
                obj._wake()


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Hub]" = weakref.WeakKeyDictionary()


def _hub() -> _Hub:
    loop = asyncio.get_running_loop()
    h = _hubs.get(loop)
    if h is None:
        h = _hubs[loop] = _Hub(loop)
    return h


class _Ticket(_Waitable):
    """A one-shot Go task (a dial, a ping) the hub notifies about."""


class Connection(_Waitable):
    """An open WebSocket connection in an event loop.

    ``await recv()`` returns the next message (str for text, bytes for
    binary); ``await send(m)`` sends one; ``await close()`` runs the
    closing handshake; ``async for`` yields messages until a normal close.
    As an async context manager it closes on exit.
    """

    def __init__(self, conn: "_ext.core.Conn", request: Request, response: Optional[Response]) -> None:
        super().__init__()
        self._conn = conn
        self._h = conn.handle
        self._hubref = _hub()
        self.id = self._hubref.register(self)
        conn.Watch(self._hubref._hub, self.id)
        self.request = request
        self.response = response
        self.subprotocol: Optional[str] = conn.Subprotocol() or None
        self.local_address = _addr(conn.LocalAddr())
        self.remote_address = _addr(conn.RemoteAddr())
        self._state: Optional[Dict[str, Any]] = None

    # ---- how it ended ----

    def _fetch_state(self) -> Dict[str, Any]:
        if self._state is not None:
            return self._state
        try:
            st: Dict[str, Any] = json.loads(bytes(self._conn.State()))
        except RuntimeError as e:
            raise _ext.translate(e) from None
        if st["ended"]:
            self._state = st
        return st

    def _closed(self) -> ConnectionClosed:
        return from_state(self._fetch_state())

    @property
    def close_code(self) -> Optional[int]:
        """The close code received, once closed (1006 without one)."""
        st = self._fetch_state()
        if not st["ended"]:
            return None
        return int(st["rcvd"]["code"]) if st.get("rcvd") else 1006

    @property
    def close_reason(self) -> Optional[str]:
        """The close reason received, once closed."""
        st = self._fetch_state()
        if not st["ended"]:
            return None
        return str(st["rcvd"]["reason"]) if st.get("rcvd") else ""

    @property
    def latency(self) -> float:
        """The last ping's round trip in seconds (0 before any)."""
        return float(self._fetch_state().get("latency") or 0.0)

    # ---- receiving ----

    async def recv(self) -> Data:
        """Return the next message: str for text, bytes for binary.

        Raises ConnectionClosedOK after a normal close and
        ConnectionClosedError otherwise. Cancelling it loses no message.
        """
        out = _out()
        while True:
            r = _recv(self._h, out)
            if r >= 0:
                break
            if r == _ENDED:
                exc = self._closed()
                raise exc from exc.__cause__
            await self._wait(self._hubref)
        data = _to_bytes(out) if r >> 2 else b""
        if r & 3 == 1:
            return data.decode("utf-8")
        return data

    def __aiter__(self) -> AsyncIterator[Data]:
        return self._iter()

    async def _iter(self) -> AsyncIterator[Data]:
        while True:
            try:
                yield await self.recv()
            except ConnectionClosedOK:
                return

    # ---- sending ----

    async def send(self, message: Union[str, bytes, bytearray, memoryview]) -> None:
        """Send one message: str as text, bytes-like as binary. Returns once
        Go's writer took it (see the module's note on backpressure)."""
        data, op = payload(message)
        while True:
            try:
                if _sendq(self._h, _new(data), op) != _FULL:
                    return
            except RuntimeError as e:
                err = _ext.translate(e)
                if isinstance(err, ConnectionClosed):
                    err = self._closed()
                raise err from err.__cause__
            await self._wait(self._hubref)

    async def ping(self, data: Union[None, str, bytes] = None) -> "asyncio.Future[float]":
        """Send a ping (None: 4 random bytes) and return an awaitable that
        gives the latency in seconds when the pong comes, as websockets'
        ``pong_waiter = await ws.ping(); latency = await pong_waiter``."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        elif data is not None and not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"ping data must be str, bytes-like or None, not {type(data).__name__}")
        try:
            ping = self._conn.Ping(_ext.go_bytes(bytes(data or b"")), data is None)
        except RuntimeError as e:
            err = _ext.translate(e)
            if isinstance(err, ConnectionClosed):
                err = self._closed()
            raise err from err.__cause__
        ticket = _Ticket()
        ping.Watch(self._hubref._hub, self._hubref.register(ticket))
        return asyncio.ensure_future(self._pong(ping, ticket))

    async def _pong(self, ping: "_ext.core.Ping", ticket: _Ticket) -> float:
        while True:
            r = ping.Wait(0)
            if r == 1:
                return float(ping.Latency())
            if r == _ENDED:
                exc = self._closed()
                raise exc from exc.__cause__
            await ticket._wait(self._hubref)

    # ---- closing ----

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Run the closing handshake (RFC 6455 §7): send what is queued,
        then a close frame with ``code`` and ``reason``; wait up to
        ``close_timeout`` for the peer's. Closing twice does nothing."""
        if not isinstance(reason, str):
            raise TypeError(f"reason must be str, not {type(reason).__name__}")
        if isinstance(code, bool) or not isinstance(code, int):
            raise TypeError(f"code must be an int, not {type(code).__name__}")
        try:
            while not self._conn.Flushed() and self._conn.WaitClosed(0) != 1:
                await self._wait(self._hubref)
            self._conn.Close(code, _ext.go_bytes(reason.encode("utf-8")))
        except RuntimeError as e:
            raise _ext.translate(e) from None
        await self.wait_closed()

    async def wait_closed(self) -> None:
        """Wait until the connection is over; abort it if cancelled."""
        try:
            while self._conn.WaitClosed(0) != 1:
                await self._wait(self._hubref)
        except BaseException:
            self._conn.Abort()
            raise

    async def __aenter__(self) -> "Connection":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.remote_address[0]}:{self.remote_address[1]}>"


class ServerConnection(Connection):
    """A connection a server accepted; ``request`` is the client's
    handshake request."""


class ClientConnection(Connection):
    """A connection opened by connect(); ``response`` is the server's 101."""


# ---- client ----

T = TypeVar("T")


class _Opening(Generic[T]):
    """Awaitable, or an async context manager that ends what it opened."""

    _it: Optional[T] = None

    async def _open(self) -> T:
        raise NotImplementedError

    async def _end(self, it: T) -> None:
        raise NotImplementedError

    def __await__(self) -> Generator[Any, None, T]:
        return self._open().__await__()

    async def __aenter__(self) -> T:
        self._it = await self._open()
        return self._it

    async def __aexit__(self, *exc: object) -> None:
        if self._it is not None:
            await self._end(self._it)


class connect(_Opening[ClientConnection]):
    """Open a WebSocket connection (``await connect(uri)``, or ``async with
    connect(uri) as ws``), with websockets' options and defaults. The
    handshake runs in a Go goroutine; the loop waits for it on the hub."""

    def __init__(
        self,
        uri: str,
        *,
        subprotocols: Optional[Sequence[str]] = None,
        origin: Optional[str] = None,
        additional_headers: Union[None, Dict[str, str], List[Tuple[str, str]]] = None,
        open_timeout: Optional[float] = 10,
        ping_interval: Optional[float] = 20,
        ping_timeout: Optional[float] = 20,
        close_timeout: Optional[float] = 10,
        max_size: Optional[int] = 2**20,
        max_queue: MaxQueue = 16,
    ) -> None:
        if "\0" in uri:
            raise ValueError("a URI never contains NUL")
        for s in subprotocols or ():
            if "," in s or not s.strip():
                raise ValueError(f"invalid subprotocol {s!r}")
        self._opts = _ext.options(ping_interval, ping_timeout, close_timeout, max_size, max_queue)
        fields: List[Tuple[str, str]] = []
        if origin is not None:
            fields.append(("Origin", origin))
        if additional_headers:
            items = additional_headers.items() if isinstance(additional_headers, dict) else additional_headers
            fields.extend((str(k), str(v)) for k, v in items)
        self._uri = uri
        self._protos = ",".join(subprotocols or ())
        self._fields = _ext.pack_fields(fields)
        self._timeout_ms = 0 if open_timeout is None else max(1, int(open_timeout * 1000))

    async def _open(self) -> ClientConnection:
        hub = _hub()
        try:
            dialing = _ext.core.Dial(self._uri, self._protos, _ext.go_bytes(self._fields), self._timeout_ms, self._opts)
        except RuntimeError as e:
            raise _ext.translate(e) from None
        ticket = _Ticket()
        dialing.Watch(hub._hub, hub.register(ticket))
        try:
            while dialing.Wait(0) != 1:
                await ticket._wait(hub)
        except BaseException:
            dialing.Cancel()
            raise
        try:
            conn = dialing.Conn()
        except RuntimeError as e:
            raise _ext.translate(e) from None
        request, resp_headers, status = _info(conn)
        return ClientConnection(conn, request, Response(status, resp_headers))

    async def _end(self, it: ClientConnection) -> None:
        await it.close()


# ---- server ----

Handler = Callable[[ServerConnection], Awaitable[Any]]


class Server(_Waitable):
    """A running server: ``serve_forever()``, ``close()``,
    ``await wait_closed()``; ``port`` is the port it listens on."""

    def __init__(self, go_server: "_ext.core.Server", handler: Handler, subprotocols: Optional[Sequence[str]],
                 origins: Optional[Sequence[Optional[str]]]) -> None:
        super().__init__()
        self._srv = go_server
        self._handler = handler
        self._subprotocols = subprotocols
        self._origins = origins
        self._tasks: Set["asyncio.Task[None]"] = set()
        self._hubref = _hub()
        self.port: int = go_server.Port()
        host, _, _ = go_server.Addr().rpartition(":")
        self.host: str = host.strip("[]")
        self._closing = False
        go_server.WatchAccept(self._hubref._hub, self._hubref.register(self))
        self._accepting = self._hubref.loop.create_task(self._accept_loop())

    async def _accept_loop(self) -> None:
        while True:
            try:
                pending = self._srv.NextPending()
            except RuntimeError:
                return  # shut down
            if pending.handle == -1:
                await self._wait(self._hubref)
                continue
            self._start(pending)

    def _start(self, pending: "_ext.core.Pending") -> None:
        request = _pending_request(pending)
        if self._origins is not None and request.headers.get("Origin") not in self._origins:
            reject(pending, 403, f"403 Forbidden: Origin {request.headers.get('Origin')!r} is not allowed\n")
            return
        proto = select_subprotocol(offered_subprotocols(request.headers), self._subprotocols)
        try:
            # Writes the 101 into the socket buffer: it does not wait for the peer.
            conn = pending.Accept(proto)
        except RuntimeError as e:
            log.info("wirelab: handshake failed: %s", _ext.translate(e))
            return
        ws = ServerConnection(conn, request, None)
        t = self._hubref.loop.create_task(self._run(ws))
        self._tasks.add(t)
        t.add_done_callback(self._tasks.discard)

    async def _run(self, ws: ServerConnection) -> None:
        try:
            await self._handler(ws)
        except ConnectionClosed:
            pass
        except Exception:
            log.exception("wirelab: handler raised; closing with 1011")
            try:
                await ws.close(1011, "internal error")
            except Exception:
                pass
            return
        try:
            await ws.close()
        except ConnectionClosed:
            pass

    def close(self, close_connections: bool = True) -> None:
        """Stop accepting and close open connections with 1001 (going
        away); ``await wait_closed()`` for the end."""
        self._closing = True
        self._srv.Shutdown()

    async def wait_closed(self) -> None:
        """Wait until the server is closed and every handler returned."""
        while self._srv.WaitClosed(0) != 1:
            await self._wait(self._hubref)
        await self._accepting
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def serve_forever(self) -> None:
        """Serve until close() (or until cancelled, which closes)."""
        try:
            await self._accepting
        finally:
            if not self._closing:
                self.close()
                await self.wait_closed()

    def is_serving(self) -> bool:
        return not self._closing

    async def __aenter__(self) -> "Server":
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()
        await self.wait_closed()


class serve(_Opening[Server]):
    """Start a WebSocket server running ``await handler(connection)`` in a
    task for each connection (``await serve(...)`` or ``async with
    serve(...) as server``); the connection is closed after (1000, or 1011
    if the handler raised, which is logged). Options as wirelab.serve."""

    def __init__(
        self,
        handler: Handler,
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
        max_queue: MaxQueue = 16,
    ) -> None:
        self._args = (handler, host or "127.0.0.1", int(port or 0), subprotocols, origins, document_root or "")
        self._opts = _ext.options(ping_interval, ping_timeout, close_timeout, max_size, max_queue)

    async def _open(self) -> Server:
        handler, host, port, subprotocols, origins, root = self._args
        srv = listen(host, port, root, self._opts)
        return Server(srv, handler, subprotocols, origins)

    async def _end(self, it: Server) -> None:
        it.close()
        await it.wait_closed()
