"""A client on Python websockets' sync API, for interop tests.

Usage: python client.py ws://127.0.0.1:PORT/echo

It runs the interop matrix against an echo server that speaks the commands
of the interop package doc, printing one JSON line per check on stdout, then
{"event": "done"}:

    {"check": "text", "ok": true, "detail": ""}
"""

import json
import os
import sys

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

TIMEOUT = 20
# Offered on every connection; the servers support superchat only.
PROTOCOLS = ["chat", "superchat"]


def emit(**fields):
    print(json.dumps(fields), flush=True)


def check(name, fn):
    try:
        emit(check=name, ok=True, detail=fn() or "")
    except Exception as e:
        emit(check=name, ok=False, detail=f"{type(e).__name__}: {e}")


def expect(got, want):
    if type(got) is not type(want) or got != want:
        raise AssertionError(
            f"got {type(got).__name__} of {len(got)}: {got[:40]!r}, "
            f"want {type(want).__name__} of {len(want)}: {want[:40]!r}"
        )


def main():
    url = sys.argv[1]
    ws = connect(url, subprotocols=PROTOCOLS, max_size=None, open_timeout=TIMEOUT, close_timeout=TIMEOUT)

    def subprotocol():
        if ws.subprotocol != "superchat":
            raise AssertionError(f"subprotocol {ws.subprotocol!r}, want 'superchat'")
        return f"offered {', '.join(PROTOCOLS)}; the server chose {ws.subprotocol}"

    check("subprotocol", subprotocol)

    def round_trip(msg):
        ws.send(msg)
        expect(ws.recv(TIMEOUT), msg)

    check("text", lambda: round_trip("hello, 世界"))
    check("binary", lambda: round_trip(bytes(range(256))))

    def fragmented():
        # 6 x 1999 bytes; our echo, in 4 KiB frames, splits an é.
        parts = ["x" + "é" * 999 for i in range(6)]
        ws.send(parts)  # an iterable is sent as one fragmented message
        frames = list(ws.recv_streaming())  # one item per frame received
        expect("".join(frames), "".join(parts))
        if len(frames) < 2:
            raise AssertionError(f"the echo came in {len(frames)} frame(s), want several")
        return f"sent {len(parts)} fragments, the echo came in {len(frames)}"

    check("fragmented", fragmented)
    check("70000", lambda: round_trip(os.urandom(70000)))

    def mib():
        round_trip(os.urandom(1 << 20))
        round_trip("a" * (1 << 20))

    check("1MiB", mib)

    def ping():
        if not ws.ping(b"cli").wait(TIMEOUT):
            raise AssertionError(f"no pong within {TIMEOUT}s")

    check("ping", ping)

    def server_ping():
        ws.send("!ping srv")
        expect(ws.recv(TIMEOUT), "pong:srv")

    check("server-ping", server_ping)

    def close():
        ws.close(4000, "client bye")
        rcvd, sent = ws.protocol.close_rcvd, ws.protocol.close_sent
        if rcvd is None or sent is None:
            raise AssertionError(f"unclean close: received {rcvd}, sent {sent}")
        if rcvd.code != 4000:
            raise AssertionError(f"the server echoed close code {rcvd.code}, want 4000")
        return f"received {rcvd}"

    check("close-4000", close)

    def server_close():
        ws2 = connect(url, subprotocols=PROTOCOLS, open_timeout=TIMEOUT, close_timeout=TIMEOUT)
        ws2.send("!close 4001 server bye")
        try:
            got = ws2.recv(TIMEOUT)
            raise AssertionError(f"got message {got!r}, want a close")
        except ConnectionClosed as e:
            if e.rcvd is None or e.sent is None:
                raise AssertionError(f"unclean close: received {e.rcvd}, sent {e.sent}")
            if (e.rcvd.code, e.rcvd.reason) != (4001, "server bye"):
                raise AssertionError(f"received {e.rcvd}, want 4001 'server bye'")
            return f"received {e.rcvd}"

    check("server-close-4001", server_close)
    emit(event="done")


if __name__ == "__main__":
    main()
