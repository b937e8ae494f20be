"""A reference HTTP/1.1 server for the wirelab HTTP track.

It passes every stage of "wirelab check http" with the standard library's
socket and threading modules only. Read it after you have tried a stage
yourself: each part names the stage it makes pass and the RFC rule behind it.

Run it with "python3 server.py" (PORT=9000 python3 server.py for another
port); check it with "wirelab check http --addr 127.0.0.1:8080".
"""
import os
import socket
import threading

HOST = "127.0.0.1"
PORT = int(os.environ.get("PORT", "8080"))

MAX_HEAD = 64 * 1024  # bytes of request line and field lines together
MAX_BODY = 1 << 20

REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    413: "Content Too Large",
    431: "Request Header Fields Too Large",
    501: "Not Implemented",
    505: "HTTP Version Not Supported",
}

TOKEN = set(b"!#$%&'*+-.^_`|~0123456789"
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


class BadRequest(Exception):
    """A request the server cannot serve: answered with status, then closed."""

    def __init__(self, status, why):
        super().__init__(why)
        self.status = status


class Reader:
    """Reads a TCP byte stream in the pieces HTTP is made of.

    TCP delivers bytes, not messages: one recv may hold half a request or
    two of them (stages split and keep-alive). So every read goes through
    one buffer, and what is left after one request stays for the next.
    """

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("the client closed the connection")
        self.buf += data

    def until(self, sep, limit):
        """Returns the bytes up to sep and drops sep."""
        while True:
            i = self.buf.find(sep)
            if i >= 0:
                out, self.buf = self.buf[:i], self.buf[i + len(sep):]
                return out
            if len(self.buf) > limit:
                raise BadRequest(431, "no end of line in %d bytes" % limit)
            self.fill()  # not there yet: the rest may come in a later recv

    def exactly(self, n):
        while len(self.buf) < n:
            self.fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


def read_request(r):
    """Reads one request; None when the client closed between requests."""
    if not r.buf:
        try:
            r.fill()
        except EOFError:
            return None
    head = r.until(b"\r\n\r\n", MAX_HEAD)
    line, *field_lines = head.split(b"\r\n")

    # Stage route, RFC 9112 §3: method SP request-target SP HTTP-version.
    parts = line.split(b" ")
    if len(parts) != 3 or not parts[0] or not set(parts[0]) <= TOKEN or not parts[1]:
        raise BadRequest(400, "malformed request line %r" % line)
    method, target, version = parts
    # Stage errors, RFC 9112 §2.3: HTTP-version is "HTTP/" DIGIT "." DIGIT.
    if len(version) != 8 or not version.startswith(b"HTTP/") or not version[5:6].isdigit() \
            or version[6:7] != b"." or not version[7:8].isdigit():
        raise BadRequest(400, "malformed version %r" % version)
    # RFC 9110 §15.6.6: a version the server does not speak.
    if version not in (b"HTTP/1.0", b"HTTP/1.1"):
        raise BadRequest(505, "version %r is not supported" % version)

    # Stage headers, RFC 9112 §5 and RFC 9110 §5.1: name ":" OWS value OWS;
    # names ignore case, so they are kept in lower case.
    fields = {}
    for fl in field_lines:
        name, colon, value = fl.partition(b":")
        if not colon or not name or not set(name) <= TOKEN:
            raise BadRequest(400, "malformed field line %r" % fl)
        fields[name.decode("ascii").lower()] = value.strip(b" \t").decode("latin-1")
    # RFC 9112 §3.2: an HTTP/1.1 request without Host is answered 400.
    if version == b"HTTP/1.1" and "host" not in fields:
        raise BadRequest(400, "an HTTP/1.1 request without Host")

    # Stages body and chunked, RFC 9112 §6: how long is the body?
    if "transfer-encoding" in fields:
        if "content-length" in fields:  # RFC 9112 §6.3: never both
            raise BadRequest(400, "both Transfer-Encoding and Content-Length")
        if fields["transfer-encoding"].lower() != "chunked":
            raise BadRequest(501, "transfer coding %r" % fields["transfer-encoding"])
        body = read_chunked(r)
    elif "content-length" in fields:
        n = fields["content-length"]
        if not n.isdigit():
            raise BadRequest(400, "Content-Length %r is not a number" % n)
        if int(n) > MAX_BODY:
            raise BadRequest(413, "a body of %s bytes" % n)
        body = r.exactly(int(n))
    else:
        body = b""
    return method.decode("ascii"), target.decode("latin-1"), version, fields, body


def read_chunked(r):
    """Stage chunked, RFC 9112 §7.1: size in hex CRLF, data CRLF, ..., 0 CRLF CRLF."""
    body = b""
    while True:
        size_line = r.until(b"\r\n", 1024)
        size_text = size_line.split(b";")[0].strip()  # chunk extensions are ignored
        try:
            size = int(size_text, 16)
        except ValueError:
            raise BadRequest(400, "chunk size %r is not hexadecimal" % size_text)
        if size == 0:
            break
        if len(body) + size > MAX_BODY:
            raise BadRequest(413, "a chunked body over %d bytes" % MAX_BODY)
        body += r.exactly(size)
        if r.exactly(2) != b"\r\n":
            raise BadRequest(400, "chunk data not followed by CRLF")
    while r.until(b"\r\n", MAX_HEAD):  # trailer fields, up to the empty line
        pass
    return body


def respond(sock, status, body, fields=(), head_only=False, close=False):
    """Writes a response framed by Content-Length (RFC 9112 §6.2)."""
    head = "HTTP/1.1 %d %s\r\n" % (status, REASONS[status])
    head += "Content-Type: text/plain; charset=utf-8\r\n"
    for name, value in fields:
        head += "%s: %s\r\n" % (name, value)
    if close:
        head += "Connection: close\r\n"
    head += "Content-Length: %d\r\n\r\n" % len(body)
    # Stage head, RFC 9110 §9.3.2: HEAD gets GET's fields and no body.
    sock.sendall(head.encode("latin-1") + (b"" if head_only else body))


def route(method, target, fields, body):
    """Returns status, body and extra fields for a request."""
    path = target.split("?", 1)[0]
    if path == "/":
        return 200, b"hello from the wirelab reference server\n", []
    if path == "/headers":
        echo = fields.get("x-wirelab-echo", "")
        return 200, b"echoed X-Wirelab-Echo\n", [("X-Wirelab-Echo", echo)]
    if path == "/echo":
        return 200, body, []
    return 404, b"not found: %s\n" % path.encode("latin-1"), []


def handle(sock):
    r = Reader(sock)
    with sock:
        # Stage keep-alive, RFC 9112 §9.3: one request after another on the
        # same connection, until the client closes it or asks to.
        while True:
            try:
                req = read_request(r)
            except BadRequest as e:
                # Stage errors: answer, then close; the rest of the bytes
                # cannot be trusted to start a request.
                respond(sock, e.status, (str(e) + "\n").encode("utf-8"), close=True)
                return
            except (EOFError, ConnectionError):
                return
            if req is None:
                return
            method, target, version, fields, body = req
            status, content, extra = route(method, target, fields, body)
            conn = fields.get("connection", "").lower()
            close = conn == "close" or (version == b"HTTP/1.0" and conn != "keep-alive")
            try:
                respond(sock, status, content, extra, head_only=(method == "HEAD"), close=close)
            except ConnectionError:
                return
            if close:
                return


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, PORT))
    srv.listen(64)
    print("listening on http://%s:%d/" % srv.getsockname(), flush=True)
    try:
        while True:
            sock, _ = srv.accept()
            # Stage concurrent, RFC 9112 §9: a thread per connection, so a
            # slow or idle client blocks nobody.
            threading.Thread(target=handle, args=(sock,), daemon=True).start()
    except KeyboardInterrupt:
        pass
    finally:
        srv.close()


if __name__ == "__main__":
    main()
