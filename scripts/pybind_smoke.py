"""Smoke-test an installed wirelab wheel (scripts/pybind wheel runs this).

Run by the interpreter of a fresh venv holding only the wheel and the
websockets client, with Go off PATH: import wirelab, then echo a text and a
binary message through wirelab.serve with the websockets sync client.
"""

import shutil
import sys
import threading

from websockets.sync.client import connect

assert shutil.which("go") is None, f"go is on PATH ({shutil.which('go')}): the smoke test must run without it"

import wirelab  # noqa: E402

assert "site-packages" in wirelab.__file__, f"wirelab imported from {wirelab.__file__}, not from the installed wheel"


def echo(ws):
    for message in ws:
        ws.send(message)


with wirelab.serve(echo, "127.0.0.1", 0) as server:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with connect(f"ws://127.0.0.1:{server.port}/", open_timeout=10) as ws:
        for message in ("hello from websockets", b"\x00\xff binary"):
            ws.send(message)
            got = ws.recv(timeout=10)
            assert got == message, f"echo: sent {message!r}, got {got!r}"

print(f"pybind: Python {sys.version.split()[0]}: import and echo round trip ok ({wirelab.__file__})")
