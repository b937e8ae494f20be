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

	// TCP is a byte stream: write boundaries are not kept. Both ends are
	// recorded, for the diagram of the connection's whole life.
	rec, ctap, stap := e.taps()
	srv, err := startTCPTap(func(c net.Conn) {
		time.Sleep(50 * time.Millisecond) // let both writes arrive
		b := make([]byte, 64)
		k, _ := c.Read(b)
		c.Write([]byte(fmt.Sprintf("one read returned %d bytes: %q", k, b[:k])))
	}, &stap)
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := ctap.Dial(ctx, srv.Addr, e.P().Sprintf(i18n.DemoHandshakeSynSynAck))
	if err != nil {
		return err
	}
	defer c.Close()
	c.Write([]byte("hello "))
	c.Write([]byte("world"))
	c.CloseWrite()
	reply, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	c.Close()
	e.Tell(i18n.DemoNetClientWroteHelloWorld, reply)
	e.Tell(i18n.DemoNetTcpDeliversStreamBytes)
	return e.sequence(ctx, [2]string{
		"\nThe third connection, as both ends recorded it: connect, two writes, the client's\nFIN (a half-close: it still reads), the answer, the server's FIN:",
		"\n第三条连接，两端各自记录下的经过：连接、两次写入、客户端的 FIN（半关闭：它还在读）、\n服务端的回答、服务端的 FIN："},
		clientServer, rec, nil)
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

// dnsQueryParts says what each stretch of a query's bytes is, in English
// and Chinese, one line each: the header, the question and, after them,
// the additional section. Go's resolver puts an OPT pseudo-record there
// (EDNS(0), RFC 6891 §6): not a record about any name but a note to the
// server on what the client supports, chiefly the largest UDP answer it
// accepts. Each stretch starts with "bytes FROM-TO".
func dnsQueryParts(b []byte, q dnsQuestion) [][2]string {
	count := func(i int) uint16 { return binary.BigEndian.Uint16(b[i:]) }
	parts := [][2]string{
		{fmt.Sprintf("bytes 0-11: the header: id %02x %02x, flags %02x %02x, then four counts:", b[0], b[1], b[2], b[3]),
			fmt.Sprintf("第 0-11 字节：头部：id %02x %02x，标志 %02x %02x，然后是四个计数：", b[0], b[1], b[2], b[3])},
		{fmt.Sprintf("    %d question, %d answers, %d authority, %d additional", count(4), count(6), count(8), count(10)),
			fmt.Sprintf("    问题 %d 个，回答 %d 个，授权 %d 个，附加 %d 个", count(4), count(6), count(8), count(10))},
		{fmt.Sprintf("bytes 12-%d: the question: the name as length-prefixed labels ending in 00,", q.End-1),
			fmt.Sprintf("第 12-%d 字节：问题：域名写成带长度前缀的标签，以 00 结尾，", q.End-1)},
		{fmt.Sprintf("    type %d = %s, class %d = IN", q.Type, dnsTypeName(q.Type), q.Class),
			fmt.Sprintf("    type %d = %s，class %d = IN", q.Type, dnsTypeName(q.Type), q.Class)},
	}
	rest := b[q.End:]
	if len(rest) == 0 {
		return parts
	}
	from, to := q.End, len(b)-1
	// An OPT record (RFC 6891 §6.1.2): root name 00, TYPE 41, CLASS = the
	// requester's UDP payload size, TTL = extended RCODE, version and
	// flags (the DO bit), then RDLENGTH and the options.
	if len(rest) >= 11 && rest[0] == 0 && binary.BigEndian.Uint16(rest[1:]) == 41 {
		size := binary.BigEndian.Uint16(rest[3:])
		rdlen := binary.BigEndian.Uint16(rest[9:])
		return append(parts,
			[2]string{fmt.Sprintf("bytes %d-%d: the additional section: an OPT pseudo-record (EDNS(0), RFC 6891)", from, to),
				fmt.Sprintf("第 %d-%d 字节：附加段：一条 OPT 伪记录（EDNS(0)，RFC 6891），", from, to)},
			[2]string{"    that Go's resolver adds to every query:", "    Go 的解析器在每个查询里都会加上它："},
			[2]string{"    00           name: the root, as OPT is about no name", "    00           名字：根，因为 OPT 不描述任何域名"},
			[2]string{"    00 29        type 41 = OPT", "    00 29        type 41 = OPT"},
			[2]string{fmt.Sprintf("    %02x %02x        class %d: the biggest UDP answer it takes (was 512)", rest[3], rest[4], size),
				fmt.Sprintf("    %02x %02x        class %d：它能接收的最大 UDP 应答（原先是 512）", rest[3], rest[4], size)},
			[2]string{fmt.Sprintf("    % x  TTL: extended RCODE %d, EDNS version %d, DO bit %d", rest[5:9], rest[5], rest[6], rest[7]>>7),
				fmt.Sprintf("    % x  TTL：扩展 RCODE %d，EDNS 版本 %d，DO 位 %d", rest[5:9], rest[5], rest[6], rest[7]>>7)},
			[2]string{fmt.Sprintf("    %02x %02x        RDLENGTH %d: %d bytes of options follow", rest[9], rest[10], rdlen, rdlen),
				fmt.Sprintf("    %02x %02x        RDLENGTH %d：后面跟着 %d 字节的选项", rest[9], rest[10], rdlen, rdlen)})
	}
	return append(parts, [2]string{fmt.Sprintf("bytes %d-%d: the additional section (%d bytes)", from, to, len(rest)),
		fmt.Sprintf("第 %d-%d 字节：附加段（%d 字节）", from, to, len(rest))})
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
			e.Tell(i18n.DemoQueryByteByteAll, len(s.query))
			e.Hex("    ", s.query)
			for _, part := range dnsQueryParts(s.query, s.q) {
				e.Say("  "+part[0], "  "+part[1])
			}
			e.Tell(i18n.DemoAnswerSameIdFlags)
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
