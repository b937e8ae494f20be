package postmessage

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/websocket"
)

// Default listening addresses: three loopback addresses, so the three
// origins differ by host as well as by port. All of 127.0.0.0/8 is loopback
// on Linux; on macOS add the aliases (sudo ifconfig lo0 alias 127.0.0.2) or
// use 127.0.0.1 with three ports.
const (
	DefaultParentAddr   = "127.0.0.1:8401"
	DefaultFrameAddr    = "127.0.0.2:8402"
	DefaultAttackerAddr = "127.0.0.3:8403"
)

// Config says where Start listens; port 0 picks a free port.
type Config struct {
	ParentAddr, FrameAddr, AttackerAddr string
	Options
	// ErrorLog receives the HTTP servers' errors; nil discards them.
	ErrorLog *log.Logger
}

// A Server is a running Lab: three httpcore servers, one per origin.
type Server struct {
	*Lab
	servers [3]*httpcore.Server
	lns     [3]net.Listener
	errc    chan error
}

// Start listens on the three addresses, derives the origins from the
// listeners (http://HOST:PORT, parsed by websocket.ParseOrigin) and serves
// the lab until Shutdown.
func Start(cfg Config) (*Server, error) {
	addrs := [3]string{cfg.ParentAddr, cfg.FrameAddr, cfg.AttackerAddr}
	names := [3]string{"parent", "frame", "attacker"}
	s := &Server{errc: make(chan error, 3)}
	closeAll := func() {
		for _, ln := range s.lns {
			if ln != nil {
				ln.Close()
			}
		}
	}
	for i, a := range addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("postmessage: listen for the %s origin on %q: %w", names[i], a, err)
		}
		s.lns[i] = ln
	}
	var origins [3]websocket.Origin
	for i, ln := range s.lns {
		o, err := OriginOf(ln.Addr())
		if err != nil {
			closeAll()
			return nil, err
		}
		origins[i] = o
	}
	o := Origins{Parent: origins[0], Frame: origins[1], Attacker: origins[2]}
	lab, err := New(o, cfg.Options)
	if err != nil {
		closeAll()
		return nil, err
	}
	s.Lab = lab
	handlers := [3]httpcore.Handler{lab.ParentHandler(), lab.FrameHandler(), lab.AttackerHandler()}
	for i := range s.servers {
		s.servers[i] = &httpcore.Server{Handler: handlers[i], ErrorLog: cfg.ErrorLog}
		go func() { s.errc <- s.servers[i].Serve(s.lns[i]) }()
	}
	return s, nil
}

// Addrs returns the three listening addresses: parent, frame, attacker.
func (s *Server) Addrs() [3]net.Addr {
	return [3]net.Addr{s.lns[0].Addr(), s.lns[1].Addr(), s.lns[2].Addr()}
}

// Shutdown says goodbye to the bridge WebSockets, then shuts the three
// servers down gracefully, until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	err := s.Lab.Shutdown(ctx)
	for _, srv := range s.servers {
		if e := srv.Shutdown(ctx); e != nil && err == nil {
			err = e
		}
	}
	for range s.servers {
		if e := <-s.errc; !errors.Is(e, httpcore.ErrServerClosed) && err == nil {
			err = e
		}
	}
	return err
}
