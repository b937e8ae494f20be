"""An HTTP/1.1 server, to build stage by stage (wirelab check http).

Run it with "python3 server.py"; check it with "wirelab check http --addr 127.0.0.1:8080".
Only the standard library's socket module is allowed: write the protocol yourself.
"""
import os
import socket

HOST = "127.0.0.1"
PORT = int(os.environ.get("PORT", "8080"))


def handle(conn):
    with conn:
        request = conn.recv(4096)
        if not request:
            return
        # TODO(route) RFC 9112 §3: parse the request line (method, target, version);
        #   GET / answers 200, an unknown path answers 404.
        # TODO(headers) RFC 9112 §5, RFC 9110 §5.1: parse the field lines (names are
        #   case-insensitive); GET /headers echoes X-Wirelab-Echo.
        # TODO(body) RFC 9112 §6.2: POST /echo sends back the body framed by Content-Length.
        # TODO(keep-alive) RFC 9112 §9.3: answer every request on the connection, in order.
        # TODO(split) RFC 9112 §2.2: one recv is not one request; read until the head and body are whole.
        # TODO(chunked) RFC 9112 §7.1: decode a chunked request body.
        # TODO(head) RFC 9110 §9.3.2: HEAD answers the headers of GET, with no body.
        # TODO(errors) RFC 9110 §15.5.1, RFC 9110 §15.6.6: 400 for a malformed request, 505 for HTTP/3.0.
        # TODO(concurrent) RFC 9112 §9: serve several clients at once (threads).
        body = b"hello from my server\n"
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((HOST, PORT))
    srv.listen(16)
    print("listening on http://%s:%d/" % srv.getsockname(), flush=True)
    while True:
        conn, _ = srv.accept()
        handle(conn)


if __name__ == "__main__":
    main()
