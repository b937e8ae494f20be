package tlsdemo

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/wirelab/wirelab/httpcore"
)

// DemoHost is the name of the site the demos protect: a bank that does not
// exist, reached on 127.0.0.1.
const DemoHost = "bank.test"

// SniffOptions configure Sniff.
type SniffOptions struct {
	// TLS runs the exchange over HTTPS; false runs it over plain HTTP.
	TLS bool
	// User and Password are what the client logs in with; empty means
	// "alice" and "correct-horse-battery-staple".
	User, Password string
}

// SniffResult is what an eavesdropper between the client and the server
// saw.
type SniffResult struct {
	Scheme   string `json:"scheme"`
	User     string `json:"user"`
	Password string `json:"password"`
	// PasswordSeen reports whether the password appears anywhere in the
	// bytes that crossed the wire, in either direction.
	PasswordSeen bool `json:"password_seen"`
	// Status is the server's answer to the login, which the client got.
	Status int `json:"status"`
	// BytesClientToServer and BytesServerToClient count the bytes seen.
	BytesClientToServer int `json:"bytes_client_to_server"`
	BytesServerToClient int `json:"bytes_server_to_client"`
	// Records are the TLS records seen, in each direction (TLS only).
	Records []SeenRecord `json:"records,omitempty"`
	// ServerName is the name the client asked for in its ClientHello's
	// server_name extension (SNI), which travels unencrypted (TLS only).
	ServerName string `json:"server_name,omitempty"`
	// Version and CipherSuite are what client and server negotiated.
	Version     string `json:"version,omitempty"`
	CipherSuite string `json:"cipher_suite,omitempty"`

	// ClientToServer and ServerToClient are the captured bytes.
	ClientToServer []byte `json:"-"`
	ServerToClient []byte `json:"-"`
}

// SeenRecord is a TLS record and the direction it travelled.
type SeenRecord struct {
	Direction string `json:"direction"`
	Name      string `json:"name"`
	Record
}

// captureTap records every byte that passes and forwards it unchanged.
type captureTap struct {
	mu  sync.Mutex
	buf [2]bytes.Buffer
}

func (t *captureTap) Chunk(dir Direction, b []byte) []byte {
	t.mu.Lock()
	t.buf[dir].Write(b)
	t.mu.Unlock()
	return b
}

func (t *captureTap) End(Direction) []byte { return nil }

// Sniff logs a client in to a server through a tap proxy and returns what
// the tap saw. Over HTTP the password crosses the wire as it was typed;
// over HTTPS the tap sees TLS records — their types and lengths, the
// server name in the ClientHello, and ciphertext.
func Sniff(ctx context.Context, opts SniffOptions) (*SniffResult, error) {
	user, password := opts.User, opts.Password
	if user == "" {
		user = "alice"
	}
	if password == "" {
		password = "correct-horse-battery-staple"
	}
	res := &SniffResult{Scheme: "http", User: user, Password: password}
	var serverCfg, clientCfg *tls.Config
	if opts.TLS {
		res.Scheme = "https"
		ca, err := NewCA("wirelab demo CA")
		if err != nil {
			return nil, err
		}
		if serverCfg, _, err = DevTLSConfig(ca, DemoHost); err != nil {
			return nil, err
		}
		clientCfg = ClientConfig(ca.Pool(), DemoHost)
		clientCfg.VerifyConnection = func(cs tls.ConnectionState) error {
			res.Version = tls.VersionName(cs.Version)
			res.CipherSuite = tls.CipherSuiteName(cs.CipherSuite)
			return nil
		}
	}
	login := httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Connection", "close")
		if bytes.Contains(body, []byte("password="+password)) {
			w.WriteString("welcome, " + user + "\n")
			return
		}
		w.WriteHeader(403)
		w.WriteString("wrong password\n")
	})
	srv, err := startServer(login, serverCfg)
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	tap := &captureTap{}
	proxy, addr, err := startProxy(srv.addr, func() Tap { return tap })
	if err != nil {
		return nil, err
	}
	req := postForm("/login", "user="+user+"&password="+password)
	req.Host = DemoHost
	resp, _, err := exchange(ctx, addr, clientCfg, req)
	// Closing the proxy waits for its relays: the tap has seen everything.
	proxy.Close()
	if err != nil {
		return nil, fmt.Errorf("tlsdemo: sniff: the login failed: %w", err)
	}
	res.Status = resp.StatusCode
	res.ClientToServer = tap.buf[ClientToServer].Bytes()
	res.ServerToClient = tap.buf[ServerToClient].Bytes()
	res.BytesClientToServer = len(res.ClientToServer)
	res.BytesServerToClient = len(res.ServerToClient)
	res.PasswordSeen = bytes.Contains(res.ClientToServer, []byte(password)) || bytes.Contains(res.ServerToClient, []byte(password))
	if opts.TLS {
		for _, d := range []Direction{ClientToServer, ServerToClient} {
			recs, _ := ParseRecords(tap.buf[d].Bytes())
			for _, r := range recs {
				res.Records = append(res.Records, SeenRecord{Direction: d.String(), Name: r.TypeName(), Record: r})
			}
		}
		res.ServerName = ClientHelloServerName(res.ClientToServer)
	}
	return res, nil
}

// WriteText tells the learner what the eavesdropper saw.
func (r *SniffResult) WriteText(w io.Writer) {
	fmt.Fprintf(w, "A tap between the client and the server relays every byte and keeps a copy.\n")
	fmt.Fprintf(w, "The client logs in to %s over %s as %s with password %q (the server answered %d).\n\n",
		DemoHost, strings.ToUpper(r.Scheme), r.User, r.Password, r.Status)
	if r.Scheme == "http" {
		fmt.Fprintf(w, "What the tap saw, client → server (%d bytes):\n", r.BytesClientToServer)
		for _, line := range strings.Split(strings.TrimRight(string(r.ClientToServer), "\r\n"), "\n") {
			fmt.Fprintf(w, "  | %s\n", strings.TrimRight(line, "\r"))
		}
		fmt.Fprintf(w, "\nserver → client (%d bytes):\n", r.BytesServerToClient)
		for _, line := range strings.Split(strings.TrimRight(string(r.ServerToClient), "\r\n"), "\n") {
			fmt.Fprintf(w, "  | %s\n", strings.TrimRight(line, "\r"))
		}
		fmt.Fprintln(w)
		if r.PasswordSeen {
			fmt.Fprintf(w, "PASSWORD VISIBLE: %q is right there on the wire. HTTP sends everything as plain text:\n", r.Password)
			fmt.Fprintf(w, "anyone on the path (Wi-Fi, router, ISP) can read it without the client or the server noticing.\n")
		}
		return
	}
	fmt.Fprintf(w, "Negotiated: %s, %s.\n", r.Version, r.CipherSuite)
	fmt.Fprintf(w, "What the tap saw: %d bytes client → server, %d bytes server → client, in TLS records:\n",
		r.BytesClientToServer, r.BytesServerToClient)
	for _, rec := range r.Records {
		fmt.Fprintf(w, "  %s  %s\n", rec.Direction, rec.Record)
	}
	if r.ServerName != "" {
		fmt.Fprintf(w, "\nStill visible: the server name %q, sent unencrypted in the ClientHello (SNI),\n", r.ServerName)
		fmt.Fprintf(w, "and the sizes and timing of the records. Everything else is ciphertext, such as the\n")
	} else {
		fmt.Fprintf(w, "\nEverything the client sent after the handshake is ciphertext, such as the\n")
	}
	if b := largestAppData(r.ClientToServer); len(b) > 0 {
		fmt.Fprintf(w, "application_data record the client sent, %d bytes, which carries the login request:\n", len(b))
		for _, line := range strings.Split(strings.TrimRight(hex.Dump(b[:min(len(b), 64)]), "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	fmt.Fprintln(w)
	if r.PasswordSeen {
		fmt.Fprintf(w, "PASSWORD VISIBLE: %q appears in the bytes on the wire. This should never happen over TLS.\n", r.Password)
	} else {
		fmt.Fprintf(w, "PASSWORD NOT FOUND: %q appears nowhere in the %d bytes on the wire.\n", r.Password, r.BytesClientToServer+r.BytesServerToClient)
		fmt.Fprintf(w, "The keys that would decrypt the records were agreed by key exchange and never crossed the wire.\n")
	}
}

// largestAppData returns the largest application_data record in a
// stream, header included: in the demo, the one with the request.
func largestAppData(b []byte) []byte {
	recs, _ := ParseRecords(b)
	var best []byte
	for _, r := range recs {
		if r.Type == RecordApplicationData && 5+r.Length > len(best) {
			best = b[r.Offset : r.Offset+5+r.Length]
		}
	}
	return best
}

// ClientHelloServerName returns the server_name (SNI, RFC 6066 §3) of the
// ClientHello at the start of a client's byte stream, or "" if it has none.
// It shows what TLS leaves in the clear: the ClientHello travels before any
// key exists.
//
//	16 03 01 LL LL                record: handshake
//	01 LL LL LL                   ClientHello
//	03 03 <32 random> <session id> <cipher suites> <compression>
//	LL LL <extensions>            type 0x0000 is server_name
func ClientHelloServerName(stream []byte) string {
	recs, _ := ParseRecords(stream)
	if len(recs) == 0 || recs[0].Type != RecordHandshake {
		return ""
	}
	b := stream[5 : 5+recs[0].Length]
	if len(b) < 4 || b[0] != 1 { // handshake type client_hello
		return ""
	}
	b = b[4:]
	skip := func(n int) bool {
		if len(b) < n {
			return false
		}
		b = b[n:]
		return true
	}
	vec := func(lenBytes int) ([]byte, bool) {
		if len(b) < lenBytes {
			return nil, false
		}
		n := 0
		for i := 0; i < lenBytes; i++ {
			n = n<<8 | int(b[i])
		}
		b = b[lenBytes:]
		if len(b) < n {
			return nil, false
		}
		v := b[:n]
		b = b[n:]
		return v, true
	}
	if !skip(2 + 32) { // legacy_version, random
		return ""
	}
	for _, l := range []int{1, 2, 1} { // session id, cipher suites, compression methods
		if _, ok := vec(l); !ok {
			return ""
		}
	}
	exts, ok := vec(2)
	if !ok {
		return ""
	}
	for len(exts) >= 4 {
		typ := binary.BigEndian.Uint16(exts)
		n := int(binary.BigEndian.Uint16(exts[2:]))
		if len(exts) < 4+n {
			return ""
		}
		data := exts[4 : 4+n]
		exts = exts[4+n:]
		if typ != 0 || len(data) < 5 {
			continue
		}
		// server_name_list: length(2), then name_type(1) = host_name, length(2), name.
		l := int(binary.BigEndian.Uint16(data[3:]))
		if data[2] == 0 && len(data) >= 5+l {
			return string(data[5 : 5+l])
		}
	}
	return ""
}
