package websocket_test

import (
	"context"
	"fmt"
	"net"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// An echo server that corks its writes: the echoes of the messages that
// arrive together go back in one write, made when the loop goes back to the
// socket for more input, instead of one write each. A message written from
// another goroutine would need a Flush.
func ExampleConn_SetWriteCork() {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	u := &websocket.Upgrader{}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		go func() {
			defer c.CloseNow()
			c.SetWriteCork(true)
			var buf []byte
			for {
				mt, msg, err := c.ReadMessageTo(buf[:0])
				if err != nil {
					return
				}
				buf = msg
				if err := c.WriteMessage(mt, msg); err != nil {
					return
				}
			}
		}()
	})}
	go srv.Serve(ln)
	defer srv.Close()

	c, _, err := websocket.Dial(context.Background(), "ws://"+ln.Addr().String()+"/echo")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The client corks too: its three messages leave in one write, at
	// Flush.
	c.SetWriteCork(true)
	for _, s := range []string{"one", "two", "three"} {
		c.WriteMessage(websocket.TextMessage, []byte(s))
	}
	if err := c.Flush(); err != nil {
		fmt.Println(err)
		return
	}
	for range 3 {
		mt, msg, err := c.ReadMessage()
		fmt.Println(mt, string(msg), err)
	}
	fmt.Println(c.Close(websocket.CloseNormal, ""))
	// Output:
	// text one <nil>
	// text two <nil>
	// text three <nil>
	// <nil>
}
