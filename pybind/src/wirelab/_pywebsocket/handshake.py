"""mod_pywebsocket.handshake's exceptions, as handlers raise them."""

from __future__ import annotations

from typing import Optional

__all__ = ["AbortedByUserException", "HandshakeException", "VersionException"]


class AbortedByUserException(Exception):
    """Raise it in a handler to drop the connection: in
    web_socket_do_extra_handshake, TCP is closed with no response; in
    web_socket_transfer_data, without a closing handshake."""


class HandshakeException(Exception):
    """The handshake failed; ``status`` (say 403) is the HTTP status the
    standalone server answers with (400 when None)."""

    def __init__(self, name: str, status: Optional[int] = None) -> None:
        super().__init__(name)
        self.status = status


class VersionException(Exception):
    """The client asked for a protocol version the server does not speak."""

    def __init__(self, name: str, supported_versions: str = "") -> None:
        super().__init__(name)
        self.supported_versions = supported_versions
