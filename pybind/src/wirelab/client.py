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
) -> ClientConnection:
    """Open a WebSocket connection to a ws:// or wss:// URI (RFC 6455 §4.1).

    The handshake runs in Go; HandshakeError explains a refusal (with the
    status) or a bad 101 (with the header at fault). Use the connection as a
    context manager to close it::

        with wirelab.connect("ws://127.0.0.1:8765/") as ws:
            ws.send("hello")
            print(ws.recv())
    """
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
        conn = _ext.core.Dial(uri, ",".join(subprotocols or ()), _ext.go_bytes(_ext.pack_fields(fields)), timeout_ms)
    except RuntimeError as e:
        _ext.raise_from(e)
    request, resp_headers, status = _info(conn)
    return ClientConnection(conn, request, Response(status, resp_headers))
