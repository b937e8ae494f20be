package compare

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wirelab/wirelab/polling"
)

// TestCompare runs a small measurement in process: every transport must
// deliver every message to every client, once.
func TestCompare(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	res, err := Compare(ctx, CompareConfig{
		Clients:  5,
		Rate:     200,
		Duration: 100 * time.Millisecond,
		Payload:  32,
		Interval: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Transports) != 4 {
		t.Fatalf("got %d transports, want 4", len(res.Transports))
	}
	for i, r := range res.Transports {
		if r.Name != polling.Transports()[i].String() {
			t.Errorf("transport %d named %q, want %q", i, r.Name, polling.Transports()[i])
		}
		if r.Published != 20 || r.Delivered != 100 || r.Lost != 0 || r.Duplicated != 0 {
			t.Errorf("%s: published %d, delivered %d, lost %d, duplicated %d; want 20, 100, 0, 0", r.Name, r.Published, r.Delivered, r.Lost, r.Duplicated)
		}
		if r.BytesPerMessage <= 32 || r.OverheadBytesPerMessage <= 0 || r.Connections < 5 || r.Requests < 5 {
			t.Errorf("%s: implausible counts %+v", r.Name, r)
		}
		if r.Latency.P50 <= 0 || r.Latency.P99 < r.Latency.P50 {
			t.Errorf("%s: latency %+v", r.Name, r.Latency)
		}
		t.Logf("%+v", r)
	}
}

func TestHTMLReport(t *testing.T) {
	res := &CompareResult{Config: ResultConfig{Clients: 2, Rate: 1, DurationSeconds: 1, Payload: 8}}
	for i, tr := range polling.Transports() {
		res.Transports = append(res.Transports, TransportResult{
			Name: tr.String(), Delivered: 2, BytesPerMessage: float64(300 - 50*i), OverheadBytesPerMessage: float64(292 - 50*i),
			Latency: Latency{P50: float64(500 / (i + 1)), P95: 900, P99: 990}, ServerCPUSeconds: 0.01, RequestsPerMessage: 1,
		})
	}
	var buf bytes.Buffer
	if err := WriteHTMLReport(&buf, res); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{"<svg", "Bytes on the wire per message", "Delivery latency p99", "<td>sse</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"<script", "http://", "https://"} {
		if strings.Contains(strings.ReplaceAll(page, "http://www.w3.org/", ""), bad) {
			t.Errorf("report contains %q: it must work offline", bad)
		}
	}
}
