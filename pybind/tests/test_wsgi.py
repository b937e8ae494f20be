"""wirelab.wsgi: gevent-websocket's environ["wsgi.websocket"], served by
wirelab's server, driven by the websockets client."""

from __future__ import annotations

import threading

import pytest
from websockets.exceptions import ConnectionClosedOK, InvalidStatus
from websockets.sync.client import connect as ws_connect

from wirelab import wsgi


def echo_app(environ, start_response):
    # As gevent-websocket's articles write it.
    ws = environ["wsgi.websocket"]
    if environ.get("HTTP_ORIGIN") == "http://evil.example":
        start_response("403 Forbidden", [("Content-Type", "text/plain")])
        return [b"no pages from evil.example\n"]
    ws.send(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} ?{environ['QUERY_STRING']} {ws.path} {ws.origin}")
    while True:
        msg = ws.receive()
        if msg is None:
            break
        if msg == "close":
            ws.close(4000, b"asked to")
            break
        ws.send(msg)
    return []


@pytest.fixture
def wsgi_server():
    servers = []

    def start(app, **kw):
        srv = wsgi.WSGIServer(("127.0.0.1", 0), app, handler_class=object, **kw)
        t = threading.Thread(target=srv.serve_forever, daemon=True)
        t.start()
        servers.append((srv, t))
        return srv.server_port

    yield start
    for srv, t in servers:
        srv.stop()
        t.join(10)


def test_echo_keeps_types(wsgi_server):
    port = wsgi_server(echo_app)
    with ws_connect(f"ws://127.0.0.1:{port}/chat?room=1", origin="http://ok.example") as ws:
        assert ws.recv() == "GET /chat ?room=1 /chat http://ok.example"
        for msg in ["héllo", b"\x00\xff\xfe", "", b""]:
            ws.send(msg)
            got = ws.recv()
            assert type(got) is type(msg) and got == msg
    assert ws.close_code == 1000


def test_close_with_code(wsgi_server):
    port = wsgi_server(echo_app)
    with ws_connect(f"ws://127.0.0.1:{port}/") as ws:
        ws.recv()
        ws.send("close")
        with pytest.raises(Exception):
            ws.recv()
    assert (ws.close_code, ws.close_reason) == (4000, "asked to")


def test_app_refuses_with_its_status_and_body(wsgi_server):
    port = wsgi_server(echo_app)
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{port}/", origin="http://evil.example")
    assert info.value.response.status_code == 403
    assert info.value.response.body == b"no pages from evil.example\n"


def test_app_that_raises_before_the_handshake_gets_500(wsgi_server):
    def broken(environ, start_response):
        raise RuntimeError("oops")

    port = wsgi_server(broken)
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{port}/")
    assert info.value.response.status_code == 500


def test_subprotocol_and_send_binary_flag(wsgi_server):
    def app(environ, start_response):
        ws = environ["wsgi.websocket"]
        ws.send(ws.protocol or "none")
        ws.send("as binary", binary=True)
        ws.send(b"as text", binary=False)
        assert ws.receive() is None and ws.closed
        return []

    port = wsgi_server(app, subprotocols=["chat"])
    with ws_connect(f"ws://127.0.0.1:{port}/", subprotocols=["x", "chat"]) as ws:
        assert ws.subprotocol == "chat"
        assert ws.recv() == "chat"
        assert ws.recv() == b"as binary"
        assert ws.recv() == "as text"
    assert ws.close_code == 1000


def test_wss(wsgi_server, dev_ca):
    import ssl

    def app(environ, start_response):
        environ["wsgi.websocket"].send(environ["wsgi.url_scheme"])
        return []

    port = wsgi_server(app, ssl=(dev_ca / "localhost+2.pem", dev_ca / "localhost+2-key.pem"))
    ctx = ssl.create_default_context(cafile=str(dev_ca / "rootCA.pem"))
    with ws_connect(f"wss://localhost:{port}/", ssl=ctx) as ws:
        assert ws.recv() == "https"
