"""A WebSocket echo server on a bare socket: a reference solution of the
wirelab ws track (RFC 6455). It passes every stage of "wirelab check ws".

Run it with "python3 server.py"; it listens on 127.0.0.1 and the port in
$PORT (9001 by default; 0 picks a free port) and prints the address.
Only the standard library: socket, hashlib, base64, struct, threading.

What the quick raw-socket servers of tutorials get wrong, and this one does
not: TCP is a byte stream, so one recv() is not one frame (a recv can hold
two frames, or half of one); the 7-bit length has 16-bit and 64-bit forms
in both directions; client frames are masked and server frames are not;
a message can come in several frames; a ping asks for a pong and a close
for a close.
"""
import base64
import hashlib
import os
import socket
import struct
import threading

HOST = "127.0.0.1"
PORT = int(os.environ.get("PORT", "9001"))

# RFC 6455 §1.3: the GUID that every server appends to the client's key.
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

# RFC 6455 §5.2: opcodes.
OP_CONTINUATION, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA


class ProtocolError(Exception):
    """The client broke a rule: answer with close code 1002 and hang up."""


class Stream:
    """A socket read as a byte stream. Bytes that one recv() returns beyond
    what was asked for wait in a buffer for the next read."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the client closed the connection")
        self.buf += chunk

    def read_exact(self, n):
        """Return exactly n bytes, reading as often as it takes."""
        while len(self.buf) < n:
            self.fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_until(self, marker, limit=16384):
        """Return the bytes up to and including marker."""
        while marker not in self.buf:
            if len(self.buf) > limit:
                raise ProtocolError("request header too large")
            self.fill()
        end = self.buf.index(marker) + len(marker)
        if end > limit:
            raise ProtocolError("request header too large")
        data, self.buf = self.buf[:end], self.buf[end:]
        return data


def accept_key(key):
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2):
    base64 of the 20 raw bytes of SHA-1(key + GUID)."""
    digest = hashlib.sha1((key + GUID).encode("ascii")).digest()
    return base64.b64encode(digest).decode("ascii")


def handshake(stream):
    """Read the opening request up to its empty line and answer 101
    (RFC 6455 §4.2.1, §4.2.2). Return False after answering an error."""
    try:
        head = stream.read_until(b"\r\n\r\n").decode("latin-1")
    except ProtocolError:
        stream.sock.sendall(b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return False
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    fields = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            fields[name.strip().lower()] = value.strip()  # names ignore case
    key = fields.get("sec-websocket-key", "")
    upgrade = fields.get("upgrade", "").lower()
    if len(parts) != 3 or parts[0] != "GET" or "websocket" not in upgrade or not key:
        stream.sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        return False
    if fields.get("sec-websocket-version") != "13":
        stream.sock.sendall(b"HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")
        return False
    stream.sock.sendall(("HTTP/1.1 101 Switching Protocols\r\n"
                         "Upgrade: websocket\r\n"
                         "Connection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: " + accept_key(key) + "\r\n"
                         "\r\n").encode("ascii"))
    return True


def unmask(key, data):
    """payload[i] XOR key[i % 4] (RFC 6455 §5.3); the same undoes it."""
    return bytes(b ^ key[i % 4] for i, b in enumerate(data))


def read_frame(stream):
    """Read one frame; return (fin, opcode, payload unmasked) (RFC 6455 §5.2)."""
    b0, b1 = stream.read_exact(2)
    fin, opcode = bool(b0 & 0x80), b0 & 0x0F
    masked, length = bool(b1 & 0x80), b1 & 0x7F
    if b0 & 0x70:
        raise ProtocolError("RSV bits set without an extension")
    if length == 126:
        (length,) = struct.unpack("!H", stream.read_exact(2))  # 16-bit length
    elif length == 127:
        (length,) = struct.unpack("!Q", stream.read_exact(8))  # 64-bit length
    if not masked:
        raise ProtocolError("a client frame must be masked (RFC 6455 §5.1)")
    if opcode >= 0x8 and (not fin or length > 125):
        raise ProtocolError("a control frame is whole and at most 125 bytes (RFC 6455 §5.5)")
    key = stream.read_exact(4)
    payload = unmask(key, stream.read_exact(length))
    return fin, opcode, payload


def send_frame(sock, opcode, payload, fin=True):
    """Write one frame, its length in the shortest form (RFC 6455 §5.2)."""
    head = bytes([(0x80 if fin else 0x00) | opcode])
    n = len(payload)
    if n <= 125:
        head += bytes([n])
    elif n <= 0xFFFF:
        head += struct.pack("!BH", 126, n)
    else:
        head += struct.pack("!BQ", 127, n)
    sock.sendall(head + payload)  # a server never masks (RFC 6455 §5.1)


def serve(sock):
    stream = Stream(sock)
    try:
        if not handshake(stream):
            return
        kind, parts = None, []  # the data message being reassembled
        while True:
            fin, opcode, payload = read_frame(stream)
            if opcode == OP_CLOSE:
                # RFC 6455 §5.5.1: answer with a close (echoing the status
                # code), then close TCP: the server closes first (§7.1.1).
                send_frame(sock, OP_CLOSE, payload[:2])
                return
            if opcode == OP_PING:
                send_frame(sock, OP_PONG, payload)  # §5.5.3: the same payload
                continue
            if opcode == OP_PONG:
                continue
            # RFC 6455 §5.4: a message is a text or binary frame, then
            # continuation frames, the last with FIN set.
            if opcode in (OP_TEXT, OP_BINARY) and kind is None:
                kind, parts = opcode, [payload]
            elif opcode == OP_CONTINUATION and kind is not None:
                parts.append(payload)
            else:
                raise ProtocolError("unexpected opcode 0x%x" % opcode)
            if fin:
                send_frame(sock, kind, b"".join(parts))
                kind, parts = None, []
    except ProtocolError:
        try:
            send_frame(sock, OP_CLOSE, struct.pack("!H", 1002))
        except OSError:
            pass
    except (EOFError, OSError):
        pass
    finally:
        sock.close()


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, PORT))
    srv.listen(16)
    print("listening on ws://%s:%d/" % srv.getsockname(), flush=True)
    while True:
        conn, _ = srv.accept()
        # One thread per client: a slow client blocks nobody else.
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
