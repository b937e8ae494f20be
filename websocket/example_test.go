package websocket_test

import (
	"context"
	"fmt"
	"net"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

func ExampleAcceptKey() {
	// The key and answer from RFC 6455 §1.3.
	fmt.Println(websocket.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="))
	// Output: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
}

func ExampleParseOrigin() {
	o, _ := websocket.ParseOrigin("HTTP://Example.COM:80")
	fmt.Println(o, o.Port)
	null, _ := websocket.ParseOrigin("null")
	fmt.Println(null.IsOpaque())
	// Output:
	// http://example.com 80
	// true
}

func ExampleDial() {
	// An echo server on httpcore.
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	u := &websocket.Upgrader{}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		go func() {
			for {
				mt, msg, err := c.ReadMessage()
				if err != nil {
					return
				}
				c.WriteMessage(mt, msg)
			}
		}()
	})}
	go srv.Serve(ln)
	defer srv.Close()

	c, resp, err := websocket.Dial(context.Background(), "ws://"+ln.Addr().String()+"/echo")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.StatusCode, resp.Reason)
	c.WriteMessage(websocket.TextMessage, []byte("hello"))
	_, msg, _ := c.ReadMessage()
	fmt.Println(string(msg))
	fmt.Println(c.Close(websocket.CloseNormal, "bye"))
	// Output:
	// 101 Switching Protocols
	// hello
	// <nil>
}
