"""wirelab.connect and wirelab.serve against the websockets library."""

from __future__ import annotations

import os
import socket
import threading

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect

import wirelab
from conftest import answer_handshake
from wirelab import ConnectionClosedError, ConnectionClosedOK, HandshakeError

PAYLOADS = ["text", "héllo wörld", "", b"", b"\x00", b"\x00\xff\x00binary\x00", os.urandom(65536), "x" * 70000]


def ws_echo(ws):
    for msg in ws:
        ws.send(msg)


def wl_echo(ws):
    for msg in ws:
        ws.send(msg)


def test_connect_to_websockets_server(websockets_server):
    port = websockets_server(ws_echo)
    with wirelab.connect(f"ws://127.0.0.1:{port}/x") as ws:
        assert ws.response.status == 101
        for p in PAYLOADS:
            ws.send(p)
            got = ws.recv()
            assert got == p and type(got) is type(p)
    with pytest.raises(ConnectionClosedOK) as info:
        ws.recv()
    assert info.value.code == 1000


def test_websockets_client_against_serve(wirelab_server):
    seen = {}

    def handler(ws):
        seen["path"] = ws.request.path
        seen["ua"] = ws.request.headers.get("User-Agent")
        wl_echo(ws)

    srv = wirelab_server(handler)
    with ws_connect(f"ws://127.0.0.1:{srv.port}/room?id=7", max_size=None) as ws:
        for p in PAYLOADS:
            ws.send(p)
            assert ws.recv() == p
    assert seen["path"] == "/room"
    assert "websockets" in seen["ua"].lower()


def test_connect_to_serve(wirelab_server):
    srv = wirelab_server(wl_echo)
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
        ws.send(b"\x00\x00")
        assert ws.recv() == b"\x00\x00"
        ws.ping(b"p")
        ws.send("after ping")
        assert ws.recv() == "after ping"


def test_iteration_stops_on_normal_close(wirelab_server):
    def handler(ws):
        for i in range(3):
            ws.send(str(i))
        ws.close(1000, "done")

    srv = wirelab_server(handler)
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
        assert list(ws) == ["0", "1", "2"]
        assert ws.close_code == 1000 and ws.close_reason == "done"


def test_iteration_raises_on_error_close(websockets_server):
    def handler(ws):
        ws.send("one")
        ws.close(4001, "custom failure")

    port = websockets_server(handler)
    got = []
    with wirelab.connect(f"ws://127.0.0.1:{port}/") as ws:
        with pytest.raises(ConnectionClosedError) as info:
            for msg in ws:
                got.append(msg)
    assert got == ["one"]
    assert (info.value.code, info.value.reason) == (4001, "custom failure")


def test_send_after_close(wirelab_server):
    srv = wirelab_server(wl_echo)
    ws = wirelab.connect(f"ws://127.0.0.1:{srv.port}/")
    ws.close()
    with pytest.raises(ConnectionClosedOK):
        ws.send("late")
    ws.close()  # twice is harmless


def test_dropped_tcp_is_1006(wirelab_server):
    def handler(ws):
        ws._conn.Abort()

    srv = wirelab_server(handler)
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
        with pytest.raises(ConnectionClosedError) as info:
            ws.recv()
        assert info.value.code == 1006


def test_protocol_violation_from_peer():
    # A raw server that answers the handshake, then sends a masked frame
    # (servers MUST NOT mask, RFC 6455 §5.1).
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)

    def serve():
        conn, _ = lsock.accept()
        answer_handshake(conn, wirelab.encode_frame("masked", mask=True))
        conn.recv(100)
        conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    ws = wirelab.connect(f"ws://127.0.0.1:{lsock.getsockname()[1]}/")
    with pytest.raises(ConnectionClosedError) as info:
        ws.recv()
    assert info.value.code == 1002
    assert isinstance(info.value.__cause__, wirelab.ProtocolError)
    assert "MUST NOT mask" in str(info.value.__cause__)
    t.join(10)
    lsock.close()


def test_handshake_refused_by_websockets_server(websockets_server):
    def process_request(connection, request):
        return connection.respond(403, "go away\n")

    port = websockets_server(ws_echo, process_request=process_request)
    with pytest.raises(HandshakeError) as info:
        wirelab.connect(f"ws://127.0.0.1:{port}/")
    assert info.value.status == 403


def test_serve_origins_and_subprotocols(wirelab_server):
    srv = wirelab_server(lambda ws: ws.send(ws.subprotocol or "none"), subprotocols=["chat", "superchat"],
                         origins=["http://good.example", None])
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/", subprotocols=["superchat", "chat"]) as ws:
        assert ws.subprotocol == "chat"
        assert ws.recv() == "chat"
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/", origin="http://good.example") as ws:
        assert ws.recv() == "none"
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{srv.port}/", origin="http://evil.example")
    assert info.value.response.status_code == 403
    with pytest.raises(HandshakeError) as info2:
        wirelab.connect(f"ws://127.0.0.1:{srv.port}/", origin="http://evil.example")
    assert info2.value.status == 403


def test_serve_answers_bad_handshakes_precisely(wirelab_server):
    srv = wirelab_server(wl_echo)
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n")
    resp = s.recv(4096)
    s.close()
    assert resp.startswith(b"HTTP/1.1 426")
    assert b"Sec-WebSocket-Version: 13" in resp


def test_handler_exception_closes_with_1011(wirelab_server):
    def handler(ws):
        raise RuntimeError("boom")

    srv = wirelab_server(handler)
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
        with pytest.raises(ConnectionClosedError) as info:
            ws.recv()
    assert info.value.code == 1011


def test_shutdown_closes_connections_with_1001(wirelab_server):
    ready = threading.Event()

    def handler(ws):
        ready.set()
        for _ in ws:
            pass

    srv = wirelab_server(handler)
    ws = wirelab.connect(f"ws://127.0.0.1:{srv.port}/")
    assert ready.wait(5)
    result = {}

    def reader():
        try:
            ws.recv()
        except Exception as e:
            result["error"] = e

    t = threading.Thread(target=reader)
    t.start()
    srv.shutdown()
    t.join(10)
    assert isinstance(result.get("error"), ConnectionClosedOK), result
    assert result["error"].code == 1001


def test_connect_errors():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionRefusedError):
        wirelab.connect(f"ws://127.0.0.1:{port}/")
    with pytest.raises(OSError):
        wirelab.connect("ftp://127.0.0.1/")
    with pytest.raises(ValueError):
        wirelab.connect("ws://127.0.0.1/\0")


def test_many_concurrent_clients(wirelab_server):
    srv = wirelab_server(wl_echo)
    errors = []

    def client(i):
        try:
            with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
                for j in range(50):
                    msg = f"{i}:{j}".encode() + b"\x00"
                    ws.send(msg)
                    assert ws.recv() == msg
        except Exception as e:
            errors.append(e)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors


def test_recv_timeout_keeps_the_connection(wirelab_server):
    go = threading.Event()

    def handler(ws):
        go.wait(5)
        ws.send("late")
        for msg in ws:
            ws.send(msg)

    srv = wirelab_server(handler)
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
        with pytest.raises(TimeoutError):
            ws.recv(timeout=0.3)
        go.set()
        assert ws.recv(timeout=5) == "late"
        ws.send(b"\x00")
        assert ws.recv() == b"\x00"

