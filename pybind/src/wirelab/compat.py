"""Drop-in helpers for the classic raw-socket WebSocket server.

Many tutorials start from a server built on ``socket`` with two helpers,
``get_headers(data)`` and ``send_msg(conn, msg_bytes)``, a handshake that
hashes Sec-WebSocket-Key with the GUID, and a loop that takes one
``conn.recv(8096)`` as one frame. This module keeps the two helpers' names
and results, and adds what such a loop gets wrong:

* ``handshake(conn)`` reads exactly the request's header section, checks it
  (RFC 6455 §4.2.1) and answers 101 — or the precise refusal (400, 403, 405,
  426) and raises HandshakeError;
* ``recv_msg(conn)`` reads exactly one message: across TCP segments, across
  fragments (RFC 6455 §5.4), answering pings on the way and the closing
  handshake at the end. It returns str for text, bytes for binary, None once
  the peer closed.

``send_msg`` keeps the classic meaning: a text frame, whatever it is given
(existing callers keep working). ``binary=True`` sends a binary frame
instead. An echo loop that gives each message back as it came (text as
text, binary as binary, NUL and non-UTF-8 bytes intact)::

    from wirelab import compat

    conn, _ = sock.accept()
    compat.handshake(conn)
    while (msg := compat.recv_msg(conn)) is not None:
        compat.send_msg(conn, msg, binary=isinstance(msg, bytes))

Frames are parsed, checked and unmasked by wirelab's Go engine.
"""

from __future__ import annotations

import socket
from http import HTTPStatus
from typing import Dict, List, Optional, Union

from . import _ext
from .exceptions import HandshakeError, ProtocolError
from .frames import Opcode, decode_frame, encode_frame
from .http import parse_request

__all__ = ["get_headers", "send_msg", "handshake", "recv_msg", "close"]

#: The largest header section handshake() reads (as httpcore's default).
MAX_HEADER = 16 << 10


def get_headers(data: Union[bytes, bytearray, memoryview]) -> Dict[str, str]:
    """Return the request in ``data`` as a dict: ``method``, ``url`` and
    ``protocol`` from the request line, then each header field under its name
    as sent, with surrounding whitespace removed (a repeated name keeps the
    last value).

    Unlike a split on CRLF, the request is parsed by wirelab's strict HTTP/1.1
    engine: a malformed one raises ProtocolError with the status a server
    would answer and the RFC section.
    """
    req = parse_request(data)
    out = {"method": req.method, "url": req.target, "protocol": req.version}
    for name, value in req.headers.items():
        out[name] = value
    return out


def send_msg(
    conn: socket.socket, msg_bytes: Union[bytes, bytearray, memoryview, str], binary: bool = False
) -> bool:
    """Send one message to a client as a single unmasked frame and return
    True, as the classic helper did. Sends every byte (``sendall``).

    As in the articles, the frame is text, whether ``msg_bytes`` is str or
    bytes; bytes must then be UTF-8 (RFC 6455 §5.6), or ValueError is raised
    before anything is sent, since a peer must fail such a frame with 1007
    (RFC 6455 §8.1). ``binary=True`` sends a binary frame: any bytes, NUL
    and non-UTF-8 included (a str is sent as its UTF-8 bytes).
    """
    if isinstance(msg_bytes, str):
        data = msg_bytes.encode("utf-8")
    elif isinstance(msg_bytes, (bytes, bytearray, memoryview)):
        data = bytes(msg_bytes)
        if not binary:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as e:
                raise ValueError(
                    f"send_msg sends a text frame, and these bytes are not UTF-8 (byte {e.start} is "
                    f"{data[e.start:e.start + 1]!r}): a peer must fail the connection with 1007 "
                    f"(RFC 6455 §8.1). Pass binary=True to send them as a binary frame."
                ) from None
    else:
        raise TypeError(f"send_msg needs str or bytes, not {type(msg_bytes).__name__}")
    conn.sendall(encode_frame(data, Opcode.BINARY if binary else Opcode.TEXT))
    return True


def _recv_exact(conn: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise ConnectionError(f"the peer closed the connection {n - len(buf)} bytes short of a frame")
        buf += chunk
    return bytes(buf)


def handshake(
    conn: socket.socket, subprotocols: Optional[List[str]] = None, any_origin: bool = True
) -> Dict[str, str]:
    """Run the server side of the opening handshake on a plain socket.

    Reads exactly the header section (never bytes past it), checks it with
    wirelab's Upgrader and sends the 101 response, choosing the first of
    ``subprotocols`` the client offered. Returns the request as get_headers
    does. A bad request gets the precise refusal (400, 403, 405, or 426 with
    Sec-WebSocket-Version: 13), and HandshakeError is raised.
    ``any_origin=False`` accepts only same-origin pages and non-browsers.
    """
    data = b""
    while True:
        peek = conn.recv(MAX_HEADER, socket.MSG_PEEK)
        if not peek:
            raise ConnectionError("the peer closed the connection before sending a handshake request")
        end = peek.find(b"\r\n\r\n")
        if end >= 0:
            data = _recv_exact(conn, end + 4)
            break
        if len(peek) >= MAX_HEADER:
            conn.sendall(b"HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
            raise ProtocolError("handshake request header section over 16 KiB", 431)
        # Wait for more bytes than the ones already peeked.
        more = conn.recv(len(peek) + 1, socket.MSG_PEEK | socket.MSG_WAITALL)
        if len(more) <= len(peek):
            raise ConnectionError("the peer closed the connection inside the handshake request")
    try:
        raw = bytes(_ext.core.ServerHandshake(_ext.go_bytes(data), ",".join(subprotocols or []), any_origin))
    except RuntimeError as e:
        err = _ext.translate(e)
        if isinstance(err, ProtocolError) and err.code:
            body = (str(err) + "\n").encode()
            try:
                phrase = HTTPStatus(err.code).phrase.encode()
            except ValueError:
                phrase = b"Bad Request"
            conn.sendall(
                b"HTTP/1.1 %d %s\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (err.code, phrase, len(body), body)
            )
        raise err from None
    status, response = int(raw[:3]), raw[3:]
    conn.sendall(response)
    if status != 101:
        text = response.partition(b"\r\n\r\n")[2].decode("utf-8", "replace").strip()
        header = ""
        raise HandshakeError(text or f"handshake refused with {status}", status, header)
    return get_headers(data)


def close(conn: socket.socket, code: int = 1000, reason: str = "") -> None:
    """Send a close frame (RFC 6455 §5.5.1); recv_msg then returns None once
    the client answers."""
    payload = code.to_bytes(2, "big") + reason.encode("utf-8")
    conn.sendall(encode_frame(payload, Opcode.CLOSE))


def recv_msg(conn: socket.socket, max_size: int = 32 << 20) -> Union[str, bytes, None]:
    """Read exactly one message from a client: str for text, bytes for
    binary, None when the client closed (after echoing its close frame, as
    RFC 6455 §5.5.1 asks; the socket is then closed).

    Frames are read whole however TCP splits them, fragments are joined,
    pings are answered with pongs, and every frame is checked and unmasked
    by wirelab's Go engine. A frame that breaks the protocol (unmasked from
    a client, reserved opcode, bad UTF-8...) fails the connection with the
    close code for it and raises ProtocolError.
    """
    parts = []
    size = 0
    kind = None
    while True:
        head = _recv_exact(conn, 2)
        need = _ext.core.FrameHeaderLength(head[1]) - 2
        length = head[1] & 0x7F
        rest = _recv_exact(conn, need) if need else b""
        if length == 126:
            length = int.from_bytes(rest[:2], "big")
        elif length == 127:
            length = int.from_bytes(rest[:8], "big")
        if length > max_size:
            _fail(conn, 1009, "message too big")
            raise ProtocolError(f"frame of {length} bytes is over max_size {max_size}", 1009)
        try:
            frame, _ = decode_frame(head + rest + _recv_exact(conn, length), sender="client")
        except ProtocolError as e:
            _fail(conn, e.code or 1002, "protocol error")
            raise
        assert frame is not None
        op = frame.opcode
        if op == Opcode.PING:
            conn.sendall(encode_frame(frame.payload, Opcode.PONG))
            continue
        if op == Opcode.PONG:
            continue
        if op == Opcode.CLOSE:
            code = frame.close_code
            try:
                conn.sendall(encode_frame(b"" if code is None else code.to_bytes(2, "big"), Opcode.CLOSE))
            except OSError:
                pass
            conn.close()
            return None
        if kind is None:
            if op == Opcode.CONTINUATION:
                _fail(conn, 1002, "continuation without a message")
                raise ProtocolError("continuation frame with no message to continue (RFC 6455 §5.4)", 1002)
            kind = op
        elif op != Opcode.CONTINUATION:
            _fail(conn, 1002, "expected a continuation")
            raise ProtocolError(f"{op.name.lower()} frame inside a fragmented message (RFC 6455 §5.4)", 1002)
        parts.append(frame.payload)
        size += len(frame.payload)
        if size > max_size:
            _fail(conn, 1009, "message too big")
            raise ProtocolError(f"message over max_size {max_size}", 1009)
        if frame.fin:
            data = b"".join(parts)
            if kind == Opcode.TEXT:
                try:
                    return data.decode("utf-8")
                except UnicodeDecodeError:
                    _fail(conn, 1007, "invalid UTF-8")
                    raise ProtocolError("text message is not valid UTF-8 (RFC 6455 §8.1)", 1007) from None
            return data


def _fail(conn: socket.socket, code: int, reason: str) -> None:
    """Fail the connection (RFC 6455 §7.1.7): close frame, then close TCP."""
    try:
        close(conn, code, reason)
    except OSError:
        pass
    conn.close()
