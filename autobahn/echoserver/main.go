// Command echoserver is a minimal WebSocket echo server for the Autobahn
// fuzzingclient: httpcore.Server plus websocket.Upgrader, accepting any
// Origin, echoing each whole message with its type (text as text, binary as
// binary).
//
//	echoserver -addr 127.0.0.1:0
//
// It prints "listening on ws://127.0.0.1:PORT" on stderr once it accepts
// connections. It echoes whole messages (ReadMessage/WriteMessage) rather
// than streaming one reader into one writer: a streaming echo writes while
// the peer is still sending a large message, and a peer that reads only
// after it has sent everything (as the fuzzing client does with its 16 MiB
// cases) then deadlocks with it on full TCP buffers.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0 picks a free one)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
	u := &websocket.Upgrader{Origins: websocket.OriginPolicy{AllowAny: true}}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return // Upgrade has answered with the precise status
		}
		echo(c)
	})}
	fmt.Fprintf(os.Stderr, "listening on ws://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "echoserver:", err)
		os.Exit(1)
	}
}

// echo sends every message back until the connection ends. The Conn answers
// pings and the close handshake on its own while ReadMessage runs.
func echo(c *websocket.Conn) {
	defer c.CloseNow()
	for {
		mt, msg, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(mt, msg); err != nil {
			return
		}
	}
}
