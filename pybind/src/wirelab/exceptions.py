"""The exceptions wirelab raises.

::

    WirelabError
    ├── ProtocolError           bytes that break RFC 6455 or RFC 9112
    ├── HandshakeError          the opening handshake failed (status, header)
    └── ConnectionClosed        the connection is over (rcvd, sent: Close frames)
        ├── ConnectionClosedOK      closed with 1000, 1001 or no status both ways
        └── ConnectionClosedError   any other code, 1006 for a dropped TCP connection

Their messages read like websockets': ``received 1000 (OK); then sent 1000
(OK)``.

Bad arguments raise ValueError; network failures raise the built-in OSError
family (ConnectionRefusedError, TimeoutError).
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "CLOSE_CODE_EXPLANATIONS",
    "Close",
    "from_state",
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


#: What each close code means, worded as websockets words it, so that
#: messages read the same with either library.
CLOSE_CODE_EXPLANATIONS = {
    1000: "OK",
    1001: "going away",
    1002: "protocol error",
    1003: "unsupported data",
    1005: "no status received [internal]",
    1006: "abnormal closure [internal]",
    1007: "invalid frame payload data",
    1008: "policy violation",
    1009: "message too big",
    1010: "mandatory extension",
    1011: "internal error",
    1012: "service restart",
    1013: "try again later",
    1014: "bad gateway",
    1015: "TLS handshake failure [internal]",
}


class Close:
    """A close frame's code and reason (RFC 6455 §5.5.1), as websockets'
    ``frames.Close``: ``str()`` gives ``1000 (OK) bye``."""

    __slots__ = ("code", "reason")

    def __init__(self, code: int, reason: str = "") -> None:
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        if 3000 <= self.code < 4000:
            explanation = "registered"
        elif 4000 <= self.code < 5000:
            explanation = "private use"
        else:
            explanation = CLOSE_CODE_EXPLANATIONS.get(self.code, "unknown")
        result = f"{self.code} ({explanation})"
        return f"{result} {self.reason}" if self.reason else result

    def __repr__(self) -> str:
        return f"Close(code={self.code}, reason={self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Close) and (self.code, self.reason) == (other.code, other.reason)

    __hash__ = None  # type: ignore[assignment]


class ConnectionClosed(WirelabError):
    """The connection is closed.

    As in websockets, ``rcvd`` and ``sent`` are the close frames received
    and sent (None when there was none), ``rcvd_then_sent`` their order, and
    the message tells the story: ``received 1000 (OK); then sent 1000
    (OK)``. ``code`` and ``reason`` are the received frame's (1006 and ""
    when none came, or the code this side sent to fail the connection:
    1002, 1007, 1009, 1011).
    """

    def __init__(
        self,
        code: int = 1006,
        reason: str = "",
        message: str = "",
        *,
        rcvd: "Optional[Close]" = None,
        sent: "Optional[Close]" = None,
        rcvd_then_sent: Optional[bool] = None,
    ) -> None:
        self.code = code
        self.reason = reason
        self.rcvd = rcvd
        self.sent = sent
        self.rcvd_then_sent = rcvd_then_sent
        super().__init__(message or self._describe())

    def _describe(self) -> str:
        if self.rcvd is None and self.sent is None and self.code != 1006:
            # Built from a code alone (a closed server, say).
            return f"connection closed with code {Close(self.code, self.reason)}"
        if self.rcvd is None:
            if self.sent is None:
                return "no close frame received or sent"
            return f"sent {self.sent}; no close frame received"
        if self.sent is None:
            return f"received {self.rcvd}; no close frame sent"
        if self.rcvd_then_sent:
            return f"received {self.rcvd}; then sent {self.sent}"
        return f"sent {self.sent}; then received {self.rcvd}"


class ConnectionClosedOK(ConnectionClosed):
    """The connection closed normally (1000, 1001 or 1005)."""


class ConnectionClosedError(ConnectionClosed):
    """The connection closed with an error code, or dropped (1006)."""



def closed(code: int, reason: str = "", message: str = "") -> ConnectionClosed:
    """Return the ConnectionClosed subclass instance for code."""
    cls = ConnectionClosedOK if code in OK_CLOSE_CODES else ConnectionClosedError
    return cls(code, reason, message)


def from_state(state: dict) -> ConnectionClosed:
    """Return the exception for a connection that is over, from the Go
    side's account of it (Conn.State, pybind/core/conn.go).

    ConnectionClosedOK when close frames with 1000, 1001 or no status
    crossed both ways; ConnectionClosedError otherwise. A protocol error
    from the peer is the __cause__.
    """
    rcvd = Close(state["rcvd"]["code"], state["rcvd"]["reason"]) if state.get("rcvd") else None
    sent = Close(state["sent"]["code"], state["sent"]["reason"]) if state.get("sent") else None
    order = bool(state.get("rcvd_then_sent")) if rcvd and sent else None
    if rcvd is not None:
        code, reason = rcvd.code, rcvd.reason
    elif state.get("error_code"):
        code, reason = state["error_code"], ""
    elif sent is not None and sent.code not in OK_CLOSE_CODES:
        code, reason = sent.code, ""
    else:
        code, reason = 1006, ""
    ok = code in OK_CLOSE_CODES and (sent is None or sent.code in OK_CLOSE_CODES)
    cls = ConnectionClosedOK if ok else ConnectionClosedError
    exc = cls(code, reason, rcvd=rcvd, sent=sent, rcvd_then_sent=order)
    if state.get("error_code"):
        exc.__cause__ = ProtocolError(state.get("error") or "", state["error_code"])
    return exc
