"""Benchmarks for wirelab's Python bindings (not timed tests: they report).

    scripts/pybind bench            # from the repository root
    python bench/bench.py [--quick] # with wirelab installed, from pybind/

1. Frame codec from Python, 125 B and 64 KiB payloads, masked as a client
   sends them: wirelab (Go) vs a pure-Python loop in the style of the
   classic raw-socket server (struct for the header, a byte-at-a-time XOR
   for the mask) vs the websockets library's own frame code (with its C
   speedup for masking, when installed).
2. Echo round trips per second: wirelab.serve vs websockets.sync.server,
   both running the same Python echo handler, driven by the same Go load
   generator (bench/echoload) in another process.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import struct
import subprocess
import sys
import tempfile
import threading
import timeit
from pathlib import Path

import websockets
from websockets.frames import Frame as WSFrame
from websockets.frames import Opcode as WSOpcode
from websockets.streams import StreamReader
from websockets.sync.server import serve as ws_serve

import wirelab

HERE = Path(__file__).resolve().parent

# ---- 1. frame codec ----


def py_encode(payload: bytes, key: bytes) -> bytes:
    """Client frame, tutorial style: struct header, XOR loop."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x82, 0x80 | n)
    elif n <= 0xFFFF:
        head = struct.pack("!BBH", 0x82, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x82, 0x80 | 127, n)
    body = bytearray(n)
    for i in range(n):
        body[i] = payload[i] ^ key[i % 4]
    return head + key + bytes(body)


def py_decode(data: bytes) -> bytes:
    """Tutorial style: length from data[1] & 127, then unmask byte by byte."""
    n = data[1] & 127
    if n == 126:
        mask, body = data[4:8], data[8:]
    elif n == 127:
        mask, body = data[10:14], data[14:]
    else:
        mask, body = data[2:6], data[6:]
    out = bytearray(len(body))
    for i in range(len(body)):
        out[i] = body[i] ^ mask[i % 4]
    return bytes(out)


def ws_encode(payload: bytes) -> bytes:
    return WSFrame(WSOpcode.BINARY, payload).serialize(mask=True)


def ws_decode(data: bytes) -> bytes:
    reader = StreamReader()
    reader.feed_data(data)
    gen = WSFrame.parse(reader.read_exact, mask=True, max_size=None, extensions=None)
    try:
        next(gen)
    except StopIteration as stop:
        return stop.value.data
    raise AssertionError("incomplete")


def per_op(fn, quick: bool) -> float:
    """Seconds per call: best of 5 repeats of an auto-sized loop."""
    t = timeit.Timer(fn)
    n, _ = t.autorange()
    if quick:
        n = max(1, n // 4)
    best = min(t.repeat(repeat=3 if quick else 5, number=n))
    return best / n


def codec(quick: bool) -> list:
    rows = []
    key = b"\x12\x34\x56\x78"
    for size in (125, 65536):
        payload = os.urandom(size)
        wire = wirelab.encode_frame(payload, mask=key)
        assert py_decode(wire) == payload == ws_decode(wire) == wirelab.decode_frame(wire)[0].payload
        assert py_encode(payload, key) == wire
        cases = [
            ("encode", "wirelab", lambda: wirelab.encode_frame(payload, mask=True)),
            ("encode", "pure Python", lambda: py_encode(payload, key)),
            ("encode", "websockets", lambda: ws_encode(payload)),
            ("decode", "wirelab", lambda: wirelab.decode_frame(wire)),
            ("decode", "pure Python", lambda: py_decode(wire)),
            ("decode", "websockets", lambda: ws_decode(wire)),
        ]
        for op, impl, fn in cases:
            if impl == "pure Python" and size > 1000 and quick:
                pass
            s = per_op(fn, quick)
            rows.append({"op": op, "size": size, "impl": impl, "us": s * 1e6, "per_second": 1 / s})
    return rows


# ---- 2. echo servers ----


def echo(ws):
    for msg in ws:
        ws.send(msg)


def build_load() -> str:
    exe = os.path.join(tempfile.mkdtemp(prefix="echoload-"), "echoload")
    subprocess.run(["go", "build", "-o", exe, "./bench/echoload"], cwd=HERE.parent, check=True)
    return exe


def run_load(exe: str, port: int, conns: int, size: int, seconds: float) -> float:
    out = subprocess.run(
        [exe, "-url", f"ws://127.0.0.1:{port}/", "-conns", str(conns), "-size", str(size), "-duration", f"{seconds}s"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)["per_second"]


def wirelab_rate(exe: str, conns: int, size: int, seconds: float) -> float:
    srv = wirelab.serve(echo, "127.0.0.1", 0)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        return run_load(exe, srv.port, conns, size, seconds)
    finally:
        srv.shutdown()
        t.join(10)


def websockets_rate(exe: str, conns: int, size: int, seconds: float) -> float:
    with ws_serve(echo, "127.0.0.1", 0, compression=None) as srv:
        t = threading.Thread(target=srv.serve_forever, daemon=True)
        t.start()
        try:
            return run_load(exe, srv.socket.getsockname()[1], conns, size, seconds)
        finally:
            srv.shutdown()
            t.join(10)


def echo_servers(quick: bool) -> list:
    """Alternate the two servers, three rounds each (one in --quick), and
    keep each one's best: on a shared machine the best run is the one least
    disturbed by other work."""
    exe = build_load()
    seconds = 1.5 if quick else 2.5
    rounds = 1 if quick else 3
    rows = []
    for conns in (1, 8):
        for size in (32, 4096):
            wl, ws = [], []
            for _ in range(rounds):
                wl.append(wirelab_rate(exe, conns, size, seconds))
                ws.append(websockets_rate(exe, conns, size, seconds))
            rows.append({"conns": conns, "size": size, "wirelab": max(wl), "websockets": max(ws),
                         "ratio": max(wl) / max(ws), "runs": {"wirelab": wl, "websockets": ws}})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="shorter runs")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args()

    speedups = "with C speedups" if importlib.util.find_spec("websockets.speedups") else "pure Python"
    env = f"Python {platform.python_version()}, websockets {websockets.__version__} ({speedups}), {platform.machine()}, {os.cpu_count()} CPUs"
    codec_rows = codec(args.quick)
    echo_rows = echo_servers(args.quick)
    if args.json:
        print(json.dumps({"env": env, "codec": codec_rows, "echo": echo_rows}, indent=2))
        return 0
    print(f"# {env}, load average {os.getloadavg()[0]:.1f} at the end\n")
    print("## Frame codec (masked client frames), µs per call (calls/s)\n")
    print("| op | size | wirelab | pure Python | websockets |")
    print("| --- | --- | --- | --- | --- |")
    for op in ("encode", "decode"):
        for size in (125, 65536):
            cells = []
            for impl in ("wirelab", "pure Python", "websockets"):
                r = next(r for r in codec_rows if r["op"] == op and r["size"] == size and r["impl"] == impl)
                cells.append(f"{r['us']:.2f} ({r['per_second']:,.0f})")
            print(f"| {op} | {size} B | " + " | ".join(cells) + " |")
    print("\n## Echo round trips per second (Python echo handler, Go load generator)\n")
    print("| connections | message | wirelab.serve | websockets sync | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for r in echo_rows:
        print(f"| {r['conns']} | {r['size']} B | {r['wirelab']:,.0f} | {r['websockets']:,.0f} | {r['ratio']:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
