package core

import (
	"syscall"
	"testing"
)

// TestHubCoalesces: notifications between two Ready calls write one byte
// to the pipe and come back once each, in order.
func TestHubCoalesces(t *testing.T) {
	h, err := NewHub()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if got := h.Ready(); got != "" {
		t.Fatalf("Ready on a fresh hub = %q, want \"\"", got)
	}
	h.notify(3)
	h.notify(7)
	h.notify(3)
	var buf [8]byte
	n, _ := syscall.Read(h.Fd(), buf[:])
	if n != 1 {
		t.Fatalf("the pipe held %d bytes after three notifications, want 1", n)
	}
	if got := h.Ready(); got != "3,7" {
		t.Fatalf("Ready = %q, want \"3,7\"", got)
	}
	h.notify(7)
	if got := h.Ready(); got != "7" {
		t.Fatalf("Ready after a new notification = %q, want \"7\"", got)
	}
	h.Close()
	h.notify(1) // after Close: dropped, no panic
}

// TestWatchWithoutHub: a nil hub (None from Python) is a value error, not
// a panic in a goroutine later.
func TestWatchWithoutHub(t *testing.T) {
	if err := (&Dialing{done: make(chan struct{})}).Watch(nil, 1); err == nil {
		t.Fatal("Dialing.Watch(nil) returned no error")
	}
	if err := (&Server{}).WatchAccept(nil, 1); err == nil {
		t.Fatal("Server.WatchAccept(nil) returned no error")
	}
	if err := (&Conn{}).Watch(nil, 1); err == nil {
		t.Fatal("Conn.Watch(nil) returned no error")
	}
}
