"""The exception tree and the mapping of Go errors onto it."""

from __future__ import annotations

import pytest

import wirelab
from wirelab import _ext
from wirelab.exceptions import (
    ConnectionClosed,
    ConnectionClosedError,
    ConnectionClosedOK,
    HandshakeError,
    ProtocolError,
    WirelabError,
)


def test_tree():
    for cls in (ProtocolError, HandshakeError, ConnectionClosed):
        assert issubclass(cls, WirelabError)
    assert issubclass(ConnectionClosedOK, ConnectionClosed)
    assert issubclass(ConnectionClosedError, ConnectionClosed)
    assert not issubclass(WirelabError, RuntimeError)


@pytest.mark.parametrize(
    "text, cls, attrs",
    [
        ("wirelab\x1fprotocol\x1f1002\x1f\x1fbad", ProtocolError, {"code": 1002}),
        ("wirelab\x1fhandshake\x1f426\x1fSec-WebSocket-Version\x1fno", HandshakeError,
         {"status": 426, "header": "Sec-WebSocket-Version"}),
        ("wirelab\x1fclosed\x1f1000\x1fbye\x1fclosed", ConnectionClosedOK, {"code": 1000, "reason": "bye"}),
        ("wirelab\x1fclosed\x1f1005\x1f\x1fclosed", ConnectionClosedOK, {"code": 1005}),
        ("wirelab\x1fclosed\x1f1006\x1f\x1fdropped", ConnectionClosedError, {"code": 1006}),
        ("wirelab\x1fvalue\x1f0\x1f\x1fbad arg", ValueError, {}),
        ("wirelab\x1ftimeout\x1f0\x1f\x1fslow", TimeoutError, {}),
        ("wirelab\x1frefused\x1f0\x1f\x1fno", ConnectionRefusedError, {}),
        ("wirelab\x1fos\x1f0\x1f\x1fno", OSError, {}),
        ("wirelab\x1finternal\x1f0\x1f\x1fpanic", WirelabError, {}),
        ("some other runtime error", WirelabError, {}),
    ],
)
def test_translate(text, cls, attrs):
    err = _ext.translate(RuntimeError(text))
    assert type(err) is cls
    for k, v in attrs.items():
        assert getattr(err, k) == v


def test_go_errors_never_surface_as_runtime_error():
    with pytest.raises(ProtocolError) as info:
        wirelab.decode_frame(b"\x8f\x00")
    assert not isinstance(info.value, RuntimeError)
    assert "reserved opcode 0xf" in str(info.value)
    with pytest.raises(ValueError):
        wirelab.encode_frame(b"x" * 200, wirelab.Opcode.PING)


def test_nul_bytes_survive_every_path():
    payload = b"\x00" * 3 + b"a\x00b" + b"\x00"
    frame, _ = wirelab.decode_frame(wirelab.encode_frame(payload, mask=True))
    assert frame.payload == payload
    req = wirelab.parse_request(b"PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 7\r\n\r\n" + payload)
    assert req.body == payload
