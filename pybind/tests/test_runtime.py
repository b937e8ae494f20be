"""The runtime a Python program leans on: keepalive run by Go, Ctrl-C in
every blocking call, websockets-worded exceptions, fork, spawn and gevent."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from websockets.exceptions import ConnectionClosedError as WSClosedError
from websockets.sync.client import connect as ws_connect

import wirelab
from conftest import answer_handshake
from wirelab import ConnectionClosedError, ConnectionClosedOK

# Scaled down from the 0.5 s ticks for 10 s with pings every 1 s:
# the same ratios (a ping every two ticks, a deadline of one ping
# interval), five times faster.
TICK = 0.1
PING = 0.2
RUN = 3.0


def raw_handshake(port: int) -> socket.socket:
    """A client that does the opening handshake by hand, then reads
    nothing: it answers no ping."""
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
    assert data.startswith(b"HTTP/1.1 101"), data
    return s


def read_frames(s: socket.socket, timeout: float = 5) -> "list[wirelab.Frame]":
    """Every frame the server sent, up to its TCP close."""
    s.settimeout(timeout)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    frames = []
    while data:
        frame, used = wirelab.decode_frame(data)
        if frame is None:
            break
        frames.append(frame)
        data = data[used:]
    return frames


# ---- keepalive ----


def test_push_only_handler_stays_up(wirelab_server):
    """A handler that only sends, never recv()s, keeps its connection: Go
    answers the client's pings meanwhile, and pings the client itself."""
    done = threading.Event()

    def push(ws):
        n = 0
        while not done.is_set():
            ws.send(f"tick {n}")
            n += 1
            time.sleep(TICK)

    srv = wirelab_server(push, ping_interval=PING, ping_timeout=PING)
    got = []
    start = time.monotonic()
    with ws_connect(f"ws://127.0.0.1:{srv.port}/", ping_interval=PING, ping_timeout=PING) as ws:
        while time.monotonic() - start < RUN:
            got.append(ws.recv(timeout=2))
        latency = ws.latency
        done.set()
    assert len(got) >= RUN / TICK * 0.6, got
    assert got[:3] == ["tick 0", "tick 1", "tick 2"]
    assert latency > 0  # the client's pings were answered


def test_silent_client_answers_server_pings(websockets_server):
    """The same from the client side: wirelab.connect against a websockets
    server that pings, while the Python code only sends."""
    seen = []

    def handler(ws):
        for msg in ws:
            seen.append(msg)

    port = websockets_server(handler, ping_interval=PING, ping_timeout=PING)
    start = time.monotonic()
    with wirelab.connect(f"ws://127.0.0.1:{port}/", ping_interval=PING, ping_timeout=PING) as ws:
        n = 0
        while time.monotonic() - start < RUN / 2:
            ws.send(str(n))
            n += 1
            time.sleep(TICK)
        assert ws.latency > 0  # our own keepalive pings were answered
    assert ws.close_code == 1000
    assert seen == [str(i) for i in range(n)]


def test_peer_that_stops_answering_is_closed_with_1011(wirelab_server):
    result = {}
    ended = threading.Event()

    def handler(ws):
        start = time.monotonic()
        try:
            ws.recv()
        except ConnectionClosedError as e:
            result["error"] = e
        result["after"] = time.monotonic() - start
        ended.set()

    srv = wirelab_server(handler, ping_interval=PING, ping_timeout=PING)
    s = raw_handshake(srv.port)
    try:
        assert ended.wait(5), "the silent peer was never dropped"
        err = result["error"]
        assert err.sent is not None and (err.sent.code, err.sent.reason) == (1011, "keepalive ping timeout")
        assert err.rcvd is None and err.code == 1011
        assert str(err) == "sent 1011 (internal error) keepalive ping timeout; no close frame received"
        assert PING <= result["after"] < PING * 2 + 2
        frames = read_frames(s)
    finally:
        s.close()
    assert frames[0].opcode is wirelab.Opcode.PING
    assert frames[-1].opcode is wirelab.Opcode.CLOSE and frames[-1].close_code == 1011


def test_client_drops_a_server_that_stops_answering():
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    conns = []

    def serve():
        conn, _ = lsock.accept()
        conns.append(conn)
        answer_handshake(conn)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        ws = wirelab.connect(f"ws://127.0.0.1:{lsock.getsockname()[1]}/", ping_interval=PING, ping_timeout=PING)
        with pytest.raises(ConnectionClosedError) as info:
            ws.recv(timeout=5)
        assert info.value.sent.code == 1011
        assert ws.close_code == 1006  # nothing received
    finally:
        t.join(5)
        for c in conns:
            c.close()
        lsock.close()


def test_ping_returns_a_waiter_with_the_latency(wirelab_server):
    srv = wirelab_server(lambda ws: [ws.send(m) for m in ws])
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/", ping_interval=None) as ws:
        latency = ws.ping(b"x").wait(5)
        assert isinstance(latency, float) and 0 < latency < 5
        pong = ws.ping()
        assert pong.wait(5) == pong.latency and pong.is_set()
        with pytest.raises(ValueError, match="125 bytes"):
            ws.ping(b"x" * 126)
    with pytest.raises(ConnectionClosedOK):
        ws.ping()


def test_max_size_fails_with_1009(wirelab_server):
    result = {}

    done = threading.Event()

    def handler(ws):
        try:
            result["first"] = ws.recv()
            ws.recv()
        except ConnectionClosedError as e:
            result["error"] = e
        finally:
            done.set()

    srv = wirelab_server(handler, max_size=1000)
    with ws_connect(f"ws://127.0.0.1:{srv.port}/") as ws:
        ws.send(b"x" * 1000)
        ws.send(b"x" * 1001)
        with pytest.raises(WSClosedError) as info:
            ws.recv(timeout=5)
    assert info.value.rcvd.code == 1009
    # The handler runs on its own thread, which a loaded machine may start
    # only after the client saw the close: wait for it, then shut down.
    assert done.wait(10), "the handler never finished"
    srv.shutdown()
    assert len(result["first"]) == 1000
    err = result["error"]
    assert err.code == 1009 and err.sent.code == 1009
    assert isinstance(err.__cause__, wirelab.ProtocolError)


@pytest.mark.parametrize("bad", [
    {"ping_interval": -1}, {"ping_timeout": "1"}, {"close_timeout": float("nan")},
    {"max_size": 0}, {"max_size": 1.5}, {"max_queue": 0}, {"max_queue": 5000}, {"max_queue": True},
])
def test_bad_options(bad):
    with pytest.raises((ValueError, TypeError)):
        wirelab.serve(lambda ws: None, "127.0.0.1", 0, **bad)


def test_bad_arguments_raise_python_errors(wirelab_server):
    srv = wirelab_server(lambda ws: [ws.send(m) for m in ws])
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
        with pytest.raises(TypeError):
            ws.ping(123)
        with pytest.raises(TypeError):
            ws.close("1000")
        for code, reason in [(1006, ""), (99999, ""), (-1, ""), (1000, "x" * 124), (0, "why")]:
            with pytest.raises(ValueError):
                ws.close(code, reason)
        with pytest.raises(TimeoutError):
            ws.recv(timeout=-1)
        ws.send("still open")
        assert ws.recv(timeout=5) == "still open"


# ---- exceptions worded as websockets words them ----


def test_close_stories(wirelab_server):
    def handler(ws):
        msg = ws.recv()
        if msg == "close first":
            ws.close(1000, "bye")
        else:
            for _ in ws:
                pass

    srv = wirelab_server(handler)
    with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
        ws.send("close first")
        with pytest.raises(ConnectionClosedOK) as info:
            ws.recv()
    assert str(info.value) == "received 1000 (OK) bye; then sent 1000 (OK)"
    assert "\x1f" not in repr(info.value)

    ws = wirelab.connect(f"ws://127.0.0.1:{srv.port}/")
    ws.send("stay")
    ws.close()
    assert (ws.close_code, ws.close_reason) == (1000, "")  # set after our own close
    with pytest.raises(ConnectionClosedOK) as info:
        ws.recv()
    assert str(info.value) == "sent 1000 (OK); then received 1000 (OK)"
    with pytest.raises(ConnectionClosedOK):
        ws.send("late")


# ---- Ctrl-C ----

CHILD = textwrap.dedent("""
    import signal, socket, sys, time
    # A shell that starts the test run in the background (no job control)
    # hands its children SIGINT ignored; Ctrl-C at a terminal is what this
    # child stands for, so it takes Python's own handler back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import wirelab
    mode, port = sys.argv[1], int(sys.argv[2])
    try:
        if mode == "recv":
            ws = wirelab.connect(f"ws://127.0.0.1:{port}/")
            print("ready", flush=True)
            ws.recv()
        elif mode == "serve_forever":
            srv = wirelab.serve(lambda ws: None, "127.0.0.1", 0)
            print("ready", flush=True)
            srv.serve_forever()
        elif mode == "connect":
            print("ready", flush=True)
            wirelab.connect(f"ws://127.0.0.1:{port}/", open_timeout=30)
        elif mode == "check":
            print("ready", flush=True)
            wirelab.check("ws", f"127.0.0.1:{port}", timeout=30)
        elif mode == "shutdown":
            # A client that never answers the close frame: shutdown waits
            # close_timeout (10 s) for it.
            import threading
            started = threading.Event()
            def handler(ws):
                started.set()
                ws.recv()
            srv = wirelab.serve(handler, "127.0.0.1", 0)
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            s = socket.create_connection(("127.0.0.1", srv.port))
            s.sendall(b"GET / HTTP/1.1\\r\\nHost: x\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n"
                      b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n")
            s.recv(4096)
            # shutdown waits for the connections whose handler runs: make
            # sure this one's has started before calling it.
            started.wait(10)
            print("ready", flush=True)
            srv.shutdown()
        elif mode == "ping":
            ws = wirelab.connect(f"ws://127.0.0.1:{port}/")
            print("ready", flush=True)
            ws.ping().wait()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        raise
    print("returned", flush=True)
""")


@pytest.mark.parametrize("mode", ["recv", "serve_forever", "connect", "ping", "shutdown", "check"])
def test_ctrl_c_interrupts_blocking_calls(mode, wirelab_server, tmp_path):
    # A peer that never sends and never answers: the server's handler
    # stops reading, and for connect a listener that accepts but never
    # answers the handshake.
    hold = threading.Event()
    srv = wirelab_server(lambda ws: hold.wait(30), ping_interval=None)
    port = srv.port
    lsock = None
    if mode in ("connect", "ping", "check"):
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(5)
        if mode in ("connect", "check"):
            port = lsock.getsockname()[1]
        else:
            # A server that completes the handshake, then reads nothing:
            # the child's ping is never answered.
            def serve():
                conn, _ = lsock.accept()
                answer_handshake(conn)
                hold.wait(30)
                conn.close()

            threading.Thread(target=serve, daemon=True).start()
            port = lsock.getsockname()[1]
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    p = subprocess.Popen([sys.executable, str(script), mode, str(port)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline() == "ready\n", p.stderr.read()
        time.sleep(0.3)  # not synchronisation: let the child get deep into the call
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        line = p.stdout.readline()
        took = time.monotonic() - sent
        _, err = p.communicate(timeout=10)
    finally:
        hold.set()
        if p.poll() is None:
            p.kill()
        if lsock:
            lsock.close()
    assert line == "interrupted\n", err
    assert took < 0.5, f"KeyboardInterrupt came {took:.2f} s after SIGINT"
    assert "KeyboardInterrupt" in err
    # No Go plumbing in the traceback: no chained RuntimeError, no separators.
    assert "\x1f" not in err and "␟" not in err and "RuntimeError" not in err, err


# ---- fork, spawn, gevent ----


def _touch_wirelab(q):
    try:
        q.put(("ok", wirelab.accept_key("dGhlIHNhbXBsZSBub25jZQ==")))
    except RuntimeError as e:
        q.put(("RuntimeError", str(e)))


def _drop_go_objects(q, held):
    import gc

    held.clear()
    gc.collect()
    q.put(("collected", ""))


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="needs os.register_at_fork")
def test_fork_child_gets_a_clear_error():
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_touch_wirelab, args=(q,))
    p.start()
    kind, msg = q.get(timeout=10)
    p.join(10)
    assert kind == "RuntimeError", msg
    assert "fork" in msg and "spawn" in msg and "forkserver" in msg
    assert p.exitcode == 0

    # Go objects the child inherited can be garbage-collected there.
    held = [wirelab._ext.go_bytes(b"held"), wirelab._ext.go_bytes(b"too")]
    p = ctx.Process(target=_drop_go_objects, args=(q, held))
    p.start()
    assert q.get(timeout=10) == ("collected", "")
    p.join(10)
    assert p.exitcode == 0
    # The parent is untouched.
    assert bytes(held[0]) == b"held"


SPAWN = textwrap.dedent("""
    import multiprocessing, sys
    import wirelab

    def echo(port, q):
        with wirelab.connect(f"ws://127.0.0.1:{port}/") as ws:
            ws.send(b"\\x00spawned")
            q.put(ws.recv(timeout=10))

    if __name__ == "__main__":
        port = int(sys.argv[1])
        ctx = multiprocessing.get_context("spawn")
        q = ctx.Queue()
        procs = [ctx.Process(target=echo, args=(port, q)) for _ in range(2)]
        for p in procs:
            p.start()
        got = [q.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(30)
        assert [p.exitcode for p in procs] == [0, 0], [p.exitcode for p in procs]
        print(got)
""")


def test_multiprocessing_spawn_works(wirelab_server, tmp_path):
    """A program that imported wirelab starts children with spawn; each
    child runs an echo round trip of its own."""
    srv = wirelab_server(lambda ws: [ws.send(m) for m in ws])
    script = tmp_path / "spawner.py"
    script.write_text(SPAWN)
    r = subprocess.run([sys.executable, str(script), str(srv.port)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == repr([b"\x00spawned"] * 2)


def test_gevent_patched_socket_warns():
    pytest.importorskip("gevent")
    code = "from gevent import monkey; monkey.patch_all()\nimport wirelab\n"
    r = subprocess.run([sys.executable, "-W", "always", "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "GeventWarning" in r.stderr and "outside gevent's event loop" in r.stderr, r.stderr
    # What the warning advises works: with threads left unpatched, an idle
    # client waiting in recv() holds up no other connection.
    code = textwrap.dedent("""
        from gevent import monkey; monkey.patch_all(thread=False)
        import threading, warnings
        warnings.simplefilter("ignore", RuntimeWarning)
        import wirelab
        srv = wirelab.serve(lambda ws: [ws.send(m) for m in ws], "127.0.0.1", 0)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        idle = wirelab.connect(f"ws://127.0.0.1:{srv.port}/")
        got = []
        def busy():
            with wirelab.connect(f"ws://127.0.0.1:{srv.port}/") as ws:
                for i in range(50):
                    ws.send(str(i))
                    got.append(ws.recv(timeout=5))
        t = threading.Thread(target=busy)
        t.start()
        try:
            idle.recv(timeout=2)  # meanwhile, busy() runs its 50 round trips
        except TimeoutError:
            pass
        print(len(got), t.is_alive())
        idle.close()
        srv.shutdown()
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == "50 False\n", (r.stdout, r.stderr)
    # Without gevent, not a word.
    r = subprocess.run([sys.executable, "-W", "error", "-c", "import wirelab"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0 and r.stderr == "", r.stderr
