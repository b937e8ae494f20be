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

// The header of a masked "Hello" from RFC 6455 §5.7, bit by bit.
func ExampleFrameHeader() {
	diagram.FrameHeader(os.Stdout, []byte{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d}, diagram.Options{Lang: "en"})
	// Output:
	//    0                   1                   2                   3
	//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
	//   ┌─┬─┬─┬─┬───────┬─┬─────────────┬───────────────────────────────┐
	//   │F│R│R│R│opcode │M│ payload len │          masking key          │
	//   │I│S│S│S│       │A│             │                               │
	//   │N│V│V│V│       │S│             │                               │
	//   │ │1│2│3│       │K│             │                               │
	//   │1│0│0│0│0 0 0 1│1│0 0 0 0 1 0 1│0 0 1 1 0 1 1 1 1 1 1 1 1 0 1 0│
	//   │ │ │ │ │  0x1  │ │     = 5     │             37 fa             │
	//   ├─┴─┴─┴─┴───────┴─┴─────────────┼───────────────────────────────┤
	//   │    masking key (continued)    │    payload data (5 bytes)     │
	//   │0 0 1 0 0 0 0 1 0 0 1 1 1 1 0 1│                               │
	//   │             21 3d             │                               │
	//   └───────────────────────────────┴───────────────────────────────┘
	//   The 6-byte header, field by field:
	//   FIN          1            the last frame of its message
	//   RSV1-3       0 0 0        no extension in use
	//   opcode       0x1          text: a data frame
	//   MASK         1            masked with the key below: a client's frame (§5.3)
	//   payload len  5            the payload is 5 bytes (7-bit form, up to 125)
	//   masking key  37 fa 21 3d  payload byte i is XORed with key[i mod 4]
}
