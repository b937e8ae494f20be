"""accept_key, encode_frame and decode_frame against RFC 6455 and websockets."""

from __future__ import annotations

import os

import pytest
from websockets.frames import Frame as WSFrame
from websockets.frames import Opcode as WSOpcode
from websockets.streams import StreamReader

import wirelab
from wirelab import Opcode, ProtocolError

SIZES = [0, 1, 125, 126, 127, 65535, 65536]


def test_accept_key_rfc_example():
    # RFC 6455 §1.3's worked example.
    assert wirelab.accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_accept_key_rejects_nul_and_non_str():
    with pytest.raises(ValueError):
        wirelab.accept_key("abc\0def")
    with pytest.raises(TypeError):
        wirelab.accept_key(b"abc")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mask", [None, True, b"\x01\x02\x03\x04"])
def test_round_trip_binary_with_nul(size, mask):
    payload = (b"\x00\xff\x00" * (size // 3 + 1))[:size]
    wire = wirelab.encode_frame(payload, mask=mask)
    frame, used = wirelab.decode_frame(wire + b"trailing")
    assert used == len(wire)
    assert frame.payload == payload
    assert frame.opcode is Opcode.BINARY and frame.fin
    assert frame.masked == (mask is not None)
    if isinstance(mask, bytes):
        assert frame.key == mask


@pytest.mark.parametrize("size", SIZES)
def test_length_encoding_is_minimal(size):
    # RFC 6455 §5.2: "the minimal number of bytes MUST be used".
    wire = wirelab.encode_frame(b"x" * size)
    header = len(wire) - size
    assert header == (2 if size <= 125 else 4 if size <= 65535 else 10)


def test_text_frame_and_str_payload():
    wire = wirelab.encode_frame("héllo\0wörld")
    assert wire[0] == 0x81
    frame, _ = wirelab.decode_frame(wire)
    assert frame.opcode is Opcode.TEXT
    assert frame.text == "héllo\0wörld"


def test_rfc_examples():
    # RFC 6455 §5.7: a single-frame unmasked and masked text message "Hello".
    assert wirelab.encode_frame("Hello") == bytes.fromhex("810548656c6c6f")
    assert wirelab.encode_frame("Hello", mask=bytes.fromhex("37fa213d")) == bytes.fromhex("818537fa213d7f9f4d5158")
    frame, _ = wirelab.decode_frame(bytes.fromhex("818537fa213d7f9f4d5158"))
    assert frame.text == "Hello" and frame.key == bytes.fromhex("37fa213d")
    # A fragmented unmasked text message and an unmasked ping.
    f1, n1 = wirelab.decode_frame(bytes.fromhex("010348656c"))
    assert (f1.opcode, f1.fin, f1.payload, n1) == (Opcode.TEXT, False, b"Hel", 5)
    f2, _ = wirelab.decode_frame(bytes.fromhex("80026c6f"))
    assert (f2.opcode, f2.fin, f2.payload) == (Opcode.CONTINUATION, True, b"lo")
    ping, _ = wirelab.decode_frame(bytes.fromhex("890548656c6c6f"))
    assert ping.opcode is Opcode.PING and ping.payload == b"Hello"


def test_incomplete_returns_none():
    wire = wirelab.encode_frame(b"a" * 300, mask=True)
    for cut in (0, 1, 2, 3, 7, len(wire) - 1):
        assert wirelab.decode_frame(wire[:cut]) == (None, 0)


def test_close_frame_fields():
    frame, _ = wirelab.decode_frame(wirelab.encode_frame(b"\x03\xe8bye", Opcode.CLOSE))
    assert frame.close_code == 1000 and frame.close_reason == "bye"
    empty, _ = wirelab.decode_frame(b"\x88\x00")
    assert empty.close_code is None


@pytest.mark.parametrize(
    "wire, code, words",
    [
        (b"\x83\x00", 1002, "reserved opcode"),
        (b"\x8b\x00", 1002, "reserved opcode"),
        (b"\x89\x7e\x00\x7e" + b"x" * 126, 1002, "125"),
        (b"\x09\x00", 1002, "fragmented"),
        (b"\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x00", 1002, "most significant bit"),
        (b"\xc2\x00", 1002, "RSV"),
        (b"\x88\x01\x03", 1002, "1-byte close"),
        (b"\x88\x02\x03\xed", 1002, "1005"),  # 1005 never travels
        (b"\x88\x02\x03\xf7", 1002, "1015"),
        (b"\x88\x04\x03\xe8\xc3\x28", 1007, "UTF-8"),
        (b"\x81\x02\xc3\x28", 1007, "UTF-8"),
    ],
)
def test_malformed_frames_raise_protocol_error(wire, code, words):
    with pytest.raises(ProtocolError) as info:
        wirelab.decode_frame(wire)
    assert info.value.code == code
    assert words in str(info.value)
    assert "RFC 6455" in str(info.value)


def test_header_is_checked_before_the_payload_arrives():
    # A ping announcing 126 bytes fails at once, without the payload.
    with pytest.raises(ProtocolError):
        wirelab.decode_frame(b"\x89\x7e\x00\x7e")


def test_masking_direction():
    masked = wirelab.encode_frame(b"x", mask=True)
    unmasked = wirelab.encode_frame(b"x")
    wirelab.decode_frame(masked, sender="client")
    wirelab.decode_frame(unmasked, sender="server")
    with pytest.raises(ProtocolError, match="clients MUST mask"):
        wirelab.decode_frame(unmasked, sender="client")
    with pytest.raises(ProtocolError, match="servers MUST NOT mask"):
        wirelab.decode_frame(masked, sender="server")
    with pytest.raises(ValueError):
        wirelab.decode_frame(masked, sender="browser")


def test_rsv_allowed_by_extension():
    frame, _ = wirelab.decode_frame(b"\xc2\x00", rsv=0b100)
    assert frame.rsv1 and not frame.rsv2


def test_fragmented_text_may_split_utf8():
    # Only an unfragmented text frame must be whole UTF-8 on its own.
    frame, _ = wirelab.decode_frame(b"\x01\x01\xc3")
    assert frame.payload == b"\xc3" and not frame.fin


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(payload=b"x" * 126, opcode=Opcode.PING),
        dict(payload=b"", opcode=Opcode.CLOSE, fin=False),
        dict(payload=b"", opcode=3),
        dict(payload=b"", mask=b"abc"),
        dict(payload=b"", rsv=8),
        dict(payload=b"", opcode=16),
    ],
)
def test_encode_rejects_what_rfc_forbids(kwargs):
    with pytest.raises(ValueError):
        wirelab.encode_frame(**kwargs)


# ---- against the websockets library's own frame code ----


def ws_parse(wire: bytes, mask: bool) -> WSFrame:
    reader = StreamReader()
    reader.feed_data(wire)
    gen = WSFrame.parse(reader.read_exact, mask=mask, max_size=None, extensions=None)
    try:
        next(gen)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("websockets wanted more bytes")


@pytest.mark.parametrize("size", SIZES)
def test_websockets_reads_our_frames(size):
    payload = os.urandom(size)
    frame = ws_parse(wirelab.encode_frame(payload, mask=True), mask=True)
    assert frame.opcode is WSOpcode.BINARY and frame.data == payload


@pytest.mark.parametrize("size", SIZES)
def test_we_read_websockets_frames(size):
    payload = os.urandom(size)
    wire = WSFrame(WSOpcode.BINARY, payload).serialize(mask=True)
    frame, used = wirelab.decode_frame(wire, sender="client")
    assert frame.payload == payload and used == len(wire)
