"""python -m wirelab.standalone: pywebsocket's contract, with a websockets
client and with headless Chromium."""

from __future__ import annotations

import json
import os
import time

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect as ws_connect

from cdp import Browser, find_chromium
from conftest import HERE

import wirelab


def test_echo_handler_with_websockets_client(standalone):
    port, _ = standalone()
    with ws_connect(f"ws://127.0.0.1:{port}/echo", max_size=None) as ws:
        for msg in ["hello", "wörld", b"\x00\x01\x00", os.urandom(100000), ""]:
            ws.send(msg)
            assert ws.recv() == msg
        ws.send("Goodbye")
        assert ws.recv() == "Goodbye"
        # The handler returned: the server closes normally.
        with pytest.raises(Exception):
            ws.recv()
    assert ws.close_code == 1000


def test_handler_in_subdirectory_and_wirelab_client(standalone):
    port, _ = standalone()
    with wirelab.connect(f"ws://127.0.0.1:{port}/sub/upper") as ws:
        ws.send("shout")
        assert ws.recv() == "SHOUT"


def test_unknown_path_is_404(standalone):
    port, _ = standalone()
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{port}/nope")
    assert info.value.response.status_code == 404


def test_extra_handshake_exception_is_403(standalone):
    port, _ = standalone()
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{port}/guarded", origin="http://evil.example")
    assert info.value.response.status_code == 403
    with ws_connect(f"ws://127.0.0.1:{port}/guarded?a=b", origin="http://allowed.example", subprotocols=["x", "chat"]) as ws:
        assert ws.subprotocol == "chat"
        assert ws.recv() == "protocol=chat resource=/guarded?a=b"


def test_document_root(standalone, tmp_path):
    (tmp_path / "hello.txt").write_bytes(b"hi\x00there")
    port, _ = standalone(docroot=tmp_path)
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/hello.txt") as r:
        assert r.read() == b"hi\x00there"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/../../etc/passwd")
    assert info.value.code == 404


def test_headless_chromium(standalone):
    exe = find_chromium()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium is not installed")
        pytest.skip("chromium not installed")
    # The page hard-codes ws://localhost:9998/echo, as the articles' pages do.
    standalone(port=9998, docroot=HERE / "pages")
    browser = Browser(exe)
    try:
        session = browser.open("http://localhost:9998/echo.html")
        deadline = time.monotonic() + 30
        text = "pending"
        while time.monotonic() < deadline:
            text = browser.evaluate(session, "document.getElementById('out') ? document.getElementById('out').textContent : 'loading'")
            if text and (text.startswith("DONE") or text.startswith("ERROR")):
                break
            time.sleep(0.1)
    finally:
        browser.close()
    assert text.startswith("DONE"), text
    result = json.loads(text[len("DONE "):])
    assert result == {"got": ["text:héllo from chromium", "binary:0,1,0,255"], "code": 1000, "clean": True}
