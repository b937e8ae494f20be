package websocket_test

import (
	"fmt"

	"github.com/wirelab/wirelab/websocket"
)

// A server picks the first permessage-deflate offer it can accept and says
// why it declined the others.
func ExampleCompression_Accept() {
	offers, err := websocket.ParseExtensions(
		"permessage-deflate; server_max_window_bits=16, permessage-deflate; client_max_window_bits",
	)
	if err != nil {
		panic(err)
	}
	server := websocket.Compression{ServerContextTakeover: true, ClientContextTakeover: true, ClientMaxWindowBits: 12}
	resp, _, ok, declined := server.Accept(offers)
	fmt.Println(ok, resp)
	for _, err := range declined {
		fmt.Println(err)
	}
	// Output:
	// true permessage-deflate; client_max_window_bits=12
	// websocket: permessage-deflate parameter "server_max_window_bits" value "16" is not a decimal integer from 8 to 15 (RFC 7692 §7.1.2.1)
}

// A client checks the server's answer against what it offered.
func ExampleCompression_Verify() {
	var client websocket.Compression // no context takeover either way
	fmt.Println(client.Offer())

	resp, _ := websocket.ParseExtensions("permessage-deflate; client_max_window_bits=10")
	_, _, err := client.Verify(resp)
	fmt.Println(err)
	// Output:
	// permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits
	// websocket: permessage-deflate parameter "server_no_context_takeover" was offered but is missing from the response (RFC 7692 §7.1.1.1)
}
