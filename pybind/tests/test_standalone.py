"""python -m wirelab.standalone: pywebsocket's contract, with a websockets
client and with headless Chromium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from websockets.exceptions import ConnectionClosedError, ConnectionClosedOK, InvalidMessage, InvalidStatus
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


def test_msgutil_handler_runs_unchanged(standalone):
    port, _ = standalone()
    with ws_connect(f"ws://127.0.0.1:{port}/msgutil_echo") as ws:
        for msg in ["héllo", b"\x00\xff\xfe", ""]:
            ws.send(msg)
            assert ws.recv() == msg
        ws.send("codes")
        assert ws.recv() == "1000 1008 1011"
        ws.send("parts")
        assert ws.recv() == "one two"
        ws.send("ping me")  # the handler's ping: websockets answers it
        ws.send("Goodbye")
        assert ws.recv() == "Goodbye"
        with pytest.raises(ConnectionClosedOK):
            ws.recv()
    assert ws.close_code == 1000


def test_msgutil_close_connection_with_common_code(standalone):
    port, _ = standalone()
    with ws_connect(f"ws://127.0.0.1:{port}/msgutil_echo") as ws:
        ws.send("close")
        with pytest.raises(ConnectionClosedOK):
            ws.recv()
    assert (ws.close_code, ws.close_reason) == (1001, "bye")


def test_aborted_by_user(standalone):
    port, _ = standalone()
    # In the extra handshake: TCP closed with no response at all.
    with pytest.raises(InvalidMessage) as info:
        ws_connect(f"ws://127.0.0.1:{port}/msgutil_echo", origin="http://abort.example")
    assert isinstance(info.value.__cause__, EOFError)
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{port}/msgutil_echo", origin="http://teapot.example")
    assert info.value.response.status_code == 418
    with ws_connect(f"ws://127.0.0.1:{port}/msgutil_echo") as ws:
        ws.send("abort")
        # TCP dropped without a closing handshake: 1006 on the client.
        with pytest.raises(ConnectionClosedError):
            ws.recv()
    assert ws.close_code == 1006


def test_raw_connection_write_and_read(standalone):
    port, _ = standalone()
    with ws_connect(f"ws://127.0.0.1:{port}/raw") as ws:
        assert ws.recv() == "raw hello"
        ws.send("back")
        assert ws.recv() == b"back"


def test_shim_only_in_the_standalone_run(standalone, tmp_path):
    # import wirelab never installs it...
    assert "mod_pywebsocket" not in sys.modules
    out = subprocess.run([sys.executable, "-c", "import wirelab.standalone, sys; print('mod_pywebsocket' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    port, _ = standalone()
    with ws_connect(f"ws://127.0.0.1:{port}/whichpws") as ws:
        assert ws.recv() == "shim"
    # ...and a real mod_pywebsocket installed beside wirelab wins.
    real = tmp_path / "site" / "mod_pywebsocket"
    real.mkdir(parents=True)
    for name in ("__init__", "common", "handshake"):
        (real / f"{name}.py").write_text("class AbortedByUserException(Exception):\n    pass\n")
    (real / "msgutil.py").write_text(
        "REAL = True\n"
        "def send_message(request, message, end=True, binary=False):\n"
        "    request.ws_stream.send_message(message, end, binary)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"))
    port, _ = standalone(env=env)
    with ws_connect(f"ws://127.0.0.1:{port}/whichpws") as ws:
        assert ws.recv() == "real"


def test_tls_with_dev_ca_leaf(standalone, dev_ca):
    import ssl

    port, _ = standalone(extra=["-t", "-c", dev_ca / "localhost+2.pem", "-k", dev_ca / "localhost+2-key.pem"])
    ctx = ssl.create_default_context(cafile=str(dev_ca / "rootCA.pem"))
    with ws_connect(f"wss://localhost:{port}/msgutil_echo", ssl=ctx) as ws:
        ws.send("secure")
        assert ws.recv() == "secure"
