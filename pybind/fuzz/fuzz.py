"""Fuzz wirelab's Python entry points with random and mutated bytes.

    scripts/pybind fuzz [SECONDS]    # from the repository root (default 180)
    python fuzz/fuzz.py SECONDS      # with wirelab installed

Every input must either succeed or raise one of wirelab's exceptions
(ProtocolError, HandshakeError) or ValueError — never RuntimeError, never a
crash of the interpreter (a Go panic crossing gopy would end the process
with a signal, which this script's exit status shows). Decoded frames must
re-encode to the bytes they came from. A wirelab.serve echo server gets
random bytes after valid handshakes, too.
"""

from __future__ import annotations

import base64
import collections
import os
import random
import socket
import sys
import threading
import time

import wirelab
from wirelab import HandshakeError, Opcode, ProtocolError, compat

ALLOWED = (ProtocolError, HandshakeError, ValueError)


def seeds():
    out = [
        wirelab.encode_frame(b"hello", mask=True),
        wirelab.encode_frame("héllo", mask=b"abcd"),
        wirelab.encode_frame(b"x" * 200),
        wirelab.encode_frame(b"y" * 70000, mask=True),
        wirelab.encode_frame(b"\x03\xe8bye", Opcode.CLOSE, mask=True),
        wirelab.encode_frame(b"ping", Opcode.PING),
        wirelab.encode_frame(b"part", Opcode.TEXT, fin=False),
    ]
    reqs = [
        b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://example.com\r\n\r\n",
        b"POST /u HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        b"POST /u HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    ]
    return out, reqs


def mutate(rng: random.Random, b: bytes) -> bytes:
    b = bytearray(b)
    for _ in range(rng.randint(1, 4)):
        choice = rng.random()
        if not b or choice < 0.2:
            b[rng.randint(0, len(b)) : rng.randint(0, len(b))] = os.urandom(rng.randint(0, 8))
        elif choice < 0.6:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif choice < 0.8:
            i = rng.randrange(len(b))
            b[i] = rng.choice([0, 0x7E, 0x7F, 0x80, 0xFF, 0x0D, 0x0A, 0x20, 0x3A])
        else:
            del b[rng.randrange(len(b)) :]
    return bytes(b)


def check_frame(data: bytes, rng: random.Random) -> str:
    sender = rng.choice([None, "client", "server"])
    try:
        frame, used = wirelab.decode_frame(data, sender=sender, rsv=rng.choice([0, 4, 7]))
    except ALLOWED as e:
        if not str(e):
            raise AssertionError(f"empty message for {data!r}")
        return type(e).__name__
    if frame is None:
        return "incomplete"
    assert 0 < used <= len(data)
    rsv = frame.rsv1 << 2 | frame.rsv2 << 1 | frame.rsv3
    again = wirelab.encode_frame(frame.payload, frame.opcode, fin=frame.fin, mask=frame.key, rsv=rsv)
    # Lengths may be encoded longer than needed by a mutated input; compare
    # the payload and flags only then.
    if again != data[:used]:
        f2, _ = wirelab.decode_frame(again, rsv=7)
        assert (f2.payload, f2.opcode, f2.fin) == (frame.payload, frame.opcode, frame.fin), data
    return "frame"


def check_request(data: bytes) -> str:
    try:
        req = wirelab.parse_request(data)
    except ALLOWED:
        return "rejected"
    assert isinstance(req.method, str)
    try:
        compat.get_headers(data)
    except ALLOWED:
        pass
    return "request"


def check_encode(rng: random.Random) -> str:
    payload = os.urandom(rng.choice([0, 1, 125, 126, 300]))
    try:
        wirelab.encode_frame(
            payload,
            rng.randint(-2, 17),
            fin=rng.random() < 0.8,
            mask=rng.choice([None, True, os.urandom(4), os.urandom(rng.randint(0, 6))]),
            rsv=rng.randint(-1, 8),
        )
    except ALLOWED:
        return "rejected"
    return "encoded"


def server_garbage(port: int, rng: random.Random) -> str:
    key = base64.b64encode(os.urandom(16))
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(
            b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        junk = mutate(rng, wirelab.encode_frame(os.urandom(rng.randint(0, 300)), mask=True)) + os.urandom(rng.randint(0, 64))
        s.sendall(junk)
        s.shutdown(socket.SHUT_WR)
        try:
            while s.recv(65536):
                pass
        except (ConnectionResetError, socket.timeout):
            pass
    return "server"


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60
    rng = random.Random(int.from_bytes(os.urandom(8), "big"))
    frames, reqs = seeds()
    stats = collections.Counter()

    def echo(ws):
        for m in ws:
            ws.send(m)

    srv = wirelab.serve(echo, "127.0.0.1", 0)
    threading.Thread(target=srv.serve_forever, daemon=True).start()

    start = time.monotonic()
    n = 0
    try:
        while time.monotonic() - start < seconds:
            n += 1
            r = rng.random()
            if r < 0.35:
                data = os.urandom(rng.randint(0, 40))
                stats["random-frame:" + check_frame(data, rng)] += 1
            elif r < 0.7:
                stats["mutated-frame:" + check_frame(mutate(rng, rng.choice(frames)), rng)] += 1
            elif r < 0.8:
                stats["random-request:" + check_request(os.urandom(rng.randint(0, 80)))] += 1
            elif r < 0.95:
                stats["mutated-request:" + check_request(mutate(rng, rng.choice(reqs)))] += 1
            elif r < 0.999:
                stats["encode:" + check_encode(rng)] += 1
            else:
                stats[server_garbage(srv.port, rng)] += 1
    finally:
        srv.shutdown()
    took = time.monotonic() - start
    print(f"fuzz: {n} inputs in {took:.0f} s ({n / took:,.0f}/s), no crash, no RuntimeError")
    for k, v in sorted(stats.items()):
        print(f"  {k:32s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
