//go:build linux

package websocket

import (
	"bytes"
	stdflate "compress/flate"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/klauspost/compress/flate"
	"golang.org/x/sys/unix"
)

// BenchmarkFlate compares the standard library's compress/flate with
// github.com/klauspost/compress/flate on the corpus of testdata/deflate, the
// way permessage-deflate uses them: one message per Reset (no context
// takeover), a sync flush at the end, pooled state. It reports MB/s of
// uncompressed data and the ratio (compressed/original, smaller is better).
// On a loaded machine wall-clock MB/s swings widely, so each case also
// reports cpuMB/s: bytes over the CPU time of its own thread.
//
//	go test -run '^$' -bench Flate -benchtime 2000x ./websocket
//
// flateWriter is what both libraries' *Writer offer.
type flateWriter interface {
	io.Writer
	Flush() error
	Reset(io.Writer)
}

func BenchmarkFlate(b *testing.B) {
	type codec struct {
		name string
		w    func(level int) (flateWriter, error)
		r    func() io.ReadCloser
	}
	codecs := []codec{
		{"stdlib", func(l int) (flateWriter, error) {
			return stdflate.NewWriter(nil, l)
		}, func() io.ReadCloser { return stdflate.NewReader(nil) }},
		{"klauspost", func(l int) (flateWriter, error) {
			return flate.NewWriter(nil, l)
		}, func() io.ReadCloser { return flate.NewReader(nil) }},
	}
	for _, f := range corpusFiles {
		msg := jsonMessage(f.seed, int(f.size))
		for _, c := range codecs {
			for _, level := range []int{1, 6} {
				w, err := c.w(level)
				if err != nil {
					b.Fatal(err)
				}
				var z bytes.Buffer
				b.Run(fmt.Sprintf("%s/compress/%s/level%d", f.name, c.name, level), func(b *testing.B) {
					b.SetBytes(int64(len(msg)))
					b.ReportAllocs()
					defer cpuMBs(b, len(msg))()
					for b.Loop() {
						z.Reset()
						w.Reset(&z)
						_, _ = w.Write(msg)
						_ = w.Flush()
					}
					b.ReportMetric(float64(z.Len()-4)/float64(len(msg)), "ratio")
				})
				if z.Len() == 0 { // the compress case was filtered out
					w.Reset(&z)
					_, _ = w.Write(msg)
					_ = w.Flush()
				}
				compressed := bytes.Clone(z.Bytes()[:z.Len()-4])
				r := c.r()
				out := make([]byte, 0, len(msg))
				b.Run(fmt.Sprintf("%s/decompress/%s/level%d", f.name, c.name, level), func(b *testing.B) {
					b.SetBytes(int64(len(msg)))
					b.ReportAllocs()
					defer cpuMBs(b, len(msg))()
					src := bytes.NewReader(nil)
					for b.Loop() {
						src.Reset(compressed)
						_ = r.(stdflate.Resetter).Reset(io.MultiReader(src, bytes.NewReader(inflateTail)), nil)
						got := bytes.NewBuffer(out[:0])
						if _, err := got.ReadFrom(r); err != nil || got.Len() != len(msg) {
							b.Fatalf("inflate: %d bytes, %v", got.Len(), err)
						}
					}
				})
			}
		}
		b.Run(fmt.Sprintf("%s/compress/klauspost/stateless", f.name), func(b *testing.B) {
			var z bytes.Buffer
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			defer cpuMBs(b, len(msg))()
			for b.Loop() {
				z.Reset()
				_ = flate.StatelessDeflate(&z, msg, false, nil)
			}
			b.ReportMetric(float64(z.Len()-4)/float64(len(msg)), "ratio")
		})
		b.Run(fmt.Sprintf("%s/wirelab/compressor", f.name), func(b *testing.B) {
			c := newCompressor(1, 0, false)
			var z []byte
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			defer cpuMBs(b, len(msg))()
			for b.Loop() {
				z, _ = c.compress(z[:0], msg)
			}
			b.ReportMetric(float64(len(z))/float64(len(msg)), "ratio")
		})
		b.Run(fmt.Sprintf("%s/wirelab/decompressor", f.name), func(b *testing.B) {
			z, _ := newCompressor(1, 0, false).compress(nil, msg)
			d := newDecompressor(0, false)
			out := make([]byte, 0, len(msg))
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			defer cpuMBs(b, len(msg))()
			for b.Loop() {
				out, _ = d.decompress(out[:0], z, 0)
			}
		})
	}
}

// cpuMBs locks the benchmark to its thread and returns a function that
// reports the bytes processed per second of that thread's CPU time.
func cpuMBs(b *testing.B, size int) func() {
	runtime.LockOSThread()
	start := threadCPU()
	return func() {
		used := threadCPU() - start
		runtime.UnlockOSThread()
		if used > 0 {
			b.ReportMetric(float64(size)*float64(b.N)/used.Seconds()/1e6, "cpuMB/s")
		}
	}
}

func threadCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
