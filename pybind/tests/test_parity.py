"""websockets parity on serve/connect: ssl=, origins, subprotocols,
process_request, server.socket, close_code after your own close,
HandshakeError carrying the refusal's body. The peers are websockets'."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from http import HTTPStatus

import pytest
from websockets.datastructures import Headers as WsHeaders
from websockets.exceptions import InvalidStatus
from websockets.http11 import Response as WsResponse
from websockets.sync.client import connect as ws_connect

import wirelab
from wirelab import HandshakeError, client


def echo(ws):
    for msg in ws:
        ws.send(msg)


def test_wss_server_with_dev_ca_leaf_and_websockets_client(wirelab_server, dev_ca):
    srv = wirelab_server(echo, ssl=(dev_ca / "localhost+2.pem", dev_ca / "localhost+2-key.pem"))
    ctx = ssl.create_default_context(cafile=str(dev_ca / "rootCA.pem"))
    with ws_connect(f"wss://localhost:{srv.port}/", ssl=ctx) as ws:
        ws.send("over TLS")
        assert ws.recv() == "over TLS"
    # Without the CA, the websockets client refuses the certificate.
    with pytest.raises(ssl.SSLCertVerificationError):
        ws_connect(f"wss://localhost:{srv.port}/", ssl=ssl.create_default_context())


def test_wss_client_with_sslcontext_against_websockets_server(websockets_server, dev_ca):
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(dev_ca / "localhost+2.pem", dev_ca / "localhost+2-key.pem")
    port = websockets_server(echo, ssl=server_ctx)
    ctx = ssl.create_default_context(cafile=str(dev_ca / "rootCA.pem"))
    with wirelab.connect(f"wss://localhost:{port}/", ssl=ctx) as ws:
        ws.send(b"\x00tls")
        assert ws.recv() == b"\x00tls"
    # A CA file path works too, and 127.0.0.1 is in the leaf.
    with wirelab.connect(f"wss://127.0.0.1:{port}/", ssl=str(dev_ca / "rootCA.pem")) as ws:
        ws.send("path")
        assert ws.recv() == "path"
    # The system roots do not know the development CA.
    with pytest.raises(OSError) as info:
        wirelab.connect(f"wss://localhost:{port}/", ssl=True)
    assert "certificate" in str(info.value)
    insecure = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    with wirelab.connect(f"wss://localhost:{port}/", ssl=insecure) as ws:
        ws.send("unverified")
        assert ws.recv() == "unverified"


def test_check_hostname_false_verifies_the_chain_only(websockets_server, dev_ca, tmp_path):
    # A leaf for another name, signed by the same development CA.
    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    key, csr, crt, ext = (tmp_path / n for n in ("o.key", "o.csr", "o.pem", "ext.cnf"))
    ext.write_text("subjectAltName=DNS:elsewhere.test\nextendedKeyUsage=serverAuth\n")
    run = lambda *a: subprocess.run(["openssl", *map(str, a)], check=True, capture_output=True)  # noqa: E731
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key,
        "-out", csr, "-subj", "/CN=elsewhere.test")
    run("x509", "-req", "-in", csr, "-CA", dev_ca / "rootCA.pem", "-CAkey", dev_ca / "rootCA-key.pem",
        "-CAcreateserial", "-out", crt, "-days", "1", "-extfile", ext)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(crt, key)
    port = websockets_server(echo, ssl=server_ctx)
    ctx = ssl.create_default_context(cafile=str(dev_ca / "rootCA.pem"))
    with pytest.raises(OSError) as info:
        wirelab.connect(f"wss://localhost:{port}/", ssl=ctx)
    assert "elsewhere.test" in str(info.value)
    ctx.check_hostname = False
    with wirelab.connect(f"wss://localhost:{port}/", ssl=ctx) as ws:
        ws.send("no name")
        assert ws.recv() == "no name"
    # A CA that did not sign it is still refused.
    other = ssl.create_default_context()
    other.check_hostname = False
    with pytest.raises(OSError):
        wirelab.connect(f"wss://localhost:{port}/", ssl=other)


def test_ssl_option_errors(dev_ca):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with pytest.raises(TypeError) as info:
        wirelab.serve(echo, "127.0.0.1", 0, ssl=ctx)
    assert "(certfile, keyfile)" in str(info.value)
    with pytest.raises(ValueError) as info:
        wirelab.serve(echo, "127.0.0.1", 0, ssl=(dev_ca / "nope.pem", dev_ca / "nope-key.pem"))
    assert "nope.pem" in str(info.value)
    with pytest.raises(ValueError) as info:
        wirelab.connect("ws://127.0.0.1:1/", ssl=ssl.create_default_context())
    assert "wss://" in str(info.value)


def test_dev_ca_file_follows_the_user_config_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert client.dev_ca_file() == str(tmp_path / "wirelab" / "ca" / "rootCA.pem")
    with pytest.raises(FileNotFoundError) as info:
        wirelab.dev_ca_context()
    assert "wirelab https ca" in str(info.value)


def test_origins_and_subprotocols(wirelab_server):
    srv = wirelab_server(lambda ws: ws.send(ws.subprotocol or "none"),
                         origins=["http://ok.example", None], subprotocols=["superchat", "chat"])
    with ws_connect(f"ws://127.0.0.1:{srv.port}/", origin="http://ok.example", subprotocols=["chat", "superchat"]) as ws:
        assert ws.subprotocol == "superchat" and ws.recv() == "superchat"
    with ws_connect(f"ws://127.0.0.1:{srv.port}/") as ws:  # no Origin: None is listed
        assert ws.recv() == "none"
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{srv.port}/", origin="http://evil.example")
    assert info.value.response.status_code == 403
    strict = wirelab_server(echo, origins=["http://ok.example"])
    with pytest.raises(InvalidStatus):
        ws_connect(f"ws://127.0.0.1:{strict.port}/")


def test_process_request(wirelab_server):
    seen = []

    def process_request(connection, request):
        seen.append(request.path)
        if request.path == "/healthz":
            return connection.respond(HTTPStatus.OK, "OK\n")
        if request.path == "/legacy":
            return HTTPStatus.UNAUTHORIZED, [("WWW-Authenticate", 'Basic realm="x"')], b"who are you?\n"
        if request.path == "/ws-response":
            return WsResponse(429, "Too Many Requests", WsHeaders([("Retry-After", "7")]), b"slow down\n")
        if request.headers.get("Authorization") != "Bearer t":
            return connection.respond(HTTPStatus.FORBIDDEN, "no token\n")
        return None

    srv = wirelab_server(echo, process_request=process_request)
    import http.client

    hc = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    hc.request("GET", "/healthz", headers={
        "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    r = hc.getresponse()
    assert r.status == 200 and r.read() == b"OK\n"
    hc.close()
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{srv.port}/legacy")
    assert info.value.response.status_code == 401
    assert info.value.response.headers["WWW-Authenticate"] == 'Basic realm="x"'
    assert info.value.response.body == b"who are you?\n"
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{srv.port}/ws-response")
    assert info.value.response.status_code == 429 and info.value.response.headers["Retry-After"] == "7"
    with pytest.raises(InvalidStatus) as info:
        ws_connect(f"ws://127.0.0.1:{srv.port}/chat")
    assert (info.value.response.status_code, info.value.response.body) == (403, b"no token\n")
    with ws_connect(f"ws://127.0.0.1:{srv.port}/chat", additional_headers={"Authorization": "Bearer t"}) as ws:
        ws.send("in")
        assert ws.recv() == "in"
    assert seen == ["/healthz", "/legacy", "/ws-response", "/chat", "/chat"]


def test_server_socket(wirelab_server):
    srv = wirelab_server(echo)
    assert srv.socket.getsockname() == ("127.0.0.1", srv.port)
    assert srv.socket is srv.socket


def test_handshake_error_carries_the_body(websockets_server):
    def refuse(connection, request):
        return connection.respond(HTTPStatus.FORBIDDEN, "forbidden: bad token\n")

    port = websockets_server(echo, process_request=refuse)
    with pytest.raises(HandshakeError) as info:
        wirelab.connect(f"ws://127.0.0.1:{port}/")
    e = info.value
    assert e.status == 403 and e.response.status_code == 403
    assert e.body == b"forbidden: bad token\n" and e.response.body == e.body
    assert e.response.headers["Content-Type"].startswith("text/plain")


def test_close_code_after_own_close(websockets_server):
    port = websockets_server(echo)
    ws = wirelab.connect(f"ws://127.0.0.1:{port}/")
    assert ws.close_code is None
    ws.close(1000, "done")
    assert (ws.close_code, ws.close_reason) == (1000, "done")
    ws = wirelab.connect(f"ws://127.0.0.1:{port}/")
    ws.close(4001, "mine")
    assert (ws.close_code, ws.close_reason) == (4001, "mine")
