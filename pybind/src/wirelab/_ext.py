"""The bridge to the gopy-generated module: bytes in and out, exceptions.

Every call into Go goes through here. gopy raises each Go error as a
RuntimeError whose text the Go facade tagged (pybind/core/errors.go)::

    wirelab \\x1f kind \\x1f code \\x1f detail \\x1f message

raise_from turns it into the matching exception of wirelab.exceptions.
"""

from __future__ import annotations

import threading
from typing import NoReturn

from ._gopy import _core as raw  # noqa: F401  the extension itself: functions over handles
from ._gopy import core as _core  # gopy's Python wrappers, generated at build time
from ._gopy import go as _go
from .exceptions import HandshakeError, ProtocolError, WirelabError, closed

__all__ = ["raw", "core", "Slice_byte", "new_handle", "to_bytes", "out_handle", "go_bytes",
           "translate", "raise_from", "unpack", "pack_fields"]

core = _core
Slice_byte = _go.Slice_byte
_from_bytes = _go.Slice_byte.from_bytes

#: Hot paths skip gopy's wrapper objects (pybind/core/handles.go): an input
#: is a bare handle from new_handle, released by Go; an output lands in a
#: per-thread []byte read back with to_bytes.
new_handle = raw.Slice_byte_from_bytes
to_bytes = raw.Slice_byte_to_bytes
_local = threading.local()


def out_handle() -> int:
    """This thread's output []byte handle."""
    try:
        h: int = _local.out.handle
    except AttributeError:
        _local.out = _go.Slice_byte()
        h = _local.out.handle
    return h


def go_bytes(data: bytes) -> "_go.Slice_byte":
    """Copy Python bytes into a Go []byte owned by a wrapper object."""
    return _from_bytes(data)


def translate(err: RuntimeError) -> BaseException:
    """Return the wirelab exception for a RuntimeError raised by gopy."""
    parts = str(err).split("\x1f")
    if len(parts) != 5 or parts[0] != "wirelab":
        return WirelabError(str(err))
    _, kind, code_s, detail, message = parts
    code = int(code_s)
    if kind == "protocol":
        return ProtocolError(message, code)
    if kind == "handshake":
        return HandshakeError(message, code, detail)
    if kind == "closed":
        return closed(code, detail, message)
    if kind == "value":
        return ValueError(message)
    if kind == "timeout":
        return TimeoutError(message)
    if kind == "refused":
        return ConnectionRefusedError(message)
    if kind == "os":
        return OSError(message)
    return WirelabError(message)


def raise_from(err: RuntimeError) -> NoReturn:
    raise translate(err) from None


def unpack(raw: bytes) -> "tuple[list[str], bytes]":
    """Unpack count \\0 s1 \\0 ... \\0 rest (pybind/core/pack.go)."""
    head, _, body = raw.partition(b"\0")
    n = int(head)
    if n == 0:
        return [], body
    parts = body.split(b"\0", n)
    rest = parts.pop() if len(parts) > n else b""
    return [p.decode("utf-8", "surrogateescape") for p in parts], rest


def pack_fields(fields: "list[tuple[str, str]]") -> bytes:
    """Pack name \\0 value \\0 ... for the Go side."""
    out = []
    for name, value in fields:
        for s in (name, value):
            if "\0" in s:
                raise ValueError(f"header field {name!r} contains a NUL byte")
            out.append(s)
    return "\0".join(out).encode("utf-8")
