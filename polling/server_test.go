package polling

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testTimeout bounds every wait in these tests; nothing sleeps to
// synchronise.
const testTimeout = 20 * time.Second

// startServer serves srv on a loopback port and returns its address. The
// servers close when the test ends.
func startServer(t testing.TB, srv *Server, hs *httpcore.Server) string {
	t.Helper()
	if hs == nil {
		hs = &httpcore.Server{}
	}
	hs.Handler = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		hs.Close()
		<-done
	})
	return ln.Addr().String()
}

func publishN(t testing.TB, h Hub, from, to int) {
	t.Helper()
	for i := from; i <= to; i++ {
		if _, err := h.Publish(context.Background(), []byte(fmt.Sprintf("message %d", i))); err != nil {
			t.Errorf("publish %d: %v", i, err)
			return
		}
	}
}

// checker asserts that messages arrive in order, each once, with the right
// payload, and stops the client at the last one.
type checker struct {
	t      testing.TB
	name   string
	want   uint64
	got    uint64
	cancel context.CancelFunc
}

func (c *checker) fn(m Message) error {
	if m.Seq != c.got+1 {
		c.t.Errorf("%s: got message %d after %d: lost or duplicated", c.name, m.Seq, c.got)
	}
	if want := fmt.Sprintf("message %d", m.Seq); string(m.Data) != want {
		c.t.Errorf("%s: message %d data %q, want %q", c.name, m.Seq, m.Data, want)
	}
	c.got = m.Seq
	if c.got >= c.want {
		c.cancel()
	}
	return nil
}

func runClient(t *testing.T, c *Client, want uint64, fn func(Message)) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ck := &checker{t: t, name: c.Transport.String(), want: want, cancel: cancel}
	err := c.Run(ctx, func(m Message) error {
		ck.fn(m)
		if fn != nil {
			fn(m)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: Run: %v", c.Transport, err)
	}
	if ck.got != want {
		t.Fatalf("%s: got up to message %d, want %d (timed out)", c.Transport, ck.got, want)
	}
}

func TestEveryTransportDeliversEveryMessageOnce(t *testing.T) {
	for _, tr := range Transports() {
		t.Run(tr.String(), func(t *testing.T) {
			hub := NewMemoryHub(1000)
			addr := startServer(t, &Server{Hub: hub, MaxBatch: 7}, nil)
			publishN(t, hub, 1, 30)
			c := &Client{Transport: tr, Addr: addr, Interval: 5 * time.Millisecond, Wait: 5 * time.Second}
			// Half the messages exist before the client connects, half
			// are published while it reads.
			var once sync.Once
			var wg sync.WaitGroup
			c.OnConnect = func() {
				once.Do(func() {
					wg.Add(1)
					go func() {
						defer wg.Done()
						publishN(t, hub, 31, 60)
					}()
				})
			}
			runClient(t, c, 60, nil)
			wg.Wait()
		})
	}
}

// dropper hands out connections the test can break, as a flaky network
// would.
type dropper struct {
	mu   sync.Mutex
	last net.Conn
	n    int
}

func (d *dropper) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var nd net.Dialer
	c, err := nd.DialContext(ctx, network, addr)
	if err == nil {
		d.mu.Lock()
		d.last, d.n = c, d.n+1
		d.mu.Unlock()
	}
	return c, err
}

func (d *dropper) drop() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.last.Close()
}

func (d *dropper) dials() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}

// TestResumeAfterDrop breaks each client's connection in the middle of the
// stream, while messages keep coming: the client reconnects with its cursor
// and still sees every message exactly once, in order.
func TestResumeAfterDrop(t *testing.T) {
	for _, tr := range Transports() {
		t.Run(tr.String(), func(t *testing.T) {
			hub := NewMemoryHub(1000)
			// retry: 1 (ms) in the event stream, so SSE reconnects at once.
			addr := startServer(t, &Server{Hub: hub, Retry: time.Millisecond}, nil)
			publishN(t, hub, 1, 20)
			d := &dropper{}
			c := &Client{Transport: tr, Addr: addr, Interval: 5 * time.Millisecond, Wait: 5 * time.Second,
				Dial: d.dial, Retry: time.Millisecond}
			var wg sync.WaitGroup
			runClient(t, c, 60, func(m Message) {
				switch m.Seq {
				case 10, 35:
					// Break the connection and publish more while the
					// client is away.
					d.drop()
					wg.Add(1)
					go func(from int) {
						defer wg.Done()
						publishN(t, hub, from, from+19)
					}(map[uint64]int{10: 21, 35: 41}[m.Seq])
				}
			})
			wg.Wait()
			if n := d.dials(); n < 3 {
				t.Errorf("%s: %d connections, want at least 3 (two drops)", tr, n)
			}
		})
	}
}
