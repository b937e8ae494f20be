package poll

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/polling/compare"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// parseFlags runs a command with args and captures its options; ok is false
// when it failed (as wantErr says, or the test is marked failed).
func parseFlags[O any](t *testing.T, newCmd func(*iostreams.IOStreams, func(*O) error) *cobra.Command, args, wantErr string) (got *O, ok bool) {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	err := cmdtest.Execute(newCmd(ios, func(o *O) error { got = o; return nil }), args)
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%q: got error %v, want %q", args, err, wantErr)
		}
		return nil, false
	}
	if err != nil {
		t.Errorf("%q: %v", args, err)
		return nil, false
	}
	return got, true
}

func TestNewCmdCompareFlags(t *testing.T) {
	tests := []struct {
		args    string
		want    string // fmt of the interesting fields
		wantErr string
	}{
		{"", "100 1 10s 64 [short long sse ws] false false  false", ""},
		{"--clients 1000 --rate 2 --duration 5s --payload 8 --transports ws,long --json --html r.html --in-process --browser-headers",
			"1000 2 5s 8 [ws long] true true r.html true", ""},
		{"-n 3 -r 0.5 -d 1m -b 0", "3 0.5 1m0s 0 [short long sse ws] false false  false", ""},
		{"--clients 0", "", "--clients 0: want at least 1"},
		{"--rate 0", "", "--rate 0: want more than 0"},
		{"--payload -1", "", "--payload -1"},
		{"--transports short,pigeon", "", `unknown transport "pigeon"`},
		{"--wait 2m", "", "--wait 2m0s"},
		{"--nodes 0", "", "--nodes 0: want 1 to 64"},
		{"--channel a/b", "", "--channel:"},
		{"extra", "", "unknown command"},
	}
	for _, tt := range tests {
		got, ok := parseFlags(t, NewCmdCompare, tt.args, tt.wantErr)
		if !ok {
			continue
		}
		s := fmt.Sprintln(got.Clients, got.Rate, got.Duration, got.Payload, got.Transports, got.JSON, got.InProcess, got.HTML, got.BrowserHeaders)
		if s = strings.TrimSpace(s); s != tt.want {
			t.Errorf("%q: got %s, want %s", tt.args, s, tt.want)
		}
	}
}

func TestNewCmdServeFlags(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	var got *ServeOptions
	cmd := NewCmdServe(ios, func(o *ServeOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--bench", "--addr", "127.0.0.1:0", "--rate", "5"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:0" || got.Rate != 0 || !got.Publish || got.KeepAlive != 0 {
		t.Errorf("--bench: got %+v, want rate 0, publish on, no keep-alive demo", *got)
	}
	cmd = NewCmdServe(ios, func(o *ServeOptions) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Addr != "127.0.0.1:8090" || got.Rate != 1 || got.Publish || got.KeepAlive != 100 {
		t.Errorf("defaults: %+v", *got)
	}
}

func TestNewCmdServeChannelFlags(t *testing.T) {
	tests := []struct {
		args, want, wantErr string
	}{
		{"", "default 65536 0s map[]", ""},
		{"--channel news --retention 10 --retention-age 1m --channel-retention chat=5 --channel-retention ticker=3:30s",
			"news 10 1m0s map[chat:{5 0s} ticker:{3 30s}]", ""},
		{"--channel a.b", "", `--channel: polling: channel "a.b": byte 1 is '.'`},
		{"--retention 0", "", "--retention 0: want 1 or more"},
		{"--retention-age -1s", "", "--retention-age -1s"},
		{"--channel-retention chat", "", "want NAME=COUNT or NAME=COUNT:AGE"},
		{"--channel-retention chat=x", "", `count "x" is not a number`},
		{"--channel-retention chat=1:soon", "", `age "soon" is not a positive duration`},
		{"--channel-retention c*=1", "", `byte 1 is '*'`},
		{"--nats embedded --data d --nats-listen 127.0.0.1:0 --node a --replicas 3", "default 65536 0s map[]", ""},
		{"--nats nats://a:4222,nats://b:4222", "default 65536 0s map[]", ""},
		{"--nats redis://a:6379", "", `"redis://a:6379" is not a nats:// URL`},
		{"--nats embedded --channel-retention a=1", "", "--channel-retention works without --nats only"},
	}
	for _, tt := range tests {
		got, ok := parseFlags(t, NewCmdServe, tt.args, tt.wantErr)
		if !ok {
			continue
		}
		ret := map[string]string{}
		for k, r := range got.ChannelRetention {
			ret[k] = fmt.Sprintf("{%d %v}", r.Count, r.Age)
		}
		if s := fmt.Sprint(got.Channel, " ", got.Retention, " ", got.RetentionAge, " ", ret); s != tt.want {
			t.Errorf("%q: got %s, want %s", tt.args, s, tt.want)
		}
	}
}

// TestCompareJSON runs a tiny in-process comparison and checks the JSON
// keys the issue promises.
func TestCompareJSON(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	cmd := NewCmdCompare(ios, nil)
	cmd.SetArgs(strings.Fields("--in-process --json --clients 3 --rate 100 --duration 50ms --payload 16 --interval 10ms"))
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Transports []map[string]any `json:"transports"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := []string{"name", "delivered", "lost", "duplicated", "bytes_per_message", "overhead_bytes_per_message",
		"requests", "connections", "latency_ms", "server_cpu_seconds"}
	var names []string
	for _, tr := range doc.Transports {
		names = append(names, tr["name"].(string))
		for _, k := range want {
			if _, ok := tr[k]; !ok {
				t.Errorf("%s: no %q in %v", tr["name"], k, tr)
			}
		}
		lat := tr["latency_ms"].(map[string]any)
		var keys []string
		for k := range lat {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if fmt.Sprint(keys) != "[p50 p95 p99]" {
			t.Errorf("latency_ms keys %v", keys)
		}
		if tr["lost"].(float64) != 0 || tr["duplicated"].(float64) != 0 || tr["delivered"].(float64) != 15 {
			t.Errorf("%s: delivered %v lost %v duplicated %v, want 15 0 0", tr["name"], tr["delivered"], tr["lost"], tr["duplicated"])
		}
	}
	if fmt.Sprint(names) != "[short long sse ws]" {
		t.Errorf("names %v", names)
	}
}

// TestCompareNodes spreads each transport's clients over two nodes on one
// embedded NATS, publishes on node 1 to a named channel, and checks every
// client got every message exactly once, on both nodes.
func TestCompareNodes(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	cmd := NewCmdCompare(ios, nil)
	cmd.SetArgs(strings.Fields("--nodes 2 --channel room --json --clients 4 --rate 50 --duration 200ms --payload 16 --interval 20ms"))
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var doc compare.CompareResult
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Config.Nodes != 2 || doc.Config.Channel != "room" || len(doc.Transports) != 4 {
		t.Fatalf("config %+v, %d transports; want 2 nodes, channel room, 4 transports", doc.Config, len(doc.Transports))
	}
	for _, r := range doc.Transports {
		if r.Published != 10 || r.Delivered != 4*r.Published || r.Lost != 0 || r.Duplicated != 0 {
			t.Errorf("%s: published %d delivered %d lost %d duplicated %d, want 10 40 0 0", r.Name, r.Published, r.Delivered, r.Lost, r.Duplicated)
		}
		if len(r.PerNode) != 2 {
			t.Errorf("%s: %d per-node rows, want 2", r.Name, len(r.PerNode))
			continue
		}
		for i, n := range r.PerNode {
			if n.Node != i+1 || n.Clients != 2 || n.Delivered != 2*r.Published || n.Lost != 0 || n.Duplicated != 0 {
				t.Errorf("%s node %d: %+v, want 2 clients, %d delivered, none lost or duplicated", r.Name, i+1, n, 2*r.Published)
			}
		}
		if r.PerNode[0].ExtraP50 != 0 {
			t.Errorf("%s: node 1's extra latency is %v, want 0 (it is the reference)", r.Name, r.PerNode[0].ExtraP50)
		}
	}
}

func TestCompareTable(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	cmd := NewCmdCompare(ios, nil)
	cmd.SetArgs(strings.Fields("--in-process --clients 2 --rate 100 --duration 20ms --transports sse,ws"))
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"transport", "bytes/msg", "sse", "ws", "p99 ms"} {
		if !strings.Contains(s, want) {
			t.Errorf("table lacks %q:\n%s", want, s)
		}
	}
}

func TestServe(t *testing.T) {
	log, stop := cmdtest.Serve(t, func(ctx context.Context, ios *iostreams.IOStreams) error {
		return runServe(ctx, &ServeOptions{IO: ios, Addr: "127.0.0.1:0", Rate: 1000, Payload: 20, KeepAlive: 10, Retention: 100})
	})
	addr := log.Listening(t, "http")
	var table []string
	for len(table) < 3 {
		table = append(table, log.Next(t))
	}
	if !strings.Contains(table[1], "HTTP/1.0, close") || !strings.Contains(table[2], "HTTP/1.1, keep-alive") ||
		!strings.Contains(table[1], " 10 ") || !strings.Contains(table[2], " 1 ") {
		t.Errorf("keep-alive table:\n%s", strings.Join(table, "\n"))
	}
	cc, err := httpcore.Dial(t.Context(), addr)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := cc.Do(&httpcore.Request{Target: "/poll?after=0&wait=10"})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	cc.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"data":"message 1 `) {
		t.Errorf("long poll: %d %s", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

// startServe runs runServe in the background and returns its log and the
// address it listens on; the server stops when the test ends.
func startServe(t *testing.T, opts *ServeOptions) (*cmdtest.Lines, string) {
	t.Helper()
	log, _ := cmdtest.Serve(t, func(ctx context.Context, ios *iostreams.IOStreams) error {
		opts.IO = ios
		return runServe(ctx, opts)
	})
	return log, log.Listening(t, "http")
}

// TestServeTwoNodes: node n1 runs NATS embedded, node n2 joins it; a message
// published on n2 reaches a long poll on n1, and /stats names each node.
func TestServeTwoNodes(t *testing.T) {
	log1, addr1 := startServe(t, &ServeOptions{Addr: "127.0.0.1:0", Retention: 100, Channel: "room",
		NATS: "embedded", NATSListen: "127.0.0.1:0", Data: t.TempDir(), Node: "n1"})
	note := log1.Next(t)
	_, url, ok := strings.Cut(note, "other nodes join with --nats ")
	if !strings.HasPrefix(note, "node n1: NATS embedded on nats://127.0.0.1:") || !ok {
		t.Fatalf("second line %q does not say where NATS listens", note)
	}
	log2, addr2 := startServe(t, &ServeOptions{Addr: "127.0.0.1:0", Retention: 100, Channel: "room",
		NATS: url, Node: "n2", Publish: true})
	if note := log2.Next(t); !strings.HasPrefix(note, "node n2: NATS at "+url) {
		t.Errorf("second line of n2: %q", note)
	}
	got := make(chan string, 1)
	go func() {
		cc, err := httpcore.Dial(context.Background(), addr1)
		if err != nil {
			got <- err.Error()
			return
		}
		defer cc.Close()
		resp, err := cc.Do(&httpcore.Request{Target: "/poll?channel=room&after=0&wait=10"})
		if err != nil {
			got <- err.Error()
			return
		}
		body, _ := io.ReadAll(resp.Body)
		got <- string(body)
	}()
	if status, body := do(t, addr2, "POST", "/publish?channel=room", "hello from n2"); status != 200 || body != "{\"seq\":1}\n" {
		t.Fatalf("publish on n2: %d %q", status, body)
	}
	if body := <-got; !strings.Contains(body, `{"seq":1,`) || !strings.Contains(body, `"data":"hello from n2"`) {
		t.Errorf("long poll on n1: %q", body)
	}
	for _, n := range []struct{ addr, want string }{{addr1, `"node":"n1","channel":"room","last":1`}, {addr2, `"node":"n2","channel":"room","last":1`}} {
		if _, body := do(t, n.addr, "GET", "/stats?channel=room", ""); !strings.Contains(body, n.want) {
			t.Errorf("/stats: %q, want %s", body, n.want)
		}
	}
}

func do(t *testing.T, addr, method, target, body string) (int, string) {
	t.Helper()
	cc, err := httpcore.Dial(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	resp, err := cc.Do(&httpcore.Request{Method: method, Target: target, ContentLength: int64(len(body)), Body: strings.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeNATSUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "nats://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	ios, _, _, _ := iostreams.Test()
	err = runServe(context.Background(), &ServeOptions{IO: ios, Addr: "127.0.0.1:0", Retention: 10, NATS: url, Node: "n1"})
	if err == nil || !strings.Contains(err.Error(), "cannot reach NATS at "+url) {
		t.Errorf("got %v, want an error naming %s", err, url)
	}
}
