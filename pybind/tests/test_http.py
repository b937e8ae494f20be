"""parse_request: the strict HTTP/1.1 engine from Python."""

from __future__ import annotations

import pytest

import wirelab
from wirelab import ProtocolError


def test_parse_request_fields_in_order():
    req = wirelab.parse_request(
        b"GET /chat?room=1 HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
        b"X-Dup: a\r\nx-dup: b\r\n\r\n"
    )
    assert (req.method, req.target, req.path, req.query, req.version) == ("GET", "/chat?room=1", "/chat", "room=1", "HTTP/1.1")
    assert req.host == "server.example.com"
    assert req.headers["upgrade"] == "websocket"
    assert req.headers.get_all("X-DUP") == ["a", "b"]
    assert req.headers.items()[-1] == ("x-dup", "b")
    assert "HOST" in req.headers and "Cookie" not in req.headers


def test_body_with_nul_bytes():
    body = b"\x00\x01\x00binary\x00"
    req = wirelab.parse_request(b"POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    assert req.body == body


def test_chunked_body():
    req = wirelab.parse_request(b"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\na\x00c\r\n0\r\n\r\n")
    assert req.body == b"a\x00c"


@pytest.mark.parametrize(
    "raw, status, words",
    [
        (b"GET / HTTP/1.1\r\n\r\n", 400, "Host"),
        (b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "Host"),
        (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "RFC 9112"),
        (b"GET / HTTP/1.1\r\nHost: h\r\nBad Name: x\r\n\r\n", 400, "field name"),
        (b"GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, ""),
        (b"GET / HTTP/1.1\r\nHost: h\r\n", 400, "header section"),
        (b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc", 400, "body"),
    ],
)
def test_malformed_requests(raw, status, words):
    with pytest.raises(ProtocolError) as info:
        wirelab.parse_request(raw)
    assert info.value.code == status
    assert words in str(info.value)
