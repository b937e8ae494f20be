// An HTTP/1.1 server, to build stage by stage (wirelab check http).
// Run it with "go run ."; only the net package: write the protocol yourself.
package main

import (
	"fmt"
	"log"
	"net"
	"os"
)

func handle(c net.Conn) {
	defer c.Close()
	buf := make([]byte, 4096)
	if _, err := c.Read(buf); err != nil {
		return
	}
	// TODO(route) RFC 9112 §3: parse the request line; GET / answers 200, an unknown path 404.
	// TODO(headers) RFC 9112 §5, RFC 9110 §5.1: field names are case-insensitive; GET /headers echoes X-Wirelab-Echo.
	// TODO(body) RFC 9112 §6.2: POST /echo sends back the body framed by Content-Length.
	// TODO(keep-alive) RFC 9112 §9.3: answer every request on the connection, in order.
	// TODO(split) RFC 9112 §2.2: one Read is not one request; read until it is whole.
	// TODO(chunked) RFC 9112 §7.1: decode a chunked request body.
	// TODO(head) RFC 9110 §9.3.2: HEAD answers the headers of GET, with no body.
	// TODO(errors) RFC 9110 §15.5.1, RFC 9110 §15.6.6: 400 for a malformed request, 505 for HTTP/3.0.
	// TODO(concurrent) RFC 9112 §9: serve several clients at once (a goroutine each).
	body := "hello from my server\n"
	fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on http://%s/\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		handle(c)
	}
}
