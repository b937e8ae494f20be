// Command fanout measures one message reaching N WebSocket subscribers of
// one channel on one node: wirelab's polling.Server (GET /ws) against
// github.com/centrifugal/centrifuge, the Go library behind Centrifugo, with
// its connections subscribed to the channel on the server side.
//
//	go run ./cmd/fanout                       # N=10000, both servers, 5 messages each
//	go run ./cmd/fanout -n 1000 -servers wirelab
//
// Each server runs in a child process (this binary again, -serve NAME), so
// its memory is measured alone: the growth of HeapInuse+StackInuse and of
// RSS from idle to N connections, divided by N. The subscribers are the same
// hand-rolled client for both servers (wirelab's websocket.Dialer, one
// goroutine per connection, in this process). Each message carries the time
// the publisher sent it (before POST /publish); a subscriber's latency is
// the time it read the frame minus that, on the same clock. The open-files
// limit must allow N+500 descriptors (scripts/polling-load raises it).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/centrifugal/centrifuge"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/polling"
	"github.com/wirelab/wirelab/websocket"
)

var (
	n        = flag.Int("n", 10000, "subscribers")
	messages = flag.Int("messages", 5, "messages published, one at a time, each once every subscriber has the one before")
	servers  = flag.String("servers", "wirelab,centrifuge", "servers to measure, comma-separated")
	serve    = flag.String("serve", "", "internal: run this server in this process")
)

const channel = "bench"

func main() {
	flag.Parse()
	if *serve != "" {
		if err := runServer(*serve); err != nil {
			fmt.Fprintln(os.Stderr, "fanout:", err)
			os.Exit(1)
		}
		return
	}
	fmt.Printf("fanout: one message to %d WebSocket subscribers of one channel; GOMAXPROCS %d, %d CPUs\n", *n, runtime.GOMAXPROCS(0), runtime.NumCPU())
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average before: %s", b)
	}
	var rows []result
	for _, name := range strings.Split(*servers, ",") {
		r, err := measure(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fanout: %s: %v\n", name, err)
			os.Exit(1)
		}
		rows = append(rows, r)
	}
	fmt.Printf("\n%-11s %8s %9s %9s %9s %12s %12s\n", "server", "connect", "p50", "p99", "max", "heap+stack/sub", "RSS/sub")
	for _, r := range rows {
		fmt.Printf("%-11s %8s %9s %9s %9s %12.1f KiB %8.1f KiB\n", r.name, r.connect.Round(time.Millisecond),
			r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond), r.max.Round(100*time.Microsecond), r.heapPerSub, r.rssPerSub)
	}
	fmt.Println("(p50, p99 and max over every delivery of every message, from the publisher's clock before POST /publish to the subscriber's read)")
}

type result struct {
	name                  string
	connect               time.Duration
	p50, p99, max         time.Duration
	heapPerSub, rssPerSub float64
}

// stats is what a server process reports on GET /stats.
type stats struct {
	Heap       uint64 `json:"heap"` // HeapInuse + StackInuse after a GC
	RSS        uint64 `json:"rss"`
	Goroutines int    `json:"goroutines"`
}

func readStats() stats {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := stats{Heap: ms.HeapInuse + ms.StackInuse, Goroutines: runtime.NumGoroutine()}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, ln := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(ln, "VmRSS:"); ok {
				kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				st.RSS = kb << 10
			}
		}
	}
	return st
}

func writeStats(w io.Writer) { json.NewEncoder(w).Encode(readStats()) }

// runServer serves one server on 127.0.0.1:0, prints "listening on ADDR",
// and returns when stdin closes. Both answer GET /stats and POST /publish
// (the body becomes one message of the channel); the WebSocket is /ws.
func runServer(name string) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	var stop func()
	switch name {
	case "wirelab":
		ps := &polling.Server{Channels: &polling.MemoryChannels{Retention: polling.Retention{Count: 64}}, AllowPublish: true}
		hs := &httpcore.Server{MaxConns: -1, Handler: httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
			if r.Path() == "/stats" {
				writeStats(w)
				return
			}
			ps.ServeHTTP(w, r)
		})}
		go hs.Serve(ln)
		stop = func() { ps.Close(); hs.Close() }
	case "centrifuge":
		node, err := centrifuge.New(centrifuge.Config{LogLevel: centrifuge.LogLevelError})
		if err != nil {
			return err
		}
		node.OnConnecting(func(context.Context, centrifuge.ConnectEvent) (centrifuge.ConnectReply, error) {
			return centrifuge.ConnectReply{
				Credentials:   &centrifuge.Credentials{UserID: ""},
				Subscriptions: map[string]centrifuge.SubscribeOptions{channel: {}},
			}, nil
		})
		if err := node.Run(); err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.Handle("/ws", centrifuge.NewWebsocketHandler(node, centrifuge.WebsocketConfig{
			PingPongConfig: centrifuge.PingPongConfig{PingInterval: time.Hour, PongTimeout: time.Minute},
		}))
		mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) { writeStats(w) })
		mux.HandleFunc("/publish", func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			// Its JSON protocol carries data as JSON: send a string.
			data, _ := json.Marshal(string(body))
			if _, err := node.Publish(r.URL.Query().Get("channel"), data); err != nil {
				http.Error(w, err.Error(), 503)
			}
		})
		hs := &http.Server{Handler: mux}
		go hs.Serve(ln)
		stop = func() { hs.Close(); node.Shutdown(context.Background()) }
	default:
		return fmt.Errorf("no server %q: wirelab or centrifuge", name)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	io.Copy(io.Discard, os.Stdin)
	stop()
	return nil
}

func getStats(addr string) (stats, error) {
	var st stats
	resp, err := http.Get("http://" + addr + "/stats")
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}

// measure starts the named server, connects the subscribers, publishes and
// gathers the latencies.
func measure(name string) (result, error) {
	res := result{name: name}
	cmd := exec.Command(os.Args[0], "-serve", name)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	defer func() { stdin.Close(); cmd.Wait() }()
	var line []byte
	b := make([]byte, 1)
	for {
		if _, err := stdout.Read(b); err != nil {
			return res, fmt.Errorf("the server process ended before listening: %v", err)
		}
		if b[0] == '\n' {
			break
		}
		line = append(line, b[0])
	}
	addr, ok := strings.CutPrefix(string(line), "listening on ")
	if !ok {
		return res, fmt.Errorf("the server process said %q", line)
	}
	go io.Copy(io.Discard, stdout)
	idle, err := getStats(addr)
	if err != nil {
		return res, err
	}

	lat := make([][]time.Duration, *messages)
	got := make([]atomic.Int64, *messages)
	stored := make([]atomic.Int64, *messages)
	all := make([]chan struct{}, *messages)
	for k := range lat {
		lat[k] = make([]time.Duration, *n)
		all[k] = make(chan struct{})
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ready sync.WaitGroup
	var firstErr atomic.Value
	var conns sync.WaitGroup
	dials := make(chan struct{}, 256)
	start := time.Now()
	ready.Add(*n)
	for range *n {
		conns.Add(1)
		go func() {
			defer conns.Done()
			dials <- struct{}{}
			c, err := subscribe(ctx, name, addr)
			<-dials
			if err != nil {
				firstErr.CompareAndSwap(nil, err)
				ready.Done()
				return
			}
			ready.Done()
			defer c.CloseNow()
			context.AfterFunc(ctx, func() { c.CloseNow() })
			buf := make([]byte, 0, 512)
			for {
				_, p, err := c.ReadMessageTo(buf[:0])
				if err != nil {
					return
				}
				now := time.Now()
				for {
					i := bytes.Index(p, []byte("@@"))
					if i < 0 {
						break
					}
					p = p[i+2:]
					j := bytes.Index(p, []byte("@@"))
					if j < 0 {
						break
					}
					k, sent, _ := strings.Cut(string(p[:j]), ":")
					p = p[j+2:]
					ki, _ := strconv.Atoi(k)
					us, _ := strconv.ParseInt(sent, 10, 64)
					if ki < 0 || ki >= len(lat) {
						continue
					}
					if i := got[ki].Add(1); i <= int64(*n) {
						lat[ki][i-1] = now.Sub(time.UnixMicro(us))
						if stored[ki].Add(1) == int64(*n) {
							close(all[ki])
						}
					}
				}
			}
		}()
	}
	ready.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return res, fmt.Errorf("a subscriber could not connect: %v", err)
	}
	res.connect = time.Since(start)
	held, err := getStats(addr)
	if err != nil {
		return res, err
	}
	res.heapPerSub = (float64(held.Heap) - float64(idle.Heap)) / 1024 / float64(*n)
	res.rssPerSub = (float64(held.RSS) - float64(idle.RSS)) / 1024 / float64(*n)
	fmt.Printf("\n%s: %d subscribers in %v; server heap+stack %.1f MiB (idle %.1f), RSS %.1f MiB (idle %.1f), %d goroutines\n",
		name, *n, res.connect.Round(time.Millisecond), float64(held.Heap)/(1<<20), float64(idle.Heap)/(1<<20),
		float64(held.RSS)/(1<<20), float64(idle.RSS)/(1<<20), held.Goroutines)

	var every []time.Duration
	for k := range *messages {
		// Let the connections settle (handshake replies, the last
		// message's stragglers) before the next publish.
		time.Sleep(300 * time.Millisecond)
		t0 := time.Now()
		body := fmt.Sprintf("@@%d:%d@@", k, t0.UnixMicro())
		resp, err := http.Post("http://"+addr+"/publish?channel="+channel, "text/plain", strings.NewReader(body))
		if err != nil {
			return res, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return res, fmt.Errorf("POST /publish: %s", resp.Status)
		}
		select {
		case <-all[k]:
		case <-time.After(60 * time.Second):
			return res, fmt.Errorf("message %d reached %d of %d subscribers in 60 s", k, got[k].Load(), *n)
		}
		p50, p99, max := percentiles(lat[k])
		fmt.Printf("%s: message %d: all %d in %v; p50 %v, p99 %v\n", name, k, *n, max.Round(time.Millisecond), p50.Round(100*time.Microsecond), p99.Round(100*time.Microsecond))
		every = append(every, lat[k]...)
	}
	cancel()
	conns.Wait()
	for k := range got {
		if v := got[k].Load(); v != int64(*n) {
			return res, fmt.Errorf("message %d was delivered %d times to %d subscribers", k, v, *n)
		}
	}
	res.p50, res.p99, res.max = percentiles(every)
	return res, nil
}

// subscribe opens one subscriber's WebSocket: wirelab's /ws of the channel,
// or centrifuge's /ws with a connect command (the server subscribes it to the
// channel), waiting for the connect reply.
func subscribe(ctx context.Context, name, addr string) (*websocket.Conn, error) {
	var d websocket.Dialer
	if name == "wirelab" {
		c, _, err := d.Dial(ctx, "ws://"+addr+"/ws?channel="+channel)
		return c, err
	}
	c, _, err := d.Dial(ctx, "ws://"+addr+"/ws")
	if err != nil {
		return nil, err
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"id":1,"connect":{}}`)); err != nil {
		c.CloseNow()
		return nil, err
	}
	_, reply, err := c.ReadMessage()
	if err != nil || !bytes.Contains(reply, []byte(`"connect"`)) {
		c.CloseNow()
		return nil, fmt.Errorf("centrifuge connect: %q, %v", reply, err)
	}
	return c, nil
}

// percentiles sorts ds in place and returns its 50th and 99th percentiles
// and its maximum.
func percentiles(ds []time.Duration) (p50, p99, max time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1]
}
