"""The exceptions wirelab raises.

::

    WirelabError
    ├── ProtocolError           bytes that break RFC 6455 or RFC 9112
    ├── HandshakeError          the opening handshake failed (status, header)
    └── ConnectionClosed        the connection is over (code, reason)
        ├── ConnectionClosedOK      closed with 1000, 1001 or no status
        └── ConnectionClosedError   any other code, 1006 for a dropped TCP connection

Bad arguments raise ValueError; network failures raise the built-in OSError
family (ConnectionRefusedError, TimeoutError).
"""

from __future__ import annotations

__all__ = [
    "WirelabError",
    "ProtocolError",
    "HandshakeError",
    "ConnectionClosed",
    "ConnectionClosedOK",
    "ConnectionClosedError",
]

#: Close codes that end a connection normally (RFC 6455 §7.4.1): normal
#: closure, going away, and a close frame without a code.
OK_CLOSE_CODES = frozenset({1000, 1001, 1005})


class WirelabError(Exception):
    """Base class of wirelab's exceptions."""


class ProtocolError(WirelabError):
    """Bytes that break the protocol.

    ``code`` is the WebSocket close code to fail the connection with (1002,
    1007...) or, for HTTP, the status a server answers (400, 431, 501...).
    """

    def __init__(self, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.code = code


class HandshakeError(WirelabError):
    """The opening handshake failed.

    ``status`` is the HTTP status the server answered (or, on a client, a
    101 whose headers were wrong); ``header`` names the field at fault, or
    is empty.
    """

    def __init__(self, message: str, status: int = 0, header: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.header = header


class ConnectionClosed(WirelabError):
    """The connection is closed: ``code`` and ``reason`` come from the close
    frame received (1006 and "" when TCP ended without one)."""

    def __init__(self, code: int = 1006, reason: str = "", message: str = "") -> None:
        self.code = code
        self.reason = reason
        super().__init__(message or self._describe())

    def _describe(self) -> str:
        s = f"connection closed with code {self.code}"
        return s + (f": {self.reason}" if self.reason else "")


class ConnectionClosedOK(ConnectionClosed):
    """The connection closed normally (1000, 1001 or 1005)."""


class ConnectionClosedError(ConnectionClosed):
    """The connection closed with an error code, or dropped (1006)."""


def closed(code: int, reason: str = "", message: str = "") -> ConnectionClosed:
    """Return the ConnectionClosed subclass instance for code."""
    cls = ConnectionClosedOK if code in OK_CLOSE_CODES else ConnectionClosedError
    return cls(code, reason, message)
