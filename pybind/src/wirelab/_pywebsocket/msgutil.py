"""mod_pywebsocket.msgutil's functions over ``request.ws_stream``."""

from __future__ import annotations

from typing import Any, Optional, Union

from ..exceptions import ConnectionClosedError, ProtocolError

__all__ = [
    "send_message",
    "receive_message",
    "send_ping",
    "close_connection",
    "ConnectionTerminatedException",
    "InvalidFrameException",
    "InvalidUTF8Exception",
    "BadOperationException",
    "UnsupportedFrameException",
]

#: The connection dropped (or failed) under a handler.
ConnectionTerminatedException = ConnectionClosedError
#: Bytes from the peer that break RFC 6455.
InvalidFrameException = ProtocolError
InvalidUTF8Exception = ProtocolError
UnsupportedFrameException = ProtocolError


class BadOperationException(Exception):
    """A call that the connection's state forbids (say, send after close)."""


def send_message(request: Any, message: Union[str, bytes], end: bool = True, binary: bool = False) -> None:
    """Send a message: text unless ``binary``; ``end=False`` holds a part."""
    request.ws_stream.send_message(message, end=end, binary=binary)


def receive_message(request: Any) -> Optional[Union[str, bytes]]:
    """The next message (str for text, bytes for binary), None once the
    client closed."""
    return request.ws_stream.receive_message()


def send_ping(request: Any, body: Union[str, bytes] = b"") -> None:
    request.ws_stream.send_ping(body)



def close_connection(request: Any, code: int = 1000, reason: str = "") -> None:
    """Run the closing handshake."""
    request.ws_stream.close_connection(code, reason)
