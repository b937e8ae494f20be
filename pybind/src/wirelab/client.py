"""connect(): a sync WebSocket client in the style of websockets.sync.client."""

from __future__ import annotations

import os
import ssl as _ssl
from typing import Dict, List, Optional, Sequence, Tuple, Union

from . import _ext
from .connection import ClientConnection, Response, _info
from .exceptions import HandshakeError
from .http import Headers

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
    ssl: Union[None, bool, _ssl.SSLContext, str, "os.PathLike[str]"] = None,
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

    ``ssl`` configures wss:// (TLS runs in Go): an ``ssl.SSLContext``
    (its CA certificates, ``verify_mode`` and ``check_hostname`` are used;
    one with no CA loaded trusts the system's roots), or the path of a PEM
    CA file, such as the development CA's (see ``dev_ca_file()``).
    ``dev_ca_context()`` makes an SSLContext that trusts that CA, for this
    connect and for websockets' alike. Client certificates are not
    supported. A refused handshake raises HandshakeError whose
    ``response`` carries the status, headers and body.
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
    tls = client_tls(uri, ssl)
    try:
        args = (uri, ",".join(subprotocols or ()), _ext.go_bytes(_ext.pack_fields(fields)), timeout_ms, opts)
        # gopy passes no None for a pointer: plain Dial without a TLS config.
        dialing = _ext.core.Dial(*args) if tls is None else _ext.core.DialTLS(*args, tls)
    except RuntimeError as e:
        err = _ext.translate(e)
    else:
        err = None
    if err is not None:
        raise err
    try:
        conn = _ext.finish(dialing, dialing.Conn)  # in slices: Ctrl-C gets through
    except HandshakeError as e:
        e.response = refusal(bytes(dialing.Response()))
        raise
    request, resp_headers, status = _info(conn)
    return ClientConnection(conn, request, Response(status, resp_headers))


def refusal(raw: bytes) -> Optional[Response]:
    """The server's answer to a refused handshake (pybind/core Dialing.Response)."""
    if not raw:
        return None
    strings, body = _ext.unpack(raw)
    status, reason, flat = strings[0], strings[1], strings[2:]
    return Response(int(status), Headers(list(zip(flat[0::2], flat[1::2]))), body, reason)


def dev_ca_file() -> str:
    """Where ``wirelab https ca`` keeps the development CA's certificate,
    rootCA.pem, in the user config dir (as Go's os.UserConfigDir finds it:
    $XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support
    on macOS, %AppData% on Windows, then wirelab/ca)."""
    if os.name == "nt":
        base = os.environ.get("AppData", "")
    elif os.uname().sysname == "Darwin":
        base = os.path.expanduser("~/Library/Application Support")
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return os.path.join(base, "wirelab", "ca", "rootCA.pem")


def dev_ca_context() -> _ssl.SSLContext:
    """An SSLContext that trusts the development CA (``wirelab https ca``),
    for ``connect(..., ssl=...)`` and for websockets' clients alike."""
    path = dev_ca_file()
    if not os.path.exists(path):
        raise FileNotFoundError(f"no development CA at {path}: run `wirelab https ca` to create it")
    return _ssl.create_default_context(cafile=path)


def client_tls(uri: str, ssl: object) -> "Optional[_ext.core.TLS]":
    """The Go TLS configuration for connect's ``ssl`` option."""
    secure = uri.split(":", 1)[0].lower() in ("wss", "https")
    if ssl is None or ssl is False:
        return None
    if not secure:
        raise ValueError(f"ssl= is for wss:// URIs, not {uri.split(':', 1)[0]}:// (use wss://)")
    if ssl is True:
        return None
    if isinstance(ssl, _ssl.SSLContext):
        ders = ssl.get_ca_certs(binary_form=True)
        pem = "".join(_ssl.DER_cert_to_PEM_cert(d) for d in ders).encode()
        verify = ssl.verify_mode != _ssl.CERT_NONE
        check = bool(ssl.check_hostname)
    elif isinstance(ssl, (str, os.PathLike)):
        try:
            pem = bytes(_ext.core.ReadPEM(os.fspath(ssl)))
        except RuntimeError as e:
            raise _ext.translate(e) from None
        verify = check = True
    else:
        raise TypeError(f"ssl must be an ssl.SSLContext, a CA file path or True, not {type(ssl).__name__}")
    try:
        return _ext.core.ClientTLS(_ext.go_bytes(pem), verify, check)
    except RuntimeError as e:
        raise _ext.translate(e) from None
