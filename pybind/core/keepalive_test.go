package core

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/wirelab/wirelab/websocket"
)

// listen starts a server for the test, closed at its end.
func listen(t *testing.T, opts *Options) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1", 0, "", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// pair returns a server-side Conn with opts and the websocket client
// connected to it.
func pair(t *testing.T, opts *Options) (*Conn, *websocket.Conn) {
	t.Helper()
	s := listen(t, opts)
	got := make(chan *Conn, 1)
	go func() {
		p, err := s.Accept()
		if err != nil {
			t.Errorf("Accept: %v", err)
			close(got)
			return
		}
		c, err := p.Accept("")
		if err != nil {
			t.Errorf("Pending.Accept: %v", err)
		}
		got <- c
	}()
	cc, _, err := websocket.Dial(context.Background(), "ws://"+s.Addr()+"/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.CloseNow() })
	c := <-got
	if c == nil {
		t.FailNow()
	}
	return c, cc
}

// drain reads c until it ends, as a peer that answers pings does.
func drain(c *websocket.Conn) {
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
	}
}

func opts(t *testing.T, pingIntervalMs, pingTimeoutMs, maxQueue int) *Options {
	t.Helper()
	o, err := NewOptions(pingIntervalMs, pingTimeoutMs, 2000, 1<<20, maxQueue)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

type state struct {
	Ended bool `json:"ended"`
	Rcvd  *struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	} `json:"rcvd"`
	Sent *struct {
		Code   int    `json:"code"`
		Reason string `json:"reason"`
	} `json:"sent"`
	RcvdThenSent bool    `json:"rcvd_then_sent"`
	Error        string  `json:"error"`
	Latency      float64 `json:"latency"`
}

func stateOf(t *testing.T, c *Conn) state {
	t.Helper()
	b, err := c.State()
	if err != nil {
		t.Fatal(err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return st
}

func waitEnded(t *testing.T, c *Conn, within time.Duration) {
	t.Helper()
	if c.WaitClosed(int(within.Milliseconds())) != 1 {
		t.Fatalf("the connection is still open after %v", within)
	}
}

// A peer that reads nothing answers no ping: after ping_timeout the server
// fails the connection with 1011, as websockets does.
func TestKeepaliveFailsSilentPeer(t *testing.T) {
	c, cc := pair(t, opts(t, 50, 100, 16))
	waitEnded(t, c, 3*time.Second)
	st := stateOf(t, c)
	if st.Sent == nil || st.Sent.Code != 1011 || st.Sent.Reason != "keepalive ping timeout" || st.Rcvd != nil {
		t.Fatalf("state %+v, want sent 1011 keepalive ping timeout and nothing received", st)
	}
	// What the silent peer finds when it reads at last.
	var ce *websocket.CloseError
	for {
		_, _, err := cc.ReadMessage()
		if errors.As(err, &ce) {
			break
		}
		if err != nil {
			t.Fatalf("peer read: %v", err)
		}
	}
	if ce.Code != 1011 {
		t.Fatalf("peer got close %v, want 1011", ce.Code)
	}
}

// A peer that reads answers every ping; the connection stays up while
// Python neither sends nor receives, and the latency is measured.
func TestKeepaliveAnswered(t *testing.T) {
	c, cc := pair(t, opts(t, 20, 200, 16))
	go drain(cc)
	// Twenty rounds of ping and pong, counted by the pongs, not a clock.
	for i := 0; i < 20; i++ {
		p, err := c.Ping(nil, true)
		if err != nil {
			t.Fatal(err)
		}
		if p.Wait(2000) != 1 {
			t.Fatalf("ping %d unanswered; state %+v", i, stateOf(t, c))
		}
	}
	if st := stateOf(t, c); st.Ended || st.Latency <= 0 {
		t.Fatalf("state %+v, want open with a latency", st)
	}
}

func TestPingMatchesPongs(t *testing.T) {
	c, cc := pair(t, opts(t, 0, 0, 16))
	go drain(cc)
	if _, err := c.Ping(make([]byte, 126), false); err == nil {
		t.Fatal("a 126-byte ping was accepted")
	}
	p, err := c.Ping([]byte("a"), false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Wait(2000) != 1 || p.Latency() <= 0 {
		t.Fatalf("pong for %q not matched", p.data)
	}
}

// A full queue stops reading: a pong waits behind the queued messages and
// is seen once Python takes them.
func TestQueueBoundPushesBack(t *testing.T) {
	c, cc := pair(t, opts(t, 0, 0, 2))
	for i := 0; i < 5; i++ {
		if err := cc.WriteMessage(websocket.TextMessage, []byte{'0' + byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	go drain(cc)
	p, err := c.Ping([]byte("late"), false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Wait(200) != statusNotYet {
		t.Fatal("the pong was read past a full queue")
	}
	for i := 0; i < 5; i++ {
		m, ok := c.next(2000)
		if !ok || string(m.b) != string(rune('0'+i)) {
			t.Fatalf("message %d: %q, %v", i, m.b, ok)
		}
	}
	if p.Wait(2000) != 1 {
		t.Fatal("the pong was not read once the queue drained")
	}
}

// The close frames are recorded in the order they crossed.
func TestCloseState(t *testing.T) {
	c, cc := pair(t, opts(t, 0, 0, 16))
	go drain(cc)
	if err := c.Close(1000, []byte("bye")); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, c, 3*time.Second)
	st := stateOf(t, c)
	if st.Sent == nil || st.Sent.Code != 1000 || st.Sent.Reason != "bye" || st.Rcvd == nil || st.Rcvd.Code != 1000 || st.RcvdThenSent {
		t.Fatalf("state %+v, want sent 1000 bye, then received 1000", st)
	}
	if _, err := c.Recv(); err == nil {
		t.Fatal("Recv after close returned a message")
	}

	// The peer closes first.
	c2, cc2 := pair(t, opts(t, 0, 0, 16))
	cc2.Close(4001, "custom")
	waitEnded(t, c2, 3*time.Second)
	st = stateOf(t, c2)
	if st.Rcvd == nil || st.Rcvd.Code != 4001 || st.Rcvd.Reason != "custom" || st.Sent == nil || st.Sent.Code != 4001 || !st.RcvdThenSent {
		t.Fatalf("state %+v, want received 4001 custom, then sent 4001", st)
	}
	for _, bad := range []int{-1, 999, 1005 + 1<<16, 1006} {
		if err := c2.Close(bad, nil); err == nil {
			t.Errorf("Close(%d) was accepted", bad)
		}
	}
	if err := c2.Close(1000, []byte{0xff}); err == nil {
		t.Error("a reason of invalid UTF-8 was accepted")
	}
}

func TestOptionsRejectBadValues(t *testing.T) {
	for _, args := range [][5]int{{-1, 0, 0, 0, 1}, {0, -1, 0, 0, 1}, {0, 0, -1, 0, 1}, {0, 0, 0, -1, 1}, {0, 0, 0, 0, -1}, {0, 0, 0, 0, maxQueueLimit + 1}} {
		if _, err := NewOptions(args[0], args[1], args[2], args[3], args[4]); err == nil {
			t.Errorf("NewOptions%v accepted", args)
		}
	}
}

func TestDialInSlices(t *testing.T) {
	s := listen(t, nil)
	go func() {
		for {
			p, err := s.AcceptWithin(50)
			if err != nil {
				return
			}
			if p != nil {
				go p.Accept("")
			}
		}
	}()
	d, err := Dial("ws://"+s.Addr()+"/", "", nil, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	for d.Wait(10) != 1 {
	}
	c, err := d.Conn()
	if err != nil || c == nil {
		t.Fatalf("Conn: %v, %v", c, err)
	}
	c.Abort()

	// Cancel gives up on a dial that waits: a listener that never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	d2, err := Dial("ws://"+ln.Addr().String()+"/", "", nil, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d2.Wait(100) != statusNotYet {
		t.Fatal("a handshake nobody answers completed")
	}
	d2.Cancel()
	if c, err := d2.Conn(); err == nil || c != nil {
		t.Fatalf("after Cancel: %v, %v", c, err)
	}
}
