"""connect(): a sync WebSocket client in the style of websockets.sync.client."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple, Union

from . import _ext
from .connection import ClientConnection, Response, _info

__all__ = ["connect"]


def connect(
    uri: str,
    *,
    subprotocols: Optional[Sequence[str]] = None,
    origin: Optional[str] = None,
    additional_headers: Union[None, Dict[str, str], List[Tuple[str, str]]] = None,
    open_timeout: Optional[float] = 10,
    ping_interval: Optional[float] = 20,
    ping_timeout: Optional[float] = 20,
    close_timeout: Optional[float] = 10,
    max_size: Optional[int] = 2**20,
    max_queue: Union[None, int, Tuple[Optional[int], Optional[int]]] = 16,
) -> ClientConnection:
    """Open a WebSocket connection to a ws:// or wss:// URI (RFC 6455 §4.1).

    The handshake runs in Go; HandshakeError explains a refusal (with the
    status) or a bad 101 (with the header at fault). Use the connection as a
    context manager to close it::

        with wirelab.connect("ws://127.0.0.1:8765/") as ws:
            ws.send("hello")
            print(ws.recv())

    The options have websockets' names and defaults: a ping every
    ``ping_interval`` seconds, the connection failed with 1011 when its
    pong is ``ping_timeout`` seconds late; ``close_timeout`` for the
    closing handshake; incoming messages of at most ``max_size`` bytes,
    ``max_queue`` of them held until recv() takes them. None turns each
    off. Go runs the keepalive, whatever Python does meanwhile.
    """
    _ext.check_gevent()
    opts = _ext.options(ping_interval, ping_timeout, close_timeout, max_size, max_queue)
    fields: List[Tuple[str, str]] = []
    if origin is not None:
        fields.append(("Origin", origin))
    if additional_headers:
        items = additional_headers.items() if isinstance(additional_headers, dict) else additional_headers
        fields.extend((str(k), str(v)) for k, v in items)
    for s in subprotocols or ():
        if "," in s or not s.strip():
            raise ValueError(f"invalid subprotocol {s!r}")
    timeout_ms = 0 if open_timeout is None else max(1, int(open_timeout * 1000))
    if "\0" in uri:
        raise ValueError("a URI never contains NUL")
    try:
        dialing = _ext.core.Dial(uri, ",".join(subprotocols or ()), _ext.go_bytes(_ext.pack_fields(fields)),
                                 timeout_ms, opts)
    except RuntimeError as e:
        err = _ext.translate(e)
    else:
        err = None
    if err is not None:
        raise err
    conn = _ext.finish(dialing, dialing.Conn)  # in slices: Ctrl-C gets through
    request, resp_headers, status = _info(conn)
    return ClientConnection(conn, request, Response(status, resp_headers))
