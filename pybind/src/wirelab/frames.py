"""WebSocket frames (RFC 6455 §5.2): accept_key, encode_frame, decode_frame.

A frame on the wire::

     0                   1                   2                   3
     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    +-+-+-+-+-------+-+-------------+-------------------------------+
    |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
    |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
    |N|V|V|V|       |S|             |   (if payload len==126/127)   |
    | |1|2|3|       |K|             |                               |
    +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
    |     Extended payload length continued, if payload len == 127  |
    + - - - - - - - - - - - - - - - +-------------------------------+
    |                               |Masking-key, if MASK set to 1  |
    +-------------------------------+-------------------------------+
    | Masking-key (continued)       |          Payload Data         |
    +-------------------------------- - - - - - - - - - - - - - - - +

The encoding, the checks and the masking run in Go (pybind/core/codec.go
over the websocket package).
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass
from typing import Optional, Tuple, Union

from . import _ext

__all__ = ["Opcode", "Frame", "accept_key", "encode_frame", "decode_frame"]

BytesLike = Union[bytes, bytearray, memoryview]


class Opcode(enum.IntEnum):
    """Frame opcodes (RFC 6455 §11.8)."""

    CONTINUATION = 0x0
    TEXT = 0x1
    BINARY = 0x2
    CLOSE = 0x8
    PING = 0x9
    PONG = 0xA

    @property
    def is_control(self) -> bool:
        return self >= 0x8


@dataclass(frozen=True)
class Frame:
    """One decoded frame. ``payload`` is unmasked."""

    opcode: Opcode
    payload: bytes
    fin: bool = True
    rsv1: bool = False
    rsv2: bool = False
    rsv3: bool = False
    masked: bool = False
    key: Optional[bytes] = None

    @property
    def text(self) -> str:
        """The payload decoded as UTF-8."""
        return self.payload.decode("utf-8")

    @property
    def close_code(self) -> Optional[int]:
        """For a close frame, its status code (None when it carries none)."""
        if self.opcode != Opcode.CLOSE or len(self.payload) < 2:
            return None
        return int.from_bytes(self.payload[:2], "big")

    @property
    def close_reason(self) -> str:
        """For a close frame, its reason."""
        if self.opcode != Opcode.CLOSE:
            return ""
        return self.payload[2:].decode("utf-8")


def accept_key(key: str) -> str:
    """Return Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2).

    >>> accept_key("dGhlIHNhbXBsZSBub25jZQ==")
    's3pPLMBiTxaQ9kYGzzhZRbK+xOo='
    """
    if not isinstance(key, str):
        raise TypeError(f"key must be str, not {type(key).__name__}")
    if "\0" in key:
        raise ValueError("a Sec-WebSocket-Key never contains NUL")
    return _ext.core.AcceptKey(key)


_MASK_NONE, _MASK_RANDOM, _MASK_KEY = 0, 1, 2
_new = _ext.new_handle
_to_bytes = _ext.to_bytes
_encode = _ext.raw.core_EncodeFrameH
_decode = _ext.raw.core_DecodeFrameH


def encode_frame(
    payload: Union[str, BytesLike],
    opcode: Optional[int] = None,
    fin: bool = True,
    mask: Union[None, bool, BytesLike] = None,
    rsv: int = 0,
) -> bytes:
    """Return one frame in wire form.

    ``payload`` is bytes, or str (sent as UTF-8). ``opcode`` defaults to
    TEXT for str and BINARY for bytes. ``mask`` is None or False for a
    server's frame, True for a client's frame with a fresh random key, or
    the 4-byte key to use. ``rsv`` holds RSV1-3 as 0b100, 0b010, 0b001.
    Control frames (close, ping, pong) carry at most 125 bytes and must have
    ``fin`` set (RFC 6455 §5.5); a reserved opcode is a ValueError.
    """
    if isinstance(payload, str):
        data = payload.encode("utf-8")
        op = Opcode.TEXT if opcode is None else opcode
    else:
        data = bytes(payload)
        op = Opcode.BINARY if opcode is None else opcode
    if not 0 <= int(op) <= 0xF:
        raise ValueError(f"opcode {op} does not fit in 4 bits")
    if not 0 <= rsv <= 7:
        raise ValueError(f"rsv {rsv} does not fit in 3 bits")
    flags = (0x80 if fin else 0) | (rsv << 4) | int(op)
    if mask is None or mask is False:
        mode, key = _MASK_NONE, 0
    elif mask is True:
        mode, key = _MASK_RANDOM, 0
    else:
        k = bytes(mask)
        if len(k) != 4:
            raise ValueError(f"a masking key has 4 bytes, not {len(k)}")
        mode, key = _MASK_KEY, int.from_bytes(k, "big")
    out = _ext.out_handle()
    try:
        _encode(_new(data), out, flags, mode, key)
    except RuntimeError as e:
        _ext.raise_from(e)
    return _to_bytes(out)


_FROM = {None: 0, "client": 1, "server": 2}
_PREFIX = struct.Struct("!BBB4sQ")


def decode_frame(
    data: BytesLike, *, sender: Optional[str] = None, rsv: int = 0
) -> Tuple[Optional[Frame], int]:
    """Decode the frame at the start of ``data``.

    Returns ``(frame, consumed)``: the frame with its payload unmasked, and
    how many bytes of ``data`` it took. When ``data`` holds only part of a
    frame, returns ``(None, 0)``: read more and call again. ``sender`` is
    "client" to require masked frames, "server" to require unmasked ones
    (RFC 6455 §5.1), None for either. ``rsv`` lists the RSV bits an extension
    negotiated (0b100 for permessage-deflate).

    Raises ProtocolError, with the close code to fail the connection with,
    for a reserved opcode, a control frame over 125 bytes or fragmented, a
    bad close payload, an unfragmented text frame that is not UTF-8, RSV bits
    or masking that break the rules. The header is checked as soon as it is
    complete.
    """
    if sender not in _FROM:
        raise ValueError(f"sender must be 'client', 'server' or None, not {sender!r}")
    b = bytes(data)
    if len(b) < 2:
        return None, 0
    out = _ext.out_handle()
    try:
        _decode(_new(b), out, _FROM[sender], rsv)
    except RuntimeError as e:
        _ext.raise_from(e)
    raw = _to_bytes(out)
    if raw[0] == 0:
        return None, 0
    _, b0, masked, key, consumed = _PREFIX.unpack_from(raw)
    frame = Frame(
        opcode=Opcode(b0 & 0x0F),
        payload=raw[_PREFIX.size:],
        fin=bool(b0 & 0x80),
        rsv1=bool(b0 & 0x40),
        rsv2=bool(b0 & 0x20),
        rsv3=bool(b0 & 0x10),
        masked=bool(masked),
        key=key if masked else None,
    )
    return frame, consumed
