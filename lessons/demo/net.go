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
)

func netDemos() []Demo {
	return []Demo{
		{
			ID:      "socket",
			Summary: map[string]string{"en": "open a TCP socket on loopback and send bytes through the layers", "zh": "在回环地址上打开一个 TCP 套接字，让字节穿过各层"},
			Run:     demoSocket,
		},
		{
			ID:      "tcp-handshake",
			Summary: map[string]string{"en": "real connects: handshakes, a refused port, and a byte stream", "zh": "真实的连接：握手、被拒绝的端口，以及字节流"},
			Run:     demoTCPHandshake,
		},
		{
			ID:      "dns-resolve",
			Summary: map[string]string{"en": "resolve a name through a tiny DNS server written in this demo", "zh": "通过本演示里手写的微型 DNS 服务器解析域名"},
			Run:     demoDNS,
		},
	}
}

func demoSocket(ctx context.Context, e *Env) error {
	got := make(chan []byte, 1)
	srv, err := startTCP(func(c net.Conn) {
		e.Say("server: accepted a connection from %s (its socket: local %s, remote %s)",
			"服务端：接受了来自 %s 的连接（它的套接字：本地 %s，远端 %s）",
			c.RemoteAddr(), c.LocalAddr(), c.RemoteAddr())
		b := make([]byte, 512)
		n, _ := c.Read(b)
		got <- b[:n]
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	e.Say("server: listening on %s (transport TCP, network IPv4, link: the loopback interface)",
		"服务端：在 %s 监听（传输层 TCP，网络层 IPv4，链路层：回环接口）", srv.Addr)

	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", srv.Addr)
	if err != nil {
		return err
	}
	defer c.Close()
	e.Say("client: connected; its socket is the 4-tuple (local %s, remote %s) plus the protocol, TCP",
		"客户端：已连接；它的套接字由四元组（本地 %s，远端 %s）加协议 TCP 确定", c.LocalAddr(), c.RemoteAddr())
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
	e.Say("application layer: the program wrote %d bytes:", "应用层：程序写入了 %d 字节：", len(msg))
	e.Quote("    ", msg)
	e.Say("transport layer: the kernel put them in a TCP segment (a header of at least 20 bytes: ports, sequence number, flags)",
		"传输层：内核把它们放进一个 TCP 报文段（头部至少 20 字节：端口、序号、标志位）")
	e.Say("network layer: inside an IPv4 packet (a 20-byte header: source 127.0.0.1, destination 127.0.0.1)",
		"网络层：再放进一个 IPv4 数据包（20 字节头部：源 127.0.0.1，目的 127.0.0.1）")
	e.Say("link layer: the loopback interface hands the packet straight back to this machine",
		"链路层：回环接口把数据包直接交回本机")
	e.Say("so at least %d + 20 + 20 = %d bytes went down the stack, and the server's read returned exactly the %d application bytes:",
		"所以至少 %d + 20 + 20 = %d 字节穿过协议栈，而服务端的读取只得到那 %d 个应用层字节：", len(msg), len(msg)+40, len(b))
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

	e.Say("1. Three connects to %s. Each Dial returns once SYN, SYN-ACK and ACK have crossed:",
		"1. 向 %s 发起三次连接。每次 Dial 都在 SYN、SYN-ACK、ACK 往返之后才返回：", addr)
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
		e.Say("   connect %d: from %s, handshake done in %v", "   第 %d 次连接：来自 %s，握手用时 %v", i, c.LocalAddr(), time.Since(start).Round(time.Microsecond))
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
	e.Say("   the server accepted %d connections, each from its own ephemeral port", "   服务端接受了 %d 个连接，每个来自不同的临时端口", n)
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
	e.Say("2. A connect to %s, where nothing listens: %v", "2. 连接无人监听的 %s：%v", closed, err)
	e.Say("   the SYN was answered with RST: refused=%v", "   SYN 收到的回答是 RST：被拒绝=%v", refused)
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
	c, err := ctap.Dial(ctx, srv.Addr, e.T("handshake: SYN, SYN-ACK, ACK", "握手：SYN、SYN-ACK、ACK"))
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
	e.Say("3. The client wrote \"hello \" and then \"world\" in two writes; the server says: %s",
		"3. 客户端分两次写入 \"hello \" 和 \"world\"；服务端说：%s", reply)
	e.Say("   TCP delivers a stream of bytes in order, not messages: a protocol on top must mark where each message ends.",
		"   TCP 按顺序交付字节流，而不是消息：上层协议必须自己标出每条消息在哪里结束。")
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
	e.Say("A DNS server for the zone wirelab.test listens on udp %s.", "一个负责 wirelab.test 区域的 DNS 服务器在 udp %s 上监听。", pc.LocalAddr())
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
	e.Say("Go's resolver asked for wirelab.test and got: %v", "Go 的解析器查询 wirelab.test，得到：%v", addrs)
	mu.Lock()
	entries := append([]seen(nil), log...)
	mu.Unlock()
	for _, s := range entries {
		e.Say("  query id=%#04x %s %s → %d bytes asked, %d bytes answered", "  查询 id=%#04x %s %s → 问 %d 字节，答 %d 字节",
			s.q.ID, s.q.Name, dnsTypeName(s.q.Type), len(s.query), len(s.resp))
	}
	for _, s := range entries {
		if s.q.Type == 1 {
			e.Say("The A query, byte by byte, all %d of them:", "A 记录查询的逐字节内容，全部 %d 字节：", len(s.query))
			e.Hex("    ", s.query)
			for _, part := range dnsQueryParts(s.query, s.q) {
				e.Say("  "+part[0], "  "+part[1])
			}
			e.Say("The answer: same id, flags 81 80 (a response), the question again, then c0 0c\n(a pointer to the name), type A, class IN, TTL 60, length 4, and 7f 00 00 01 = 127.0.0.1\n(this server knows no EDNS, so it sends no OPT record back):",
				"应答：相同的 id，标志 81 80（表示应答），再带上原问题，然后是 c0 0c（指向域名的指针）、\ntype A、class IN、TTL 60、长度 4，以及 7f 00 00 01 = 127.0.0.1\n（这个服务器不懂 EDNS，所以不回 OPT 记录）：")
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
	e.Say("A name outside the zone, nope.wirelab.test: %s (the server answered NXDOMAIN; not found=%v)", "区域外的名字 nope.wirelab.test：%s（服务器回答 NXDOMAIN；未找到=%v）", reason, notFound)
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
	e.Say("With the address in hand, a TCP connect to %s:%s succeeded: DNS only finds the address; TCP then connects to it.",
		"拿到地址后，TCP 连接 %s:%s 成功：DNS 只负责找到地址，随后由 TCP 去连接。", addrs[0], port)
	return nil
}
