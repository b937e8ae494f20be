"""wirelab: a strict HTTP/1.1 parser and RFC 6455 WebSockets from Go.

wirelab's engine is written by hand in Go; gopy exports it to Python. This
package puts a Pythonic layer over it: bytes in and out, real exceptions,
context managers, iteration.

Frames and requests::

    wirelab.accept_key("dGhlIHNhbXBsZSBub25jZQ==")   # 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
    wire = wirelab.encode_frame(b"\\x00hi", mask=True)
    frame, used = wirelab.decode_frame(wire)
    req = wirelab.parse_request(b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")

Connections, like the websockets library's sync API::

    with wirelab.connect("ws://127.0.0.1:8765/") as ws:
        ws.send("hi"); print(ws.recv())

    def echo(ws):
        for msg in ws:
            ws.send(msg)
    with wirelab.serve(echo, "127.0.0.1", 8765) as server:
        server.serve_forever()

The Go side keeps connections alive whatever Python does (ping_interval,
ping_timeout, close_timeout, max_size, max_queue, as websockets names
them), and every blocking call lets Ctrl-C through. Use multiprocessing's
'spawn' or 'forkserver' start method: the Go runtime does not survive
fork(), so a forked child that touches wirelab raises RuntimeError.

Drop-ins for the articles' programs: wirelab.compat (the raw-socket
server's get_headers/send_msg) and ``python -m wirelab.standalone``
(pywebsocket's standalone.py).
"""

from __future__ import annotations

from . import _ext
from .checker import check
from .client import connect
from .connection import ClientConnection, Connection, Pong, Response, ServerConnection
from .exceptions import (
    Close,
    ConnectionClosed,
    ConnectionClosedError,
    ConnectionClosedOK,
    HandshakeError,
    ProtocolError,
    WirelabError,
)
from .frames import Frame, Opcode, accept_key, decode_frame, encode_frame
from .http import Headers, Request, parse_request
from .server import Server, serve

__version__ = "0.1.0"

GeventWarning = _ext.GeventWarning
_ext.check_gevent(stacklevel=2)

__all__ = [
    "check",
    "accept_key",
    "encode_frame",
    "decode_frame",
    "parse_request",
    "connect",
    "serve",
    "Frame",
    "Opcode",
    "Request",
    "Response",
    "Headers",
    "Connection",
    "ClientConnection",
    "ServerConnection",
    "Server",
    "Pong",
    "Close",
    "GeventWarning",
    "WirelabError",
    "ProtocolError",
    "HandshakeError",
    "ConnectionClosed",
    "ConnectionClosedOK",
    "ConnectionClosedError",
]
