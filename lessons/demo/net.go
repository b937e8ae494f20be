package demo

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/wirelab/wirelab/internal/i18n"
)

func netDemos() []Demo {
	return []Demo{
		{
			ID:      "socket",
			Summary: i18n.ByLang(i18n.DemoSummarySocket),
			Run:     demoSocket,
		},
		{
			ID:      "tcp-handshake",
			Summary: i18n.ByLang(i18n.DemoSummaryTcpHandshake),
			Run:     demoTCPHandshake,
		},
		{
			ID:      "dns-resolve",
			Summary: i18n.ByLang(i18n.DemoSummaryDnsResolve),
			Run:     demoDNS,
		},
	}
}

func demoSocket(ctx context.Context, e *Env) error {
	got := make(chan []byte, 1)
	srv, err := startTCP(func(c net.Conn) {
		e.Tell(i18n.DemoNetServerAcceptedConnectionSocket, c.RemoteAddr(), c.LocalAddr(), c.RemoteAddr())
		b := make([]byte, 512)
		n, _ := c.Read(b)
		got <- b[:n]
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	e.Tell(i18n.DemoNetServerListeningTransportTcp, srv.Addr)

	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", srv.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	e.Tell(i18n.DemoNetClientConnectedSocketTuple, c.LocalAddr(), c.RemoteAddr())
	msg := []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	if _, err := c.Write(msg); err != nil {
		return err
	}
	var b []byte
	select {
	case b = <-got:
	case <-ctx.Done():
		return ctx.Err()
	}
	e.Tell(i18n.DemoNetApplicationLayerProgramWrote, len(msg))
	e.Quote("    ", msg)
	e.Tell(i18n.DemoNetTransportLayerKernelPut)
	e.Tell(i18n.DemoNetNetworkLayerInsideIpv)
	e.Tell(i18n.DemoNetLinkLayerLoopbackInterface)
	e.Tell(i18n.DemoNetSoLeastBytesWent, len(msg), len(msg)+40, len(b))
	e.Quote("    ", b)
	return check(string(b) == string(msg), "server read %q, want %q", b, msg)
}

func demoTCPHandshake(ctx context.Context, e *Env) error {
	ln, err := net.Listen("tcp", loopback)
	if err != nil {
		return err
	}
	defer ln.Close()
	addr := ln.Addr().String()
	var mu sync.Mutex
	var accepted []string
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			accepted = append(accepted, c.RemoteAddr().String())
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	}()

	e.Tell(i18n.DemoNetThreeConnectsEachDial, addr)
	var d net.Dialer
	var clients []net.Conn
	defer func() {
		for _, c := range clients {
			c.Close()
		}
	}()
	for i := 1; i <= 3; i++ {
		start := time.Now()
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return err
		}
		clients = append(clients, c)
		e.Tell(i18n.DemoNetConnectHandshakeDone, i, c.LocalAddr(), time.Since(start).Round(time.Microsecond))
	}
	deadline := time.Now().Add(ioTimeout)
	for {
		mu.Lock()
		n := len(accepted)
		mu.Unlock()
		if n == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	n := len(accepted)
	mu.Unlock()
	e.Tell(i18n.DemoNetServerAcceptedConnectionsEach, n)
	if err := check(n == 3, "server accepted %d connections, want 3", n); err != nil {
		return err
	}

	// A port nobody listens on: the kernel answers the SYN with RST.
	tmp, err := net.Listen("tcp", loopback)
	if err != nil {
		return err
	}
	closed := tmp.Addr().String()
	tmp.Close()
	_, err = d.DialContext(ctx, "tcp", closed)
	refused := errors.Is(err, syscall.ECONNREFUSED)
	e.Tell(i18n.DemoNetConnectWhereNothingListens, closed, err)
	e.Tell(i18n.DemoNetSynAnsweredRstRefused, refused)
	if err := check(err != nil, "connect to a closed port succeeded"); err != nil {
		return err
	}

	// TCP is a byte stream: write boundaries are not kept.
	srv, err := startTCP(func(c net.Conn) {
		time.Sleep(50 * time.Millisecond) // let both writes arrive
		b := make([]byte, 64)
		k, _ := c.Read(b)
		c.Write([]byte(fmt.Sprintf("one read returned %d bytes: %q", k, b[:k])))
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := d.DialContext(ctx, "tcp", srv.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.Write([]byte("hello "))
	c.Write([]byte("world"))
	c.(*net.TCPConn).CloseWrite()
	reply, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoNetClientWroteHelloWorld, reply)
	e.Tell(i18n.DemoNetTcpDeliversStreamBytes)
	return nil
}

// A tiny DNS server: enough of RFC 1035 to answer A and AAAA questions for
// one zone over UDP.

type dnsQuestion struct {
	ID    uint16
	Name  string
	Type  uint16
	Class uint16
	End   int // offset after the question
}

func parseDNSQuery(b []byte) (dnsQuestion, error) {
	var q dnsQuestion
	if len(b) < 12 {
		return q, fmt.Errorf("dns: %d bytes is shorter than the 12-byte header", len(b))
	}
	q.ID = binary.BigEndian.Uint16(b[0:2])
	if qd := binary.BigEndian.Uint16(b[4:6]); qd != 1 {
		return q, fmt.Errorf("dns: %d questions, want 1", qd)
	}
	i := 12
	var labels []string
	for {
		if i >= len(b) {
			return q, fmt.Errorf("dns: name runs past the end")
		}
		n := int(b[i])
		i++
		if n == 0 {
			break
		}
		if n > 63 || i+n > len(b) {
			return q, fmt.Errorf("dns: bad label length %d", n)
		}
		labels = append(labels, string(b[i:i+n]))
		i += n
	}
	if i+4 > len(b) {
		return q, fmt.Errorf("dns: question has no type and class")
	}
	q.Name = strings.ToLower(strings.Join(labels, ".")) + "."
	q.Type = binary.BigEndian.Uint16(b[i : i+2])
	q.Class = binary.BigEndian.Uint16(b[i+2 : i+4])
	q.End = i + 4
	return q, nil
}

// dnsAnswer builds the response to query: the same ID and question, and an
// A record for each address (RFC 1035 §4.1).
func dnsAnswer(query []byte, q dnsQuestion, rcode int, a []net.IP) []byte {
	out := make([]byte, 12, 64)
	binary.BigEndian.PutUint16(out[0:], q.ID)
	binary.BigEndian.PutUint16(out[2:], 0x8180|uint16(rcode)) // QR=1 response, RD, RA
	binary.BigEndian.PutUint16(out[4:], 1)
	binary.BigEndian.PutUint16(out[6:], uint16(len(a)))
	out = append(out, query[12:q.End]...)
	for _, ip := range a {
		out = append(out, 0xc0, 0x0c)               // the name: a pointer to offset 12, the question's name
		out = binary.BigEndian.AppendUint16(out, 1) // TYPE A
		out = binary.BigEndian.AppendUint16(out, 1) // CLASS IN
		out = binary.BigEndian.AppendUint32(out, 60)
		out = binary.BigEndian.AppendUint16(out, 4)
		out = append(out, ip.To4()...)
	}
	return out
}

func dnsTypeName(t uint16) string {
	switch t {
	case 1:
		return "A"
	case 28:
		return "AAAA"
	}
	return fmt.Sprint(t)
}

func demoDNS(ctx context.Context, e *Env) error {
	zone := map[string]net.IP{"wirelab.test.": net.IPv4(127, 0, 0, 1)}
	pc, err := net.ListenPacket("udp", loopback)
	if err != nil {
		return err
	}
	defer pc.Close()
	type seen struct {
		q           dnsQuestion
		query, resp []byte
	}
	var mu sync.Mutex
	var log []seen
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			query := append([]byte(nil), buf[:n]...)
			q, err := parseDNSQuery(query)
			if err != nil {
				continue
			}
			var resp []byte
			ip, ok := zone[q.Name]
			switch {
			case !ok:
				resp = dnsAnswer(query, q, 3, nil) // NXDOMAIN
			case q.Type == 1:
				resp = dnsAnswer(query, q, 0, []net.IP{ip})
			default:
				resp = dnsAnswer(query, q, 0, nil) // the name exists, with no record of this type
			}
			mu.Lock()
			log = append(log, seen{q, query, resp})
			mu.Unlock()
			pc.WriteTo(resp, from)
		}
	}()
	e.Tell(i18n.DemoNetDnsServerZoneWirelab, pc.LocalAddr())
	r := &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", pc.LocalAddr().String())
		},
	}
	addrs, err := r.LookupHost(ctx, "wirelab.test.")
	if err != nil {
		return err
	}
	e.Tell(i18n.DemoNetGoResolverAskedWirelab, addrs)
	mu.Lock()
	entries := append([]seen(nil), log...)
	mu.Unlock()
	for _, s := range entries {
		e.Tell(i18n.DemoNetQueryIdBytesAsked, s.q.ID, s.q.Name, dnsTypeName(s.q.Type), len(s.query), len(s.resp))
	}
	for _, s := range entries {
		if s.q.Type == 1 {
			e.Tell(i18n.DemoNetQueryByteByteByte)
			e.Hex("    ", s.query[:s.q.End])
			e.Tell(i18n.DemoNetAnswerSameIdFlags)
			e.Hex("    ", s.resp)
			break
		}
	}
	if err := check(len(addrs) == 1 && addrs[0] == "127.0.0.1", "resolved %v, want [127.0.0.1]", addrs); err != nil {
		return err
	}
	_, err = r.LookupHost(ctx, "nope.wirelab.test.")
	var dnsErr *net.DNSError
	notFound := errors.As(err, &dnsErr) && dnsErr.IsNotFound
	reason := fmt.Sprint(err)
	if dnsErr != nil {
		reason = dnsErr.Err
	}
	e.Tell(i18n.DemoNetNameOutsideZoneNope, reason, notFound)
	if err := check(notFound, "nope.wirelab.test: got %v, want not found", err); err != nil {
		return err
	}
	// DNS gave an address; TCP connects to it.
	srv, err := startTCP(func(c net.Conn) {})
	if err != nil {
		return err
	}
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Addr)
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", net.JoinHostPort(addrs[0], port))
	if err != nil {
		return err
	}
	c.Close()
	e.Tell(i18n.DemoNetAddressHandTcpConnect, addrs[0], port)
	return nil
}
