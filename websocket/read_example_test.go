package websocket_test

import (
	"context"
	"fmt"
	"net"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// An echo server that reads every message into one buffer, reused for the
// connection's life: after the first few messages it no longer allocates,
// where ReadMessage returns each message in a new slice.
func ExampleConn_ReadMessageTo() {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	u := &websocket.Upgrader{}
	srv := &httpcore.Server{Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		c, err := u.Upgrade(w, r)
		if err != nil {
			return
		}
		go func() {
			defer c.CloseNow()
			var buf []byte
			for {
				mt, msg, err := c.ReadMessageTo(buf[:0])
				if err != nil {
					return
				}
				buf = msg // keep the grown buffer for the next message
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
	var buf []byte
	for _, s := range []string{"one", "two", "three"} {
		c.WriteMessage(websocket.TextMessage, []byte(s))
		var mt websocket.MessageType
		mt, buf, err = c.ReadMessageTo(buf[:0])
		fmt.Println(mt, string(buf), err)
	}
	fmt.Println(c.Close(websocket.CloseNormal, ""))
	// Output:
	// text one <nil>
	// text two <nil>
	// text three <nil>
	// <nil>
}
