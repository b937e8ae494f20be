package polling

import (
	"io"
	"net"
	"testing"

	"github.com/wirelab/wirelab/httpcore"
)

// TestMetersPerTransport serves one short poll through a TransportListener
// and checks that its bytes, connection and request land in the ShortPoll
// meter only, and that the client's CountConn saw the same bytes.
func TestMetersPerTransport(t *testing.T) {
	hub := NewMemoryHub(4)
	meters := new(Meters)
	srv := &Server{Hub: hub, Meters: meters}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &httpcore.Server{Handler: srv}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(&TransportListener{Listener: ln, Meters: meters}) }()

	stop := func() { srv.Close(); hs.Close(); <-done }
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		stop()
		t.Fatal(err)
	}
	var client Meter
	c := CountConn(nc, &client)
	_, err = io.WriteString(c, "GET /poll?after=0 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
	if err == nil {
		_, err = io.ReadAll(c) // Connection: close: the server ends it
	}
	c.Close()
	stop() // waits for the server's goroutines: the counts are final
	if err != nil {
		t.Fatal(err)
	}

	sp := meters[ShortPoll].Snapshot()
	if sp.Requests != 1 || sp.Conns != 1 || sp.BytesIn != client.BytesOut.Load() || sp.BytesOut != client.BytesIn.Load() {
		t.Errorf("short-poll meter %+v; the client sent %d bytes and received %d", sp, client.BytesOut.Load(), client.BytesIn.Load())
	}
	for _, tr := range []Transport{LongPoll, SSE, WebSocket} {
		if s := meters[tr].Snapshot(); s != (MeterSnapshot{}) {
			t.Errorf("%s meter counted %+v, want nothing", tr, s)
		}
	}
}
