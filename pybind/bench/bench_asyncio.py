"""512 B echo, one message at a time: wirelab.asyncio.serve vs
websockets.asyncio.server.serve, with the websockets asyncio client.

    python bench/bench_asyncio.py [--rounds 3] [--seconds 3] [--clients 1]

The server and the client run in separate processes; the two servers
alternate, round after round, in the same run. Each prints round trips
per second (all clients together).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time

SIZE = 512


async def echo(ws):  # the same handler for both servers
    async for msg in ws:
        await ws.send(msg)


async def run_server(kind: str) -> None:
    if kind == "wirelab":
        import wirelab.asyncio as wa

        async with wa.serve(echo, "127.0.0.1", 0) as server:
            print(server.port, flush=True)
            await server.serve_forever()
    else:
        from websockets.asyncio.server import serve

        async with serve(echo, "127.0.0.1", 0) as server:
            print(server.sockets[0].getsockname()[1], flush=True)
            await server.serve_forever()


async def run_client(port: int, seconds: float, clients: int) -> None:
    from websockets.asyncio.client import connect

    msg = b"x" * SIZE
    counts = [0] * clients

    async def one(i: int, start: asyncio.Event, stop: list) -> None:
        async with connect(f"ws://127.0.0.1:{port}/", compression=None) as ws:
            for _ in range(50):  # warm up
                await ws.send(msg)
                await ws.recv()
            await start.wait()
            n = 0
            while not stop[0]:
                await ws.send(msg)
                await ws.recv()
                n += 1
            counts[i] = n

    start, stop = asyncio.Event(), [False]
    tasks = [asyncio.ensure_future(one(i, start, stop)) for i in range(clients)]
    await asyncio.sleep(0.3 + clients * 0.01)
    t0 = time.perf_counter()
    start.set()
    await asyncio.sleep(seconds)
    stop[0] = True
    await asyncio.gather(*tasks)
    print(sum(counts) / (time.perf_counter() - t0), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3)
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--role", choices=["server", "client"])
    ap.add_argument("--kind", default="wirelab")
    ap.add_argument("--port", type=int)
    a = ap.parse_args()
    if a.role == "server":
        asyncio.run(run_server(a.kind))
        return
    if a.role == "client":
        asyncio.run(run_client(a.port, a.seconds, a.clients))
        return
    results: "dict[str, list[float]]" = {"wirelab": [], "websockets": []}
    for r in range(a.rounds):
        for kind in ("wirelab", "websockets"):
            srv = subprocess.Popen([sys.executable, __file__, "--role", "server", "--kind", kind],
                                   stdout=subprocess.PIPE, text=True)
            try:
                assert srv.stdout is not None
                port = int(srv.stdout.readline())
                out = subprocess.run([sys.executable, __file__, "--role", "client", "--port", str(port),
                                      "--seconds", str(a.seconds), "--clients", str(a.clients)],
                                     capture_output=True, text=True, check=True).stdout
                results[kind].append(float(out.strip().splitlines()[-1]))
            finally:
                srv.terminate()
                srv.wait(10)
            print(f"round {r + 1} {kind:10s} {results[kind][-1]:10.0f} round trips/s", flush=True)
    w, s = statistics.median(results["wirelab"]), statistics.median(results["websockets"])
    print(f"median: wirelab.asyncio {w:.0f}/s, websockets.asyncio {s:.0f}/s, ratio {w / s:.2f}x "
          f"({a.clients} client(s), {SIZE} B, {a.seconds} s x {a.rounds} rounds)")


if __name__ == "__main__":
    main()
