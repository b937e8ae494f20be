"""wirelab.compat over real sockets, against the websockets client."""

from __future__ import annotations

import base64
import os
import socket
import textwrap
import threading

import pytest
from websockets.sync.client import connect as ws_connect

import wirelab
from wirelab import HandshakeError, Opcode, ProtocolError, compat

HANDSHAKE = (
    b"GET /chat?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8002\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    b"Origin: http://localhost\r\nUser-Agent:   spaced out   \r\n\r\n"
)


def naive_get_headers(data: bytes) -> dict:
    """What the classic tutorial helper returns, rewritten here for comparison:
    split the header section on CRLF, the request line on spaces, and each
    field on its first colon."""
    text = data.decode("utf-8")
    head = text.split("\r\n\r\n", 1)[0]
    lines = head.split("\r\n")
    out = {}
    first = lines[0].split(" ")
    if len(first) == 3:
        out["method"], out["url"], out["protocol"] = first
    for line in lines[1:]:
        name, value = line.split(":", 1)
        out[name] = value.strip()
    return out


def test_get_headers_matches_the_classic_helper():
    assert compat.get_headers(HANDSHAKE) == naive_get_headers(HANDSHAKE)
    assert compat.get_headers(HANDSHAKE)["Sec-WebSocket-Key"] == "dGhlIHNhbXBsZSBub25jZQ=="


def test_get_headers_is_strict():
    with pytest.raises(ProtocolError) as info:
        compat.get_headers(b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n")
    assert info.value.code == 400


@pytest.fixture
def pair():
    """A listening socket served by one compat-style thread; yields a
    function that runs `serve(conn)` for the next connection."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    result = {}

    def run(serve):
        def target():
            conn, _ = lsock.accept()
            try:
                result["value"] = serve(conn)
            except BaseException as e:  # reported to the test
                result["error"] = e
            finally:
                conn.close()

        t = threading.Thread(target=target, daemon=True)
        t.start()
        return port, t, result

    yield run
    lsock.close()


def echo_server(conn):
    headers = compat.handshake(conn)
    got = []
    while True:
        msg = compat.recv_msg(conn)
        if msg is None:
            return headers, got
        got.append(msg)
        compat.send_msg(conn, msg, binary=isinstance(msg, bytes))


def test_echo_with_websockets_client(pair):
    port, t, result = pair(echo_server)
    big = os.urandom(70000)
    with ws_connect(f"ws://127.0.0.1:{port}/path?q=1", max_size=None) as ws:
        ws.send("héllo")
        assert ws.recv() == "héllo"
        ws.send(b"\x00nul\x00")
        assert ws.recv() == b"\x00nul\x00"
        ws.send(big)
        assert ws.recv() == big
        # A fragmented message: websockets sends an iterable as fragments.
        ws.send(["frag", "men", "ted"])
        assert ws.recv() == "fragmented"
        ws.ping(b"are you there").wait(5)
    t.join(10)
    assert "error" not in result, result.get("error")
    headers, got = result["value"]
    assert headers["url"] == "/path?q=1" and headers["method"] == "GET"
    assert got == ["héllo", b"\x00nul\x00", big, "fragmented"]


def raw_client(port, frames: bytes, key: bytes = None):
    key = key or base64.b64encode(os.urandom(16))
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    resp = b""
    while b"\r\n\r\n" not in resp:
        resp += s.recv(4096)
    head, _, rest = resp.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101"), head
    assert wirelab.accept_key(key.decode()).encode() in head
    s.sendall(frames)
    return s, rest


def test_handshake_and_frame_in_one_segment(pair):
    # A frame arriving right behind the request must not be eaten by the
    # handshake, as one recv(8096) would do.
    port, t, result = pair(lambda c: (compat.handshake(c), compat.recv_msg(c))[1])
    key = base64.b64encode(os.urandom(16))
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(
        b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n"
        + wirelab.encode_frame("together", mask=True)
    )
    t.join(10)
    s.close()
    assert result.get("value") == "together", result


def test_frame_split_across_segments(pair):
    port, t, result = pair(lambda c: (compat.handshake(c), compat.recv_msg(c))[1])
    wire = wirelab.encode_frame(b"\x00" * 1000, mask=True)
    s, _ = raw_client(port, wire[:1])
    for i in range(1, len(wire), 97):
        s.sendall(wire[i : i + 97])
    t.join(10)
    s.close()
    assert result.get("value") == b"\x00" * 1000


def test_ping_answered_and_control_between_fragments(pair):
    port, t, result = pair(lambda c: (compat.handshake(c), compat.recv_msg(c))[1])
    frames = (
        wirelab.encode_frame(b"ab", Opcode.BINARY, fin=False, mask=True)
        + wirelab.encode_frame(b"hi", Opcode.PING, mask=True)
        + wirelab.encode_frame(b"cd", Opcode.CONTINUATION, mask=True)
    )
    s, rest = raw_client(port, frames)
    t.join(10)
    data = rest
    while len(data) < 4:
        data += s.recv(100)
    s.close()
    assert result.get("value") == b"abcd"
    pong, _ = wirelab.decode_frame(data, sender="server")
    assert pong.opcode is Opcode.PONG and pong.payload == b"hi"


def test_close_is_echoed(pair):
    port, t, result = pair(lambda c: (compat.handshake(c), compat.recv_msg(c))[1])
    s, rest = raw_client(port, wirelab.encode_frame(b"\x03\xe8", Opcode.CLOSE, mask=True))
    t.join(10)
    data = rest + s.recv(100)
    s.close()
    assert "value" in result and result["value"] is None
    frame, _ = wirelab.decode_frame(data)
    assert frame.opcode is Opcode.CLOSE and frame.close_code == 1000


@pytest.mark.parametrize(
    "frame, code",
    [
        (b"\x81\x02hi", 1002),  # unmasked: clients MUST mask
        (b"\x83\x80abcd", 1002),  # reserved opcode
        (None, 1007),  # invalid UTF-8 in a text message
    ],
)
def test_bad_frames_fail_the_connection(pair, frame, code):
    if frame is None:
        frame = wirelab.encode_frame(b"\xc3\x28", Opcode.TEXT, mask=True)
    port, t, result = pair(lambda c: (compat.handshake(c), compat.recv_msg(c)))
    s, rest = raw_client(port, frame)
    t.join(10)
    data = rest + s.recv(200)
    s.close()
    err = result.get("error")
    assert isinstance(err, ProtocolError), result
    assert err.code == code and str(err)
    close, _ = wirelab.decode_frame(data)
    assert close.opcode is Opcode.CLOSE and close.close_code == code


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", 426),
        (b"POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 405),
        (b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         b"Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n", 400),
    ],
)
def test_handshake_refusals(pair, request_bytes, status):
    port, t, result = pair(compat.handshake)
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request_bytes)
    t.join(10)
    resp = s.recv(4096)
    s.close()
    assert resp.startswith(b"HTTP/1.1 %d" % status), resp
    if status == 426:
        assert b"Sec-WebSocket-Version: 13" in resp
    err = result.get("error")
    assert isinstance(err, HandshakeError) and err.status == status



def docstring_code(doc: str) -> str:
    """The code block of a docstring: the indented lines after the last '::'."""
    block = doc.rsplit("::\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if line.strip() and not line.startswith("    "):
            break
        lines.append(line)
    return textwrap.dedent("\n".join(lines))


def test_docstring_echo_loop_keeps_each_message_type():
    code = docstring_code(compat.__doc__)
    assert "compat.send_msg(" in code and "sock.accept()" in code
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    port = sock.getsockname()[1]
    errors = []

    def run():
        try:
            exec(compile(code, "compat docstring", "exec"), {"sock": sock})
        except BaseException as e:  # reported to the test
            errors.append(e)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    msgs = ["text", "", "nul\x00inside", b"\xff\xfe", b"\x00\x01\x00", b"", "h\u00e9llo", os.urandom(3000)]
    with ws_connect(f"ws://127.0.0.1:{port}/") as ws:
        for m in msgs:
            ws.send(m)
            got = ws.recv()
            assert type(got) is type(m) and got == m
    t.join(10)
    sock.close()
    assert not t.is_alive() and not errors, errors


def test_send_msg_text_from_bytes_and_non_utf8_refused(pair):
    def serve(conn):
        compat.handshake(conn)
        compat.send_msg(conn, b"caf\xc3\xa9")  # the article's call: bytes, sent as text
        with pytest.raises(ValueError) as info:
            compat.send_msg(conn, b"\xff\xfe")
        compat.send_msg(conn, b"\xff\xfe", binary=True)
        compat.send_msg(conn, bytearray(b"ok"))
        compat.close(conn)
        assert compat.recv_msg(conn) is None
        return str(info.value)

    port, t, result = pair(serve)
    with ws_connect(f"ws://127.0.0.1:{port}/") as ws:
        assert ws.recv() == "café"
        assert ws.recv() == b"\xff\xfe"
        assert ws.recv() == "ok"
        with pytest.raises(Exception):
            ws.recv()
    assert ws.close_code == 1000
    t.join(10)
    assert "error" not in result, result.get("error")
    assert "binary=True" in result["value"] and "1007" in result["value"] and "b'\\xff'" in result["value"]
    with pytest.raises(TypeError):
        compat.send_msg(socket.socket(), 42)
