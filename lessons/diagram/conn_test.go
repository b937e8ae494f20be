package diagram

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

// Two clients dial one tapped server: each connect, line and close lands
// between the right two actors, in an order that respects cause and effect.
func TestTapRecordsBothEnds(t *testing.T) {
	rec := NewRecorder()
	const server, alice, bob = 0, 1, 2
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln = Tap{Rec: rec, Local: server, Remote: -1}.Listen(ln)
	defer ln.Close()
	served := make(chan error, 2)
	go func() {
		for i := 0; i < 2; i++ {
			c, err := ln.Accept()
			if err != nil {
				served <- err
				return
			}
			go func() {
				defer c.Close()
				line, err := bufio.NewReader(c).ReadString('\n')
				if err == nil {
					_, err = fmt.Fprintf(c, "hello %s", line)
				}
				served <- err
			}()
		}
	}()
	for _, who := range []int{alice, bob} {
		tap := Tap{Rec: rec, Local: who, Remote: server}
		c, err := tap.Dial(context.Background(), ln.Addr().String(), "connect")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "%d\n", who)
		reply, err := io.ReadAll(c) // until the server's FIN
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		if err := <-served; err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("hello %d\n", who); string(reply) != want {
			t.Fatalf("reply %q, want %q", reply, want)
		}
	}
	var got []string
	for _, e := range rec.Events() {
		got = append(got, fmt.Sprintf("%d→%d %v %s %d", e.From, e.To, e.Kind, e.Label, e.Bytes))
	}
	want := []string{
		"1→0 2 connect 0", "1→0 0 1 2", "0→1 0 hello 1 8", "0→1 3 FIN 0", "1→0 3 FIN 0",
		"2→0 2 connect 0", "2→0 0 2 2", "0→2 0 hello 2 8", "0→2 3 FIN 0", "2→0 3 FIN 0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("recorded:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i, e := range rec.Events()[1:] {
		if e.At < rec.Events()[i].At {
			t.Errorf("event %d at %v comes before the one before it (%v)", i+1, e.At, rec.Events()[i].At)
		}
	}
}

// Wait returns once the recording says yes, and with an error naming what
// it waited for when the context ends first.
func TestRecorderWait(t *testing.T) {
	rec := NewRecorder()
	rec.Open(0, 1, "connect")
	rec.Close(0, 1, "FIN")
	go rec.Close(1, 0, "FIN")
	if err := rec.Wait(context.Background(), AllClosed); err != nil {
		t.Fatal(err)
	}
	if !AllClosed(rec.Events()) {
		t.Fatal("Wait returned before both FINs were recorded")
	}
	rec.Open(0, 1, "connect") // never closed
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := rec.Wait(ctx, AllClosed); err == nil || !strings.Contains(err.Error(), "settle") {
		t.Fatalf("got %v, want an error saying the recording did not settle", err)
	}
}
