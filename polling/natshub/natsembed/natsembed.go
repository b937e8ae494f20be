// Package natsembed runs a NATS server with JetStream inside the process,
// so that "wirelab poll serve --nats embedded" needs nothing installed: the
// first node carries NATS, and other nodes join it as clients of the
// address it listens on.
package natsembed

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Options configure Start.
type Options struct {
	// Listen is the host:port NATS clients connect to. Default
	// 127.0.0.1:4222; port 0 picks a free port.
	Listen string
	// DataDir holds JetStream's files; the stream survives a restart with
	// the same directory.
	DataDir string
	// Name names the server in NATS (and its logs). Default "wirelab".
	Name string
}

// Start starts a NATS server with JetStream and waits until it accepts
// connections. Stop it with Shutdown and WaitForShutdown.
func Start(o Options) (*server.Server, error) {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:4222"
	}
	if o.Name == "" {
		o.Name = "wirelab"
	}
	if o.DataDir == "" {
		return nil, fmt.Errorf("natsembed: no data directory: JetStream keeps its files there (--data DIR)")
	}
	host, port, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return nil, fmt.Errorf("natsembed: listen address %q: %v (want HOST:PORT, such as 127.0.0.1:4222)", o.Listen, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil || p < 0 || p > 65535 {
		return nil, fmt.Errorf("natsembed: listen address %q: port %q is not a number from 0 to 65535", o.Listen, port)
	}
	if p == 0 {
		p = server.RANDOM_PORT
	}
	ns, err := server.NewServer(&server.Options{
		ServerName: o.Name,
		Host:       host,
		Port:       p,
		JetStream:  true,
		StoreDir:   o.DataDir,
		NoSigs:     true,
		NoLog:      true,
		// No HTTP monitoring port, no cluster: other wirelab nodes are
		// NATS clients of this one.
	})
	if err != nil {
		return nil, fmt.Errorf("natsembed: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("natsembed: the NATS server on %s did not accept connections within 10s (is the port taken?)", o.Listen)
	}
	return ns, nil
}
