// Command echoload measures an echo server's round trips per second: each
// of -conns connections sends a message of -size bytes, waits for the echo,
// and repeats for -duration. It prints one JSON line. bench.py runs it
// against wirelab.serve and the websockets sync server alike, so the client
// side costs the same for both.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wirelab/wirelab/websocket"
)

func main() {
	url := flag.String("url", "ws://127.0.0.1:8765/", "echo server URL")
	conns := flag.Int("conns", 1, "concurrent connections")
	size := flag.Int("size", 32, "message size in bytes")
	binary := flag.Bool("binary", false, "send binary messages instead of text")
	duration := flag.Duration("duration", 3*time.Second, "how long to measure")
	warmup := flag.Duration("warmup", 500*time.Millisecond, "how long to run before measuring")
	flag.Parse()

	msg := bytes.Repeat([]byte("x"), *size)
	mt := websocket.TextMessage
	if *binary {
		mt = websocket.BinaryMessage
		for i := range msg {
			msg[i] = byte(i)
		}
	}
	var count atomic.Int64
	var measuring atomic.Bool
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, *conns)
	for i := 0; i < *conns; i++ {
		c, _, err := websocket.Dial(context.Background(), *url)
		if err != nil {
			fmt.Fprintln(os.Stderr, "echoload:", err)
			os.Exit(1)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close(websocket.CloseNormal, "")
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := c.WriteMessage(mt, msg); err != nil {
					errs <- err
					return
				}
				_, got, err := c.ReadMessage()
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(got, msg) {
					errs <- fmt.Errorf("echo mismatch")
					return
				}
				if measuring.Load() {
					count.Add(1)
				}
			}
		}()
	}
	time.Sleep(*warmup)
	measuring.Store(true)
	start := time.Now()
	time.Sleep(*duration)
	n := count.Load()
	elapsed := time.Since(start)
	close(stop)
	wg.Wait()
	select {
	case err := <-errs:
		fmt.Fprintln(os.Stderr, "echoload:", err)
		os.Exit(1)
	default:
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{
		"conns": *conns, "size": *size, "messages": n, "seconds": elapsed.Seconds(),
		"per_second": float64(n) / elapsed.Seconds(),
	})
}
