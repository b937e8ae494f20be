package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/bits"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// The load generator runs in a child process (wsbench -child ...), so that
// its goroutines, memory and file descriptors are not the server's: the
// parent's MemStats then hold the server alone, and 10k connections need
// 10k descriptors on each side, not 20k in one process.
//
// It is one hand-rolled client for every contender: a fixed handshake, then
// binary frames of a fixed size, masked with a fixed key (RFC 6455 §5.3 asks
// for unpredictable keys; a benchmark client has no attacker to fear, and
// the server unmasks all the same). Each message carries its send time in
// its first 8 bytes, so the echo gives the round-trip time.

type childArgs struct {
	Mode     string        // "load" or "idle"
	Echo     bool          // idle: one echo of a Size-byte message per connection first
	Addr     string        // host:port of the server
	WS       bool          // WebSocket framing (false: raw TCP)
	Conns    int           // connections
	Inflight int           // messages in flight per connection
	Size     int           // message size in bytes
	Warmup   time.Duration // before measuring
	Duration time.Duration // measured
}

type loadResult struct {
	Msgs    int64          // round trips completed in the measured window
	Seconds float64        // length of the window
	Hist    map[int]uint64 // latency histogram (bucket → count)
	Errors  int
	Err     string `json:",omitempty"`

	ServerCPU time.Duration `json:"-"` // the server's CPU time in the window (set by the parent)
	// The server process's read and write system calls in the window
	// (set by the parent from /proc/self/io; 0 where there is none).
	ServerReads, ServerWrites int64 `json:"-"`
}

const wsKey = "dGhlIHNhbXBsZSBub25jZQ=="

var maskKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// dialWS opens a TCP connection and runs the client handshake.
func dialWS(addr string, ws bool) (net.Conn, *bufio.Reader, error) {
	nc, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(nc, 16<<10)
	if !ws {
		return nc, br, nil
	}
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	req := "GET /echo HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + wsKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n"
	if _, err := io.WriteString(nc, req); err != nil {
		nc.Close()
		return nil, nil, err
	}
	status, err := br.ReadString('\n')
	if err != nil || len(status) < 12 || status[9:12] != "101" {
		nc.Close()
		return nil, nil, fmt.Errorf("handshake: status %q: %v", status, err)
	}
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			nc.Close()
			return nil, nil, fmt.Errorf("handshake: %v", err)
		}
		if len(line) <= 2 {
			break
		}
	}
	nc.SetDeadline(time.Time{})
	return nc, br, nil
}

// dialAll opens n connections, 64 at a time so the listen backlog keeps up.
func dialAll(a childArgs) ([]net.Conn, []*bufio.Reader, error) {
	ncs := make([]net.Conn, a.Conns)
	brs := make([]*bufio.Reader, a.Conns)
	var wg sync.WaitGroup
	var (
		errOnce  sync.Once
		firstErr error
	)
	sem := make(chan struct{}, 64)
	for i := range a.Conns {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			nc, br, err := dialWS(a.Addr, a.WS)
			if err != nil {
				errOnce.Do(func() { firstErr = err })
				return
			}
			ncs[i], brs[i] = nc, br
		}()
	}
	wg.Wait()
	if err := firstErr; err != nil {
		for _, nc := range ncs {
			if nc != nil {
				nc.Close()
			}
		}
		return nil, nil, err
	}
	return ncs, brs, nil
}

// frameTemplate is one masked binary frame of size bytes (zeros, masked).
func frameTemplate(size int, ws bool) (frame []byte, payloadAt int) {
	if !ws {
		return make([]byte, size), 0
	}
	b := []byte{0x82}
	switch {
	case size <= 125:
		b = append(b, 0x80|byte(size))
	case size <= 0xffff:
		b = append(b, 0x80|126, byte(size>>8), byte(size))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(size))
	}
	b = append(b, maskKey[:]...)
	at := len(b)
	for i := range size {
		b = append(b, maskKey[i&3]) // 0 XOR key
	}
	return b, at
}

// runChild is the child process's main: it reads its arguments as JSON from
// stdin's first line, runs, and answers on stdout.
func runChild() {
	in := bufio.NewReader(os.Stdin)
	line, err := in.ReadBytes('\n')
	if err != nil {
		fatal(err)
	}
	var a childArgs
	if err := json.Unmarshal(line, &a); err != nil {
		fatal(err)
	}
	switch a.Mode {
	case "idle":
		ncs, brs, err := dialAll(a)
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		if a.Echo {
			if err := echoOnce(ncs, brs, a); err != nil {
				fmt.Println("error:", err)
				return
			}
		}
		fmt.Println("ready")
		io.Copy(io.Discard, in) // hold the connections until the parent closes stdin
		for _, nc := range ncs {
			nc.Close()
		}
	case "load":
		res := runLoad(a)
		json.NewEncoder(os.Stdout).Encode(res)
	}
}

// echoOnce sends one message on every connection and reads its echo, so
// that the idle test can measure connections that have carried traffic.
func echoOnce(ncs []net.Conn, brs []*bufio.Reader, a childArgs) error {
	tmpl, _ := frameTemplate(a.Size, a.WS)
	want := a.Size
	if a.WS {
		want += headerLen(a.Size) // the server's frame: unmasked
	}
	in := make([]byte, want)
	for i, nc := range ncs {
		nc.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := nc.Write(tmpl); err != nil {
			return err
		}
		if _, err := io.ReadFull(brs[i], in); err != nil {
			return err
		}
		nc.SetDeadline(time.Time{})
	}
	return nil
}

// headerLen is the length of an unmasked frame header for n payload bytes.
func headerLen(n int) int {
	switch {
	case n > 0xffff:
		return 10
	case n > 125:
		return 4
	}
	return 2
}

func runLoad(a childArgs) loadResult {
	ncs, brs, err := dialAll(a)
	if err != nil {
		return loadResult{Err: err.Error()}
	}
	tmpl, at := frameTemplate(a.Size, a.WS)
	var (
		measuring atomic.Bool
		stopping  atomic.Bool
		count     atomic.Int64
		errs      atomic.Int64
		wg        sync.WaitGroup
		hists     = make([]*hist, a.Conns)
	)
	for i := range a.Conns {
		hists[i] = new(hist)
		wg.Add(1)
		go func(nc net.Conn, br *bufio.Reader, h *hist) {
			defer wg.Done()
			if err := connLoop(nc, br, a, tmpl, at, h, &measuring, &stopping, &count); err != nil && !stopping.Load() {
				errs.Add(1)
			}
		}(ncs[i], brs[i], hists[i])
	}
	time.Sleep(a.Warmup)
	fmt.Println("measuring") // the parent starts its CPU accounting
	start := time.Now()
	c0 := count.Load()
	measuring.Store(true)
	time.Sleep(a.Duration)
	measuring.Store(false)
	c1 := count.Load()
	secs := time.Since(start).Seconds()
	fmt.Println("done")
	stopping.Store(true)
	for _, nc := range ncs {
		nc.SetDeadline(time.Now()) // wake every reader
	}
	wg.Wait()
	for _, nc := range ncs {
		nc.Close()
	}
	total := new(hist)
	for _, h := range hists {
		for i, n := range h {
			total[i] += n
		}
	}
	return loadResult{Msgs: c1 - c0, Seconds: secs, Hist: total.sparse(), Errors: int(errs.Load())}
}

// connLoop keeps a.Inflight messages in flight on one connection: it sends
// them, then sends one more for each echo it reads.
func connLoop(nc net.Conn, br *bufio.Reader, a childArgs, tmpl []byte, at int, h *hist,
	measuring, stopping *atomic.Bool, count *atomic.Int64) error {
	out := bytes.Clone(tmpl)
	in := make([]byte, max(a.Size, 8))
	stamp := func() {
		var ts [8]byte
		binary.LittleEndian.PutUint64(ts[:], uint64(time.Now().UnixNano()))
		for i := 0; i < 8 && i < a.Size; i++ {
			out[at+i] = ts[i] ^ maskKey[i&3]
			if !a.WS {
				out[at+i] = ts[i]
			}
		}
	}
	for range a.Inflight {
		stamp()
		if _, err := nc.Write(out); err != nil {
			return err
		}
	}
	for {
		if a.WS {
			// Server frames: unmasked, FIN, binary.
			hdr, err := br.Peek(2)
			if err != nil {
				return err
			}
			n := int(hdr[1] & 0x7f)
			hl := 2
			switch n {
			case 126:
				if hdr, err = br.Peek(4); err != nil {
					return err
				}
				n, hl = int(binary.BigEndian.Uint16(hdr[2:])), 4
			case 127:
				if hdr, err = br.Peek(10); err != nil {
					return err
				}
				n, hl = int(binary.BigEndian.Uint64(hdr[2:])), 10
			}
			if hdr[0] != 0x82 || hdr[1]&0x80 != 0 || n != a.Size {
				return fmt.Errorf("unexpected frame header % x", hdr)
			}
			br.Discard(hl)
		}
		if _, err := io.ReadFull(br, in[:a.Size]); err != nil {
			return err
		}
		if a.Size >= 8 {
			sent := int64(binary.LittleEndian.Uint64(in))
			if measuring.Load() {
				h.add(uint64(time.Now().UnixNano() - sent))
			}
		}
		count.Add(1)
		if stopping.Load() {
			return nil
		}
		stamp()
		if _, err := nc.Write(out); err != nil {
			return err
		}
	}
}

// hist is a log-linear latency histogram of nanoseconds: exact below 64,
// then 32 buckets per power of two (about 3% wide).
type hist [1920]uint64

func bucket(v uint64) int {
	l := bits.Len64(v)
	if l <= 6 {
		return int(v)
	}
	e := l - 6
	return e*32 + int(v>>e)
}

// bucketValue is the midpoint of bucket i.
func bucketValue(i int) float64 {
	if i < 64 {
		return float64(i)
	}
	e := i/32 - 1
	m := i - e*32
	return (float64(m) + 0.5) * float64(uint64(1)<<e)
}

func (h *hist) add(v uint64) { h[bucket(v)]++ }

func (h *hist) sparse() map[int]uint64 {
	m := map[int]uint64{}
	for i, n := range h {
		if n != 0 {
			m[i] = n
		}
	}
	return m
}

// quantile returns the q-quantile in nanoseconds of a sparse histogram.
func quantile(m map[int]uint64, q float64) time.Duration {
	var total uint64
	for _, n := range m {
		total += n
	}
	if total == 0 {
		return 0
	}
	want := uint64(q*float64(total)) + 1
	var seen uint64
	for i := range len(hist{}) {
		seen += m[i]
		if seen >= want {
			return time.Duration(bucketValue(i))
		}
	}
	return 0
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "wsbench:", err)
	os.Exit(1)
}
