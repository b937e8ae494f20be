"""A WebSocket echo server on a bare socket, written for wirelab's course.

It avoids the pitfalls of the quick raw-socket servers found in tutorials:
TCP is a byte stream, so every read asks for an exact number of bytes
(recv_exact) instead of assuming one recv() is one frame; the opcode and FIN
bit are honoured, so fragments are reassembled, pings get pongs and a close
gets a close; the payload length uses all three forms in both directions.

    python3 ws_echo_server.py [PORT]     # 0 (the default) picks a free port

It prints "listening on HOST:PORT" and serves until killed.
"""

import base64
import hashlib
import socket
import struct
import sys
import threading

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def recv_exact(sock, n):
    """Read exactly n bytes, or raise EOFError if the peer closed first."""
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("peer closed the connection")
        buf += chunk
    return bytes(buf)


def read_head(sock):
    """Read the HTTP request up to and including the empty line."""
    data = bytearray()
    while not data.endswith(b"\r\n\r\n"):
        data += recv_exact(sock, 1)
        if len(data) > 16384:
            raise ValueError("request header too large")
    lines = data.decode("latin-1").split("\r\n")
    fields = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            fields[name.strip().lower()] = value.strip()
    return lines[0], fields


def handshake(sock):
    request_line, fields = read_head(sock)
    key = fields.get("sec-websocket-key")
    if not request_line.startswith("GET ") or not key or fields.get("sec-websocket-version") != "13":
        sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        return False
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    sock.sendall(("HTTP/1.1 101 Switching Protocols\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").encode())
    return True


def read_frame(sock):
    b0, b1 = recv_exact(sock, 2)
    fin, opcode = bool(b0 & 0x80), b0 & 0x0F
    masked, length = bool(b1 & 0x80), b1 & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", recv_exact(sock, 2))
    elif length == 127:
        (length,) = struct.unpack("!Q", recv_exact(sock, 8))
    if not masked:
        raise ValueError("client frames must be masked (RFC 6455 section 5.1)")
    key = recv_exact(sock, 4)
    payload = bytearray(recv_exact(sock, length))
    for i in range(length):
        payload[i] ^= key[i % 4]
    return fin, opcode, bytes(payload)


def send_frame(sock, opcode, payload):
    head = bytes([0x80 | opcode])  # FIN set; a server never masks
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 65536:
        head += bytes([126]) + struct.pack("!H", n)
    else:
        head += bytes([127]) + struct.pack("!Q", n)
    sock.sendall(head + payload)


def serve(sock):
    try:
        if not handshake(sock):
            return
        message, kind = bytearray(), None
        while True:
            fin, opcode, payload = read_frame(sock)
            if opcode == 0x8:  # close: answer with the same code, then hang up
                send_frame(sock, 0x8, payload[:2])
                return
            if opcode == 0x9:  # ping: answer with a pong, same payload
                send_frame(sock, 0xA, payload)
                continue
            if opcode == 0xA:
                continue
            if opcode in (0x1, 0x2):
                message, kind = bytearray(payload), opcode
            elif opcode == 0x0 and kind is not None:
                message += payload
            else:
                return
            if fin:
                send_frame(sock, kind, bytes(message))
                message, kind = bytearray(), None
    except (EOFError, ValueError, OSError):
        pass
    finally:
        sock.close()


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    print("listening on %s:%d" % server.getsockname(), flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
