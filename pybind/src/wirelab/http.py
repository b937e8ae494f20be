"""HTTP/1.1 requests, parsed by the strict httpcore engine (RFC 9112)."""

from __future__ import annotations

from typing import Iterator, List, Optional, Tuple, Union, overload

from . import _ext

__all__ = ["Headers", "Request", "parse_request"]


class Headers:
    """Header fields in arrival order, names spelled as sent; lookups ignore
    case (RFC 9110 §5.1). ``headers["host"]`` is the first value."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Optional[List[Tuple[str, str]]] = None) -> None:
        self._fields: List[Tuple[str, str]] = list(fields or [])

    def __getitem__(self, name: str) -> str:
        key = name.lower()
        for n, v in self._fields:
            if n.lower() == key:
                return v
        raise KeyError(name)

    @overload
    def get(self, name: str) -> Optional[str]: ...
    @overload
    def get(self, name: str, default: str) -> str: ...
    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        try:
            return self[name]
        except KeyError:
            return default

    def get_all(self, name: str) -> List[str]:
        """Every value of the named field, in order."""
        key = name.lower()
        return [v for n, v in self._fields if n.lower() == key]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and any(n.lower() == name.lower() for n, _ in self._fields)

    def __iter__(self) -> Iterator[str]:
        return (n for n, _ in self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def items(self) -> List[Tuple[str, str]]:
        """(name, value) pairs as sent."""
        return list(self._fields)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Headers) and self._fields == other._fields

    def __repr__(self) -> str:
        return f"Headers({self._fields!r})"


class Request:
    """An HTTP request: ``method``, ``target`` (as sent), ``path``, ``query``,
    ``version`` ("HTTP/1.1"), ``host``, ``headers`` and ``body``."""

    __slots__ = ("method", "target", "version", "host", "headers", "body")

    def __init__(
        self,
        method: str,
        target: str,
        version: str = "HTTP/1.1",
        host: str = "",
        headers: Optional[Headers] = None,
        body: bytes = b"",
    ) -> None:
        self.method = method
        self.target = target
        self.version = version
        self.host = host
        self.headers = headers if headers is not None else Headers()
        self.body = body

    @property
    def path(self) -> str:
        """The target before any '?'."""
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        """The target after the first '?', or ''."""
        return self.target.partition("?")[2]

    def __repr__(self) -> str:
        return f"<Request {self.method} {self.target} {self.version}>"


def _fields(flat: List[str]) -> Headers:
    return Headers(list(zip(flat[0::2], flat[1::2])))


def parse_request_consumed(data: Union[bytes, bytearray, memoryview]) -> Tuple[Request, int]:
    """parse_request, and how many bytes of data the request took."""
    try:
        raw = bytes(_ext.core.ParseRequest(_ext.go_bytes(bytes(data))))
    except RuntimeError as e:
        _ext.raise_from(e)
    strings, body = _ext.unpack(raw)
    method, target, version, host, consumed = strings[:5]
    return Request(method, target, version, host, _fields(strings[5:]), body), int(consumed)


def parse_request(data: Union[bytes, bytearray, memoryview]) -> Request:
    """Parse one HTTP/1.1 request: request line, fields and body.

    The parser is wirelab's strict one: a malformed request raises
    ProtocolError whose ``code`` is the status a server answers (400, 414,
    431, 501, 505), with the RFC section in the message. A body framed by
    Content-Length or chunked coding must be complete.
    """
    return parse_request_consumed(data)[0]
