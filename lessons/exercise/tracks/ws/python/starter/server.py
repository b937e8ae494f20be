"""A WebSocket echo server, to build stage by stage (wirelab check ws).

Run it with "python3 server.py"; check it with "wirelab check ws --addr 127.0.0.1:9001".
Only the standard library's socket module is allowed: write the protocol yourself.
"""
import os
import socket

HOST = "127.0.0.1"
PORT = int(os.environ.get("PORT", "9001"))


def handle(conn):
    with conn:
        request = conn.recv(4096)
        if not request:
            return
        # TODO(handshake) RFC 6455 §4.2.1, §4.2.2: read the request up to the
        #   empty line and answer "HTTP/1.1 101 Switching Protocols" with
        #   Upgrade: websocket and Connection: Upgrade.
        # TODO(accept-key) RFC 6455 §4.2.2: Sec-WebSocket-Accept is
        #   base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
        # TODO(echo-text) RFC 6455 §5.2, §5.3: read a frame, unmask its payload
        #   (payload[i] ^ key[i % 4]) and send it back as a text frame.
        # TODO(server-unmasked) RFC 6455 §5.1: a server never masks its frames.
        # TODO(length-16) RFC 6455 §5.2: 126 in the 7-bit length means a 16-bit length follows.
        # TODO(length-64) RFC 6455 §5.2: 127 means a 64-bit length follows; keep reading until the payload is whole.
        # TODO(coalesced-frames) RFC 6455 §5.2: one recv can hold several frames; keep a buffer.
        # TODO(split-frame) RFC 6455 §5.2: one frame can arrive over several recv calls.
        # TODO(fragmented) RFC 6455 §5.4: join continuation frames until FIN=1.
        # TODO(ping-pong) RFC 6455 §5.5.2, §5.5.3: answer a ping with a pong carrying the same payload.
        # TODO(close) RFC 6455 §5.5.1, §7.1.1: answer a close frame with a close frame, then close TCP.
        body = b"not a WebSocket server yet\n"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, PORT))
    srv.listen(16)
    print("listening on ws://%s:%d/" % srv.getsockname(), flush=True)
    while True:
        conn, _ = srv.accept()
        handle(conn)


if __name__ == "__main__":
    main()
