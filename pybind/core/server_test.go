package core

import (
	"context"
	"sync"
	"testing"

	"github.com/wirelab/wirelab/websocket"
)

// TestServerAcceptsEveryHandshake runs the accept loop the way Python does
// and checks that no upgraded connection is lost between the handler and
// Pending.Accept.
func TestServerAcceptsEveryHandshake(t *testing.T) {
	s := listen(t, nil)
	go func() {
		for {
			p, err := s.Accept()
			if err != nil {
				return
			}
			go func() {
				c, err := p.Accept("")
				if err != nil {
					t.Errorf("Accept: %v", err)
					return
				}
				msg, err := c.Recv()
				if err != nil {
					t.Errorf("Recv: %v", err)
					return
				}
				c.Send(msg[1:], int(msg[0]))
				c.Close(1000, nil)
			}()
		}
	}()
	url := "ws://" + s.Addr() + "/"
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _, err := websocket.Dial(context.Background(), url)
			if err != nil {
				t.Errorf("Dial: %v", err)
				return
			}
			defer c.CloseNow()
			if err := c.WriteMessage(websocket.BinaryMessage, []byte{0, 1, 0}); err != nil {
				t.Errorf("write: %v", err)
				return
			}
			if _, b, err := c.ReadMessage(); err != nil || string(b) != "\x00\x01\x00" {
				t.Errorf("echo: %q, %v", b, err)
			}
		}()
	}
	wg.Wait()
}

func TestPendingReject(t *testing.T) {
	s := listen(t, nil)
	go func() {
		p, err := s.Accept()
		if err == nil {
			p.Reject(403, []byte("no\n"))
		}
	}()
	_, resp, err := websocket.Dial(context.Background(), "ws://"+s.Addr()+"/")
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Fatalf("got %v, %v; want a 403", resp, err)
	}
}
