package diagram_test

import (
	"fmt"
	"os"
	"time"

	"github.com/wirelab/wirelab/lessons/diagram"
)

// A keep-alive connection: one TCP connect, two requests, one close.
func ExampleSequence() {
	ms := time.Millisecond
	events := []diagram.Event{
		{At: 0, From: 0, To: 1, Label: "connect (SYN)", Kind: diagram.Open},
		{At: 1 * ms, From: 0, To: 1, Label: "GET / HTTP/1.1", Bytes: 78},
		{At: 2 * ms, From: 1, To: 0, Label: "200 OK", Bytes: 120},
		{At: 3 * ms, From: 0, To: 0, Label: "same connection, no new handshake", Kind: diagram.Note},
		{At: 4 * ms, From: 0, To: 1, Label: "GET /style.css", Bytes: 86},
		{At: 5 * ms, From: 1, To: 0, Label: "200 OK", Bytes: 310},
		{At: 12300 * time.Microsecond, From: 0, To: 1, Label: "close (FIN)", Kind: diagram.Close},
	}
	fmt.Println("keep-alive:")
	diagram.Sequence(os.Stdout, []string{"client 浏览器", "server"}, events, diagram.Options{Width: 60})
	// Output:
	// keep-alive:
	//                 ┌───────────────┐          ┌─────────┐
	//                 │ client 浏览器 │          │ server  │
	//                 └───────┬───────┘          └────┬────┘
	//                         │     connect (SYN)     │
	//     +0.0 ms             │══════════════════════▶│
	//                         │ GET / HTTP/1.1 (78 B) │
	//     +1.0 ms             │──────────────────────▶│
	//                         │    200 OK (120 B)     │
	//     +2.0 ms             │◀──────────────────────│
	//     +3.0 ms             │╴same connection, no new handshake
	//                         │ GET /style.css (86 B) │
	//     +4.0 ms             │──────────────────────▶│
	//                         │    200 OK (310 B)     │
	//     +5.0 ms             │◀──────────────────────│
	//                         │      close (FIN)      │
	//    +12.3 ms             │┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄┄▶│
	//                         │                       │
}
