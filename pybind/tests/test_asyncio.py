"""wirelab.asyncio against the websockets asyncio client and server."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading

import pytest
import websockets
from websockets.asyncio.client import connect as ws_connect
from websockets.asyncio.server import serve as ws_serve

import wirelab
import wirelab.asyncio as wa

from conftest import answer_handshake


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


async def echo(ws):
    async for msg in ws:
        await ws.send(msg)


def test_serve_echo_with_websockets_client():
    async def main():
        async with wa.serve(echo, "127.0.0.1", 0) as server:
            async with ws_connect(f"ws://127.0.0.1:{server.port}/") as c:
                await c.send("héllo")
                assert await c.recv() == "héllo"
                await c.send(b"\x00\xff\xfe")
                assert await c.recv() == b"\x00\xff\xfe"
                await c.send(b"")
                assert await c.recv() == b""
            assert c.close_code == 1000

    run(main())


def test_connect_to_websockets_server():
    async def main():
        async with ws_serve(echo, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            async with wa.connect(f"ws://127.0.0.1:{port}/", subprotocols=None) as ws:
                assert isinstance(ws, wa.ClientConnection)
                assert ws.response is not None and ws.response.status == 101
                for i in range(50):
                    await ws.send(f"m{i}")
                got = [await ws.recv() for _ in range(50)]
                assert got == [f"m{i}" for i in range(50)]
                waiter = await ws.ping()
                latency = await waiter
                assert 0 < latency < 5
                await ws.close(4000, "done here")
            assert ws.close_code == 4000 and ws.close_reason == "done here"
            with pytest.raises(wirelab.ConnectionClosed):  # 4000: not OK, as websockets words it
                await ws.recv()

    run(main())


def test_awaitable_connect_and_async_for_ends_on_close():
    async def handler(ws):
        await ws.send("one")
        await ws.send("two")
        await ws.close(1000, "bye")

    async def main():
        async with ws_serve(handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            ws = await wa.connect(f"ws://127.0.0.1:{port}/")
            got = [m async for m in ws]
            assert got == ["one", "two"]
            assert ws.close_code == 1000 and ws.close_reason == "bye"

    run(main())


def test_cancelled_recv_loses_nothing():
    async def handler(ws):
        async for msg in ws:
            await ws.send("reply to " + msg)

    async def main():
        async with ws_serve(handler, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            async with wa.connect(f"ws://127.0.0.1:{port}/") as ws:
                with pytest.raises(asyncio.TimeoutError):
                    await asyncio.wait_for(ws.recv(), 0.05)
                task = asyncio.ensure_future(ws.recv())
                await asyncio.sleep(0)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                await ws.send("a")
                assert await ws.recv() == "reply to a"
                await ws.send("b")
                assert await asyncio.wait_for(ws.recv(), 5) == "reply to b"

    run(main())


def test_100_concurrent_connections_one_loop():
    async def client(port, i):
        async with ws_connect(f"ws://127.0.0.1:{port}/") as c:
            for j in range(5):
                await c.send(f"{i}:{j}")
                assert await c.recv() == f"{i}:{j}"
        return i

    async def wl_client(port, i):
        async with wa.connect(f"ws://127.0.0.1:{port}/") as c:
            for j in range(5):
                await c.send(f"{i}:{j}".encode())
                assert await c.recv() == f"{i}:{j}".encode()
        return i

    async def main():
        async with wa.serve(echo, "127.0.0.1", 0) as server:
            done = await asyncio.gather(*(client(server.port, i) for i in range(100)))
            assert sorted(done) == list(range(100))
        async with ws_serve(echo, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            done = await asyncio.gather(*(wl_client(port, i) for i in range(100)))
            assert sorted(done) == list(range(100))
        # wirelab on both sides, in one loop
        async with wa.serve(echo, "127.0.0.1", 0) as server:
            done = await asyncio.gather(*(wl_client(server.port, i) for i in range(100)))
            assert sorted(done) == list(range(100))

    run(main())


def test_handler_exception_closes_1011_and_server_goes_on(caplog):
    async def handler(ws):
        msg = await ws.recv()
        if msg == "boom":
            raise ValueError("handler bug")
        await ws.send("fine")

    async def main():
        async with wa.serve(handler, "127.0.0.1", 0) as server:
            async with ws_connect(f"ws://127.0.0.1:{server.port}/") as c:
                await c.send("boom")
                with pytest.raises(websockets.ConnectionClosedError):
                    await c.recv()
            assert c.close_code == 1011
            async with ws_connect(f"ws://127.0.0.1:{server.port}/") as c:
                await c.send("hi")
                assert await c.recv() == "fine"

    with caplog.at_level(logging.ERROR, logger="wirelab.asyncio"):
        run(main())
    assert any("handler bug" in (r.exc_text or "") or (r.exc_info and "handler bug" in str(r.exc_info[1]))
               for r in caplog.records)


def test_serve_forever_until_close_and_going_away():
    async def handler(ws):
        await ws.wait_closed()

    async def main():
        server = await wa.serve(handler, "127.0.0.1", 0)
        forever = asyncio.ensure_future(server.serve_forever())
        async with ws_connect(f"ws://127.0.0.1:{server.port}/") as c:
            server.close()
            with pytest.raises(websockets.ConnectionClosedOK):
                await c.recv()
            assert c.close_code == 1001
        await server.wait_closed()
        await forever
        assert not server.is_serving()
        with pytest.raises(OSError):
            await ws_connect(f"ws://127.0.0.1:{server.port}/", open_timeout=2)

    run(main())


def test_send_waits_when_peer_does_not_read():
    """A peer that never reads: send returns while Go's writer queue has
    room, then waits (backpressure) instead of buffering without end."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    accepted = []
    stop = threading.Event()

    def peer():
        conn, _ = lsock.accept()
        accepted.append(conn)
        answer_handshake(conn)
        stop.wait(30)  # never reads again
        conn.close()

    t = threading.Thread(target=peer, daemon=True)
    t.start()

    async def main():
        ws = await wa.connect(f"ws://127.0.0.1:{port}/", close_timeout=0.5)
        big = b"x" * (1 << 20)
        sent = 0
        with pytest.raises(asyncio.TimeoutError):
            for _ in range(1000):
                await asyncio.wait_for(ws.send(big), 1)
                sent += 1
        assert 16 <= sent < 1000
        # The loop was never blocked: another coroutine runs meanwhile.
        await asyncio.sleep(0.01)
        stop.set()
        await ws.wait_closed()

    try:
        run(main())
    finally:
        stop.set()
        t.join(5)
        lsock.close()


def test_connect_refused_and_bad_handshake():
    async def main():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with pytest.raises(OSError):
            await wa.connect(f"ws://127.0.0.1:{port}/", open_timeout=2)
        with pytest.raises(ValueError):
            wa.connect("ws://127.0.0.1:1/\0")

    run(main())


def test_hub_pipe_goes_with_its_loop():
    """Each event loop gets one hub (a pipe); it is closed when the loop
    is gone, so repeated asyncio.run calls do not leak descriptors."""
    import gc
    import os

    async def main():
        async with ws_serve(echo, "127.0.0.1", 0) as server:
            port = server.sockets[0].getsockname()[1]
            async with wa.connect(f"ws://127.0.0.1:{port}/") as ws:
                await ws.send("x")
                assert await ws.recv() == "x"

    def fds() -> int:
        gc.collect()
        return len(os.listdir("/proc/self/fd"))

    run(main())
    before = fds()
    for _ in range(10):
        run(main())
    assert fds() <= before + 2


def test_ctrl_c_reaches_a_pending_recv(tmp_path):
    """SIGINT to a process awaiting recv(): asyncio.run cancels the task
    and KeyboardInterrupt comes out at once (no thread waits in Go)."""
    import signal
    import subprocess
    import sys
    import time

    from websockets.sync.server import serve as sync_serve

    def quiet(ws):
        for _ in ws:
            pass

    with sync_serve(quiet, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.socket.getsockname()[1]
        script = tmp_path / "child.py"
        script.write_text(
            "import asyncio, wirelab.asyncio as wa\n"
            "async def main():\n"
            f"    async with wa.connect('ws://127.0.0.1:{port}/') as ws:\n"
            "        print('ready', flush=True)\n"
            "        await ws.recv()\n"
            "asyncio.run(main())\n"
        )
        child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
            t0 = time.monotonic()
            child.send_signal(signal.SIGINT)
            _, err = child.communicate(timeout=10)
            assert time.monotonic() - t0 < 2.5  # includes the closing handshake
            assert "KeyboardInterrupt" in err
            assert "\x1f" not in err
        finally:
            if child.poll() is None:
                child.kill()
        server.shutdown()


def test_send_after_close_and_cancelled_serve_forever():
    async def main():
        server = await wa.serve(echo, "127.0.0.1", 0)
        forever = asyncio.ensure_future(server.serve_forever())
        ws = await wa.connect(f"ws://127.0.0.1:{server.port}/")
        await ws.send("x")
        assert await ws.recv() == "x"
        await ws.close()
        with pytest.raises(wirelab.ConnectionClosedOK):
            await ws.send("too late")
        forever.cancel()
        with pytest.raises(asyncio.CancelledError):
            await forever
        assert not server.is_serving()
        with pytest.raises(OSError):
            await wa.connect(f"ws://127.0.0.1:{server.port}/", open_timeout=2)

    run(main())
