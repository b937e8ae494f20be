// A WebSocket echo server, to build stage by stage (wirelab check ws).
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
	// TODO(handshake) RFC 6455 §4.2.1, §4.2.2: answer "HTTP/1.1 101 Switching Protocols" with Upgrade and Connection.
	// TODO(accept-key) RFC 6455 §4.2.2: Sec-WebSocket-Accept = base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
	// TODO(echo-text) RFC 6455 §5.2, §5.3: read a frame, unmask it (payload[i] ^ key[i%4]), echo it as text.
	// TODO(server-unmasked) RFC 6455 §5.1: a server never masks its frames.
	// TODO(length-16) RFC 6455 §5.2: 126 in the 7-bit length means a 16-bit length follows.
	// TODO(length-64) RFC 6455 §5.2: 127 means a 64-bit length follows; read until the payload is whole.
	// TODO(coalesced-frames) RFC 6455 §5.2: one Read can hold several frames; keep a buffer.
	// TODO(split-frame) RFC 6455 §5.2: one frame can arrive over several Reads.
	// TODO(fragmented) RFC 6455 §5.4: join continuation frames until FIN=1.
	// TODO(ping-pong) RFC 6455 §5.5.2, §5.5.3: answer a ping with a pong carrying the same payload.
	// TODO(close) RFC 6455 §5.5.1, §7.1.1: answer a close frame with a close frame, then close TCP.
	body := "not a WebSocket server yet\n"
	fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "9001"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on ws://%s/\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		handle(c)
	}
}
