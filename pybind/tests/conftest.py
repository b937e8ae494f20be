"""Fixtures shared by the wirelab pytest suite.

The suite imports the installed wirelab (scripts/pybind installs it into a
venv first); the extension module exists only there.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import wirelab

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


def answer_handshake(conn: socket.socket, then: bytes = b"") -> None:
    """Be a raw WebSocket server on conn: read the opening handshake,
    answer 101 with the right Sec-WebSocket-Accept, and send ``then``."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(4096)
    key = wirelab.parse_request(data).headers["Sec-WebSocket-Key"]
    conn.sendall(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + wirelab.accept_key(key).encode() + b"\r\n\r\n" + then
    )


@pytest.fixture
def wirelab_server():
    """Start wirelab.serve(handler) on a free port; yields a function."""
    servers = []

    def start(handler, **kw):
        srv = wirelab.serve(handler, "127.0.0.1", 0, **kw)
        t = threading.Thread(target=srv.serve_forever, daemon=True)
        t.start()
        servers.append((srv, t))
        return srv

    yield start
    for srv, t in servers:
        srv.shutdown()
        t.join(10)


@pytest.fixture
def websockets_server():
    """Start a websockets sync server; yields a function returning the port."""
    from websockets.sync.server import serve

    servers = []

    def start(handler, **kw):
        srv = serve(handler, "127.0.0.1", 0, **kw)
        t = threading.Thread(target=srv.serve_forever, daemon=True)
        t.start()
        servers.append((srv, t))
        return srv.socket.getsockname()[1]

    yield start
    for srv, t in servers:
        srv.shutdown()
        t.join(10)


@pytest.fixture
def standalone(tmp_path):
    """Run `python -m wirelab.standalone` on handlers from tests/handlers."""
    procs = []

    def start(port=None, docroot=None, host="127.0.0.1"):
        port = port or free_port()
        cmd = [sys.executable, "-m", "wirelab.standalone", "-p", str(port), "-w", str(HERE / "handlers"), "-H", host]
        if docroot:
            cmd += ["-d", str(docroot)]
        p = subprocess.Popen(cmd, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
        procs.append(p)
        line = p.stderr.readline()
        assert "serving" in line, line + p.stderr.read()
        return port, p

    yield start
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        assert p.returncode in (0, -15), p.stderr.read()
        p.stderr.close()
