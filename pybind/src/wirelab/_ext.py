"""The bridge to the gopy-generated module: bytes in and out, exceptions.

Every call into Go goes through here. gopy raises each Go error as a
RuntimeError whose text the Go facade tagged (pybind/core/errors.go)::

    wirelab \\x1f kind \\x1f code \\x1f detail \\x1f message

raise_from turns it into the matching exception of wirelab.exceptions.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import warnings
from typing import Any, Callable, NoReturn, Optional, Tuple, Union

from ._gopy import _core as raw  # noqa: F401  the extension itself: functions over handles
from ._gopy import core as _core  # gopy's Python wrappers, generated at build time
from ._gopy import go as _go
from .exceptions import HandshakeError, ProtocolError, WirelabError, closed

__all__ = ["raw", "core", "Slice_byte", "new_handle", "to_bytes", "out_handle", "go_bytes",
           "translate", "raise_from", "unpack", "pack_fields", "SLICE_MS", "options", "FORK_MESSAGE",
           "GeventWarning", "check_gevent", "finish"]

#: Blocking calls wait in Go at most this long (milliseconds) before coming
#: back to Python, so that the interpreter runs signal handlers: Ctrl-C
#: raises KeyboardInterrupt within SLICE_MS, even in recv() or
#: serve_forever(). A message that arrives meanwhile returns at once.
SLICE_MS = 100

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


def finish(task: Any, result: Callable[[], Any]) -> Any:
    """Wait for a Go task (Dialing, Checking) in slices, cancelling it on
    Ctrl-C, then return result(), raising wirelab's exception for a Go
    error."""
    try:
        while task.Wait(SLICE_MS) != 1:
            pass
    except BaseException:
        task.Cancel()
        raise
    try:
        return result()
    except RuntimeError as e:
        err = translate(e)
    raise err


def _ms(name: str, seconds: Optional[float]) -> int:
    if seconds is None:
        return 0
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds or None, not {type(seconds).__name__}")
    if seconds < 0 or seconds != seconds:
        raise ValueError(f"{name} must be a positive number of seconds or None, not {seconds!r}")
    return max(1, int(seconds * 1000)) if seconds else 0


def options(
    ping_interval: Optional[float] = 20,
    ping_timeout: Optional[float] = 20,
    close_timeout: Optional[float] = 10,
    max_size: Optional[int] = 2**20,
    max_queue: Union[None, int, Tuple[Optional[int], Optional[int]]] = 16,
) -> "_core.Options":
    """A Go Options value from websockets-style keyword arguments (seconds,
    bytes, messages; None turns a limit off)."""
    if isinstance(max_queue, tuple):  # websockets 14+: (high, low) water marks
        max_queue = max_queue[0]
    for name, v in (("max_size", max_size), ("max_queue", max_queue)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int)):
            raise TypeError(f"{name} must be an int or None, not {type(v).__name__}")
    if max_size is not None and max_size < 1:
        raise ValueError(f"max_size must be at least 1 byte, or None for no limit, not {max_size}")
    if max_queue is not None and not 1 <= max_queue <= 4096:
        raise ValueError(f"max_queue must be between 1 and 4096 messages, or None (4096), not {max_queue}")
    try:
        return _core.NewOptions(
            _ms("ping_interval", ping_interval),
            _ms("ping_timeout", ping_timeout),
            _ms("close_timeout", close_timeout),
            max_size or 0,
            max_queue or 0,
        )
    except RuntimeError as e:
        err = translate(e)
    raise err


# ---- fork ----

FORK_MESSAGE = (
    "wirelab cannot run in a process created by fork() after wirelab was imported: "
    "the Go runtime inside it does not survive fork (its threads stay behind in the parent), "
    "so any call would hang. Start child processes with the 'spawn' or 'forkserver' method "
    "(multiprocessing.set_start_method('spawn'), or multiprocessing.get_context('spawn')), "
    "or import wirelab only in the child."
)


def _forked(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise RuntimeError(FORK_MESSAGE)


def _nothing(*_args: Any, **_kwargs: Any) -> None:
    return None


class _ForkedExtension:
    """Stands in for the extension module in a fork child: every function
    raises RuntimeError(FORK_MESSAGE), except what gopy calls on its own as
    Python collects garbage (reference counts of wrapper objects, and the
    Go GC it requests from a gc.callbacks hook), which does nothing: the Go
    objects are gone with the Go runtime."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name in ("IncRef", "DecRef", "RequestGC"):
            return _nothing
        return _forked


_STUB = _ForkedExtension()
_GOPY_MODULES = (_core, _go)  # they call the extension through their global _core


def _after_fork_in_child() -> None:
    """Cut every path into Go, so that a fork child that touches wirelab
    gets a clear RuntimeError instead of hanging for ever.

    The garbage collector stays off until the gopy wrappers point at the
    stub: collecting one calls DecRef, and a call into Go hangs here.
    """
    global raw, new_handle, to_bytes, _from_bytes
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        real = raw
        for mod in _GOPY_MODULES:
            mod._core = _STUB  # type: ignore[attr-defined]
        raw, new_handle, to_bytes, _from_bytes = _STUB, _forked, _forked, _forked  # type: ignore[assignment]
        for name, mod in list(sys.modules.items()):
            if mod is None or not (name == "wirelab" or name.startswith("wirelab.")):
                continue
            if getattr(mod, "_core", None) is real:
                mod._core = _STUB  # type: ignore[attr-defined]
            for attr, val in list(vars(mod).items()):
                if getattr(val, "__self__", None) is real:  # hot paths bound at import
                    setattr(mod, attr, _forked)
                elif val is real:
                    setattr(mod, attr, _STUB)
    finally:
        if was_enabled:
            gc.enable()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


# ---- gevent ----


class GeventWarning(RuntimeWarning):
    """gevent has patched the standard library, which wirelab's Go side
    does not cooperate with."""


GEVENT_MESSAGE = (
    "wirelab: gevent has monkey-patched the socket module, but wirelab's connections run in Go, "
    "outside gevent's event loop: a blocking wirelab call (recv, serve_forever, connect, close) "
    "holds up every greenlet of its OS thread, so one idle client stalls the others. "
    "Run wirelab in real OS threads (gevent.monkey.patch_all(thread=False) and threading.Thread, "
    "or gevent.threadpool), or use wirelab without gevent."
)
_gevent_warned = False


def check_gevent(stacklevel: int = 3) -> None:
    """Warn once (GeventWarning) when gevent has patched the socket module."""
    global _gevent_warned
    if _gevent_warned:
        return
    monkey = sys.modules.get("gevent.monkey")
    try:
        patched = bool(monkey and monkey.is_module_patched("socket"))
    except Exception:
        patched = False
    if patched:
        _gevent_warned = True
        warnings.warn(GEVENT_MESSAGE, GeventWarning, stacklevel=stacklevel)
