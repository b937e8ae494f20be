"""An echo server on Python websockets' sync API, for interop tests.

Usage: python server.py PORT

It listens on 127.0.0.1:PORT, echoes every message with its type, and runs
the commands of the interop package doc (!ping, !close, !frag). It speaks
the subprotocol superchat, which clients must offer. For each
connection that ends it prints one JSON line on stdout:

    {"event": "closed", "code": 4000, "reason": "client bye", "clean": true}

code and reason are those of the close frame it received (1006 if none);
clean means close frames went both ways.
"""

import json
import sys
import threading

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import serve

_out = threading.Lock()


def emit(**fields):
    with _out:
        print(json.dumps(fields), flush=True)


def command(ws, msg):
    verb, _, arg = msg.partition(" ")
    if verb == "!ping":
        # The pong is read by the connection's background thread.
        if ws.ping(arg).wait(20):
            ws.send("pong:" + arg)
        else:
            ws.send("no pong within 20s")
    elif verb == "!close":
        code, _, reason = arg.partition(" ")
        ws.close(int(code), reason)
    elif verb == "!frag":
        n = int(arg)
        chunks = ["f" * 1000] * (n // 1000)
        if n % 1000:
            chunks.append("f" * (n % 1000))
        ws.send(chunks)  # an iterable is sent as one fragmented message
    else:
        ws.send("unknown command " + msg)


def handler(ws):
    try:
        for msg in ws:
            if isinstance(msg, str) and msg.startswith("!"):
                command(ws, msg)
            else:
                ws.send(msg)
    except ConnectionClosed:
        pass
    except Exception as e:  # report, so the Go test shows it
        emit(event="error", detail=f"{type(e).__name__}: {e}")
    finally:
        rcvd, sent = ws.protocol.close_rcvd, ws.protocol.close_sent
        emit(
            event="closed",
            code=rcvd.code if rcvd else 1006,
            reason=rcvd.reason if rcvd else "",
            clean=rcvd is not None and sent is not None,
        )


def main():
    port = int(sys.argv[1])
    with serve(
        handler,
        "127.0.0.1",
        port,
        subprotocols=["superchat"],
        max_size=None,
        ping_interval=None,
    ) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
