package compare

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/polling"
)

// A CompareConfig describes one measurement: Clients readers per transport,
// a stream of Rate messages per second for Duration, each Payload bytes.
type CompareConfig struct {
	Clients    int
	Rate       float64
	Duration   time.Duration
	Payload    int
	Transports []polling.Transport
	// Interval is the short-polling period. Default 1s.
	Interval time.Duration
	// Wait is the hold a long poll asks for. Default 25s.
	Wait time.Duration
	// Drain bounds the wait, after the last message is published, for
	// every client to receive it; a message still missing then is lost.
	// Default Interval + 5s.
	Drain time.Duration
	// Header holds extra fields every client sends with each request, to
	// model a browser's (see BrowserHeader).
	Header httpcore.Header
	// StartServer starts a fresh server for one transport's run. Nil runs
	// one in this process (InProcessServer), whose CPU time cannot be told
	// apart from the clients'.
	StartServer func(ctx context.Context) (*RunningServer, error)
	// Progress, if set, is called as the run advances.
	Progress func(Progress)
	// Channel is the channel published to and read ("" for the server's
	// DefaultChannel).
	Channel string
	// Nodes above 1 puts the transports across that many servers sharing
	// one backplane: StartNodes starts them, messages are published on the
	// first, and each transport's clients are spread over them
	// round-robin.
	Nodes      int
	StartNodes func(ctx context.Context, n int) ([]*RunningServer, error)
}

// Progress reports how far a Compare run is.
type Progress struct {
	Transport polling.Transport
	Phase     string // "connecting", "publishing", "draining", "done"
	Published int
	Total     int // messages to publish per transport
}

// A RunningServer is a server started for a measurement.
type RunningServer struct {
	// Addr is host:port on loopback. POST /publish must be enabled.
	Addr string
	// Stop stops the server and returns the CPU time (user + system) it
	// used while it ran.
	Stop func() (cpu time.Duration, err error)
	// CPUScope says what the CPU time covers: "server" when the server is
	// a process of its own, "process" when clients share its process.
	CPUScope string
}

// InProcessServer starts a Server on 127.0.0.1:0 in this process, with
// POST /publish enabled. Its CPU time is this whole process's (from
// getrusage), clients included.
func InProcessServer(ctx context.Context) (*RunningServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ps := &polling.Server{Hub: polling.NewMemoryHub(1 << 16), AllowPublish: true}
	hs := &httpcore.Server{Handler: ps, MaxConns: -1, WriteTimeout: polling.DefaultWriteTimeout}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	cpu0 := ProcessCPU()
	return &RunningServer{
		Addr:     ln.Addr().String(),
		CPUScope: "process",
		Stop: func() (time.Duration, error) {
			ps.Close()
			hs.Close()
			err := <-done
			if errors.Is(err, httpcore.ErrServerClosed) {
				err = nil
			}
			return ProcessCPU() - cpu0, err
		},
	}, nil
}

// ProcessCPU returns the user and system CPU time this process has used.
func ProcessCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BrowserHeader returns the request fields a desktop Chromium sends with a
// fetch() to its own origin: what a poll from a page really carries.
func BrowserHeader() httpcore.Header {
	var h httpcore.Header
	h.Add("Connection", "keep-alive")
	h.Add("sec-ch-ua-platform", `"Linux"`)
	h.Add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36")
	h.Add("sec-ch-ua", `"Not/A)Brand";v="8", "Chromium";v="126", "Google Chrome";v="126"`)
	h.Add("sec-ch-ua-mobile", "?0")
	h.Add("Accept", "*/*")
	h.Add("Sec-Fetch-Site", "same-origin")
	h.Add("Sec-Fetch-Mode", "cors")
	h.Add("Sec-Fetch-Dest", "empty")
	h.Add("Referer", "http://127.0.0.1:8080/")
	h.Add("Accept-Encoding", "gzip, deflate, br, zstd")
	h.Add("Accept-Language", "en-US,en;q=0.9,zh-CN;q=0.8,zh;q=0.7")
	h.Add("Cookie", "session=4f2a9c1e7b3d45a8a1c0e9f7d6b5a4c3; theme=dark")
	return h
}

// CompareResult is what Compare measured, shaped for --json.
type CompareResult struct {
	Transports []TransportResult `json:"transports"`
	Config     ResultConfig      `json:"config"`
}

// ResultConfig echoes the configuration of a run.
type ResultConfig struct {
	Clients         int     `json:"clients"`
	Rate            float64 `json:"rate"`
	DurationSeconds float64 `json:"duration_seconds"`
	Payload         int     `json:"payload"`
	IntervalSeconds float64 `json:"short_poll_interval_seconds"`
	BrowserHeaders  bool    `json:"browser_headers"`
	Channel         string  `json:"channel,omitempty"`
	Nodes           int     `json:"nodes,omitempty"`
}

// TransportResult is one transport's measurement. The first fields are the
// ones "wirelab compare --json" promises; the rest add detail.
type TransportResult struct {
	Name                    string  `json:"name"`
	Delivered               int64   `json:"delivered"`
	Lost                    int64   `json:"lost"`
	Duplicated              int64   `json:"duplicated"`
	BytesPerMessage         float64 `json:"bytes_per_message"`
	OverheadBytesPerMessage float64 `json:"overhead_bytes_per_message"`
	Requests                int64   `json:"requests"`
	Connections             int64   `json:"connections"`
	Latency                 Latency `json:"latency_ms"`
	ServerCPUSeconds        float64 `json:"server_cpu_seconds"`

	Published          int64   `json:"published"`
	Clients            int     `json:"clients"`
	BytesDown          int64   `json:"bytes_down"`
	BytesUp            int64   `json:"bytes_up"`
	PayloadBytes       int64   `json:"payload_bytes"`
	RequestsPerMessage float64 `json:"requests_per_message"`
	CPUScope           string  `json:"server_cpu_scope"`
	// PerNode is set when the clients were spread over several nodes;
	// node 1 is where messages are published.
	PerNode []NodeResult `json:"per_node,omitempty"`
}

// NodeResult counts what one node's clients received. ExtraP50 is how
// much later than node 1's clients this node's received a message, at the
// median: the cost of crossing the backplane.
type NodeResult struct {
	Node       int     `json:"node"`
	Clients    int     `json:"clients"`
	Delivered  int64   `json:"delivered"`
	Lost       int64   `json:"lost"`
	Duplicated int64   `json:"duplicated"`
	Latency    Latency `json:"latency_ms"`
	ExtraP50   float64 `json:"extra_p50_ms"`
}

// Latency holds delivery latency percentiles in milliseconds, from the
// moment the hub accepted a message to the moment a client decoded it.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// orDur is v, or def when v is not above 0.
func orDur(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

// Compare measures each transport in turn against a fresh server and the
// same stream, and returns one result per transport.
func Compare(ctx context.Context, cfg CompareConfig) (*CompareResult, error) {
	if cfg.Clients <= 0 {
		return nil, fmt.Errorf("polling: compare needs at least one client, not %d", cfg.Clients)
	}
	if cfg.Rate <= 0 || math.IsInf(cfg.Rate, 0) || math.IsNaN(cfg.Rate) {
		return nil, fmt.Errorf("polling: compare needs a rate above 0 messages per second, not %v", cfg.Rate)
	}
	if cfg.Duration <= 0 {
		return nil, fmt.Errorf("polling: compare needs a duration above 0, not %v", cfg.Duration)
	}
	if cfg.Payload < 0 || cfg.Payload > polling.MaxPublishBytes {
		return nil, fmt.Errorf("polling: payload %d is outside 0..%d bytes", cfg.Payload, polling.MaxPublishBytes)
	}
	if len(cfg.Transports) == 0 {
		cfg.Transports = polling.Transports()
	}
	cfg.Interval = orDur(cfg.Interval, time.Second)
	cfg.Wait = orDur(cfg.Wait, 25*time.Second)
	cfg.Drain = orDur(cfg.Drain, cfg.Interval+5*time.Second)
	if cfg.StartServer == nil {
		cfg.StartServer = InProcessServer
	}
	if cfg.Channel != "" {
		if err := polling.CheckChannel(cfg.Channel); err != nil {
			return nil, err
		}
	}
	nodes := 0
	if cfg.Nodes > 1 {
		if cfg.StartNodes == nil {
			return nil, fmt.Errorf("polling: compare over %d nodes needs StartNodes to start them on one backplane", cfg.Nodes)
		}
		nodes = cfg.Nodes
	}
	res := &CompareResult{Config: ResultConfig{
		Clients: cfg.Clients, Rate: cfg.Rate, DurationSeconds: cfg.Duration.Seconds(),
		Payload: cfg.Payload, IntervalSeconds: cfg.Interval.Seconds(), BrowserHeaders: cfg.Header.Len() > 0,
		Channel: cfg.Channel, Nodes: nodes,
	}}
	for _, t := range cfg.Transports {
		r, err := compareOne(ctx, &cfg, t)
		if err != nil {
			return res, fmt.Errorf("polling: compare %s: %w", t, err)
		}
		res.Transports = append(res.Transports, *r)
	}
	return res, nil
}

// tracker follows one client's stream: every message is new (the next
// sequence number), a duplicate (at or below the last one seen) or comes
// after a gap (the messages between were lost).
type tracker struct {
	last       uint64
	delivered  int64
	duplicated int64
	gaps       int64
	latencies  []float64 // milliseconds
	reached    bool      // guarded by finish.mu
}

// finishLine counts the clients that have seen the last message.
type finishLine struct {
	mu        sync.Mutex
	target    uint64
	remaining int
	done      chan struct{}
}

func (f *finishLine) observe(t *tracker) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.target > 0 && !t.reached && t.last >= f.target {
		t.reached = true
		f.remaining--
		if f.remaining == 0 {
			close(f.done)
		}
	}
}

func (f *finishLine) setTarget(target uint64, ts []*tracker, mu *sync.Mutex) {
	mu.Lock() // trackers' last fields are written under mu
	defer mu.Unlock()
	f.mu.Lock()
	f.target = target
	f.mu.Unlock()
	for _, t := range ts {
		f.observe(t)
	}
}

func compareOne(ctx context.Context, cfg *CompareConfig, tr polling.Transport) (*TransportResult, error) {
	total := max(1, int(math.Round(cfg.Rate*cfg.Duration.Seconds())))
	progress := func(phase string, n int) {
		if cfg.Progress != nil {
			cfg.Progress(Progress{Transport: tr, Phase: phase, Published: n, Total: total})
		}
	}
	progress("connecting", 0)
	var srvs []*RunningServer
	if cfg.Nodes > 1 {
		ss, err := cfg.StartNodes(ctx, cfg.Nodes)
		if err != nil {
			return nil, fmt.Errorf("starting %d nodes: %w", cfg.Nodes, err)
		}
		if len(ss) != cfg.Nodes {
			return nil, fmt.Errorf("asked for %d nodes, %d started", cfg.Nodes, len(ss))
		}
		srvs = ss
	} else {
		srv, err := cfg.StartServer(ctx)
		if err != nil {
			return nil, fmt.Errorf("starting the server: %w", err)
		}
		srvs = []*RunningServer{srv}
	}
	srv := srvs[0]
	stopped := false
	defer func() {
		if !stopped {
			for _, s := range srvs {
				s.Stop()
			}
		}
	}()

	var meter polling.Meter
	trackers := make([]*tracker, cfg.Clients)
	var mu sync.Mutex // guards the trackers
	finish := &finishLine{remaining: cfg.Clients, done: make(chan struct{})}
	var ready sync.WaitGroup
	ready.Add(cfg.Clients)
	allReady := make(chan struct{})
	go func() { ready.Wait(); close(allReady) }()

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var clients sync.WaitGroup
	errs := make(chan error, cfg.Clients)
	for i := range trackers {
		tk := &tracker{}
		trackers[i] = tk
		var once sync.Once
		c := &polling.Client{
			Transport: tr,
			Addr:      srvs[i%len(srvs)].Addr,
			Channel:   cfg.Channel,
			Interval:  cfg.Interval,
			Phase:     time.Duration(int64(cfg.Interval) * int64(i) / int64(cfg.Clients)),
			Wait:      cfg.Wait,
			ID:        "c" + strconv.Itoa(i),
			Header:    cfg.Header,
			Meter:     &meter,
			Retry:     50 * time.Millisecond,
			OnConnect: func() { once.Do(ready.Done) },
		}
		clients.Add(1)
		go func() {
			defer clients.Done()
			err := c.Run(cctx, func(m polling.Message) error {
				now := time.Now()
				mu.Lock()
				switch {
				case m.Seq <= tk.last:
					tk.duplicated++
				default:
					if m.Seq > tk.last+1 {
						tk.gaps += int64(m.Seq - tk.last - 1)
					}
					tk.last = m.Seq
					tk.delivered++
					tk.latencies = append(tk.latencies, float64(now.Sub(m.Time).Microseconds())/1000)
				}
				mu.Unlock()
				finish.observe(tk)
				return nil
			})
			if err != nil {
				errs <- err
			}
		}()
	}
	stopClients := func() {
		cancel()
		clients.Wait()
	}

	// Publish only once every client is connected, so the latency measured
	// is delivery, not connection setup.
	readyWait := 30*time.Second + time.Duration(cfg.Clients)*10*time.Millisecond
	select {
	case <-allReady:
	case err := <-errs:
		stopClients()
		return nil, fmt.Errorf("a client failed: %w", err)
	case <-time.After(readyWait):
		stopClients()
		return nil, fmt.Errorf("not every client connected within %v (raise the open-files limit with ulimit -n?)", readyWait)
	case <-ctx.Done():
		stopClients()
		return nil, ctx.Err()
	}

	progress("publishing", 0)
	last, err := publish(ctx, srv.Addr, cfg, total, func(n int) { progress("publishing", n) })
	if err != nil {
		stopClients()
		return nil, fmt.Errorf("publishing: %w", err)
	}
	progress("draining", total)
	finish.setTarget(last, trackers, &mu)
	drain := time.NewTimer(cfg.Drain)
	select {
	case <-finish.done:
	case <-drain.C:
	case <-ctx.Done():
	}
	drain.Stop()
	stopClients()
	stopped = true
	var cpu time.Duration
	for i, s := range srvs {
		c, err := s.Stop()
		if err != nil {
			return nil, fmt.Errorf("stopping server %d: %w", i+1, err)
		}
		cpu += c
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	progress("done", total)

	r := &TransportResult{Name: tr.String(), Published: int64(total), Clients: cfg.Clients, CPUScope: srv.CPUScope}
	var lat []float64
	for _, tk := range trackers {
		r.Delivered += tk.delivered
		r.Duplicated += tk.duplicated
		r.Lost += tk.gaps
		if tk.last < last {
			r.Lost += int64(last - tk.last)
		}
		lat = append(lat, tk.latencies...)
	}
	s := meter.Snapshot()
	r.BytesDown, r.BytesUp, r.PayloadBytes = s.BytesIn, s.BytesOut, s.PayloadBytes
	r.Requests, r.Connections = s.Requests, s.Conns
	if r.Delivered > 0 {
		d := float64(r.Delivered)
		r.BytesPerMessage = round2(float64(s.BytesIn+s.BytesOut) / d)
		r.OverheadBytesPerMessage = round2(float64(s.BytesIn+s.BytesOut-s.PayloadBytes) / d)
		r.RequestsPerMessage = round2(float64(s.Requests) / d)
	}
	slices.Sort(lat)
	r.Latency = Latency{P50: percentile(lat, 50), P95: percentile(lat, 95), P99: percentile(lat, 99)}
	if len(srvs) > 1 {
		r.PerNode = perNode(trackers, len(srvs), last)
	}
	r.ServerCPUSeconds = math.Round(cpu.Seconds()*1000) / 1000
	return r, nil
}

// perNode sums the trackers of the clients of each of n nodes (client i
// is on node i%n).
func perNode(trackers []*tracker, n int, last uint64) []NodeResult {
	out := make([]NodeResult, n)
	lats := make([][]float64, n)
	for i, tk := range trackers {
		nr := &out[i%n]
		nr.Clients++
		nr.Delivered += tk.delivered
		nr.Duplicated += tk.duplicated
		nr.Lost += tk.gaps
		if tk.last < last {
			nr.Lost += int64(last - tk.last)
		}
		lats[i%n] = append(lats[i%n], tk.latencies...)
	}
	for i := range out {
		slices.Sort(lats[i])
		l := lats[i]
		out[i].Node = i + 1
		out[i].Latency = Latency{P50: percentile(l, 50), P95: percentile(l, 95), P99: percentile(l, 99)}
		out[i].ExtraP50 = math.Round((out[i].Latency.P50-out[0].Latency.P50)*1000) / 1000
	}
	return out
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// percentile returns the p-th percentile of sorted values (nearest rank).
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	i = min(max(i, 0), len(sorted)-1)
	return math.Round(sorted[i]*1000) / 1000
}

// publish posts total messages of cfg.Payload bytes at cfg.Rate over one
// persistent connection and returns the last sequence number.
func publish(ctx context.Context, addr string, cfg *CompareConfig, total int, step func(int)) (uint64, error) {
	cc, err := httpcore.Dial(ctx, addr)
	if err != nil {
		return 0, err
	}
	defer cc.Close()
	payload := make([]byte, cfg.Payload)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	period := time.Duration(float64(time.Second) / cfg.Rate)
	tick := time.NewTicker(period)
	defer tick.Stop()
	target := "/publish"
	if cfg.Channel != "" {
		target += "?channel=" + cfg.Channel // CheckChannel's rule needs no escaping
	}
	var last uint64
	for n := 1; n <= total; n++ {
		if n > 1 {
			select {
			case <-ctx.Done():
				return 0, ctx.Err()
			case <-tick.C:
			}
		}
		if !cc.Reusable() {
			cc.Close()
			if cc, err = httpcore.Dial(ctx, addr); err != nil {
				return 0, err
			}
		}
		req := &httpcore.Request{Method: "POST", Target: target, ContentLength: int64(len(payload)), Body: bytes.NewReader(payload)}
		resp, err := cc.DoContext(ctx, req)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != 200 {
			return 0, &polling.HTTPError{Status: resp.StatusCode, Body: string(body)}
		}
		var seq uint64
		if _, err := fmt.Sscanf(string(body), `{"seq":%d}`, &seq); err != nil {
			return 0, fmt.Errorf("the answer to POST /publish is %q, not {\"seq\":N}", body)
		}
		last = seq
		step(n)
	}
	return last, nil
}
