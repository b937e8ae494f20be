// Command client runs the wirelab WebSocket client (websocket.Dialer)
// against an Autobahn fuzzingserver, such as `kosoku -m fuzzingserver`,
// following the Autobahn client protocol:
//
//	GET /getCaseCount                  one text message: the number of cases
//	GET /runCase?case=N&agent=AGENT    echo every message until the close
//	GET /updateReports?agent=AGENT     the server writes its reports
//
//	client -url ws://127.0.0.1:9001 -agent wirelab [-cases FILE]
//
// -cases names a file with one line per case, in the fuzzingserver's
// order: the case id, then the permessage-deflate offer the case wants
// (kosoku's CLIENT_OFFERS, first offer), e.g.
//
//	13.5.1 permessage-deflate server_no_context_takeover server_max_window_bits=9 client_no_context_takeover client_max_window_bits
//
// so that each case of 12.* and 13.* gets the offer it tests; a line with
// the id alone offers no compression. Without -cases, -compress offers one
// permessage-deflate for every case.
//
// Every case runs on a fresh connection. The client echoes whole messages
// (ReadMessage/WriteMessage), text as text and binary as binary; the Conn
// answers pings and the close handshake itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wirelab/wirelab/websocket"
)

func main() {
	base := flag.String("url", "ws://127.0.0.1:9001", "the fuzzingserver's URL")
	agent := flag.String("agent", "wirelab", "agent name the reports are filed under")
	timeout := flag.Duration("case-timeout", 60*time.Second, "longest a single case may run")
	compress := flag.Bool("compress", false, "offer permessage-deflate for every case (cases 12.* and 13.*)")
	casesFile := flag.String("cases", "", "file of case ids and per-case permessage-deflate offers, one line per case")
	flag.Parse()
	var offers []*websocket.Compression
	if *casesFile != "" {
		var err error
		if offers, err = readCases(*casesFile); err != nil {
			fmt.Fprintln(os.Stderr, "autobahn client:", err)
			os.Exit(1)
		}
	}
	if *compress && offers == nil {
		compressAll = &websocket.Compression{ServerContextTakeover: true, ClientContextTakeover: true, Threshold: -1}
	}
	if err := run(*base, *agent, *timeout, offers); err != nil {
		fmt.Fprintln(os.Stderr, "autobahn client:", err)
		os.Exit(1)
	}
}

func run(base, agent string, timeout time.Duration, offers []*websocket.Compression) error {
	base = strings.TrimSuffix(base, "/")
	count, err := caseCount(base)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "autobahn client: %d cases\n", count)
	if offers != nil && len(offers) != count {
		return fmt.Errorf("the cases file has %d cases, the fuzzingserver runs %d", len(offers), count)
	}
	q := url.QueryEscape(agent)
	for i := 1; i <= count; i++ {
		d := websocket.Dialer{Compression: compressAll}
		if offers != nil {
			d.Compression = offers[i-1]
		}
		if err := runCase(&d, base+"/runCase?case="+strconv.Itoa(i)+"&agent="+q, timeout); err != nil {
			// A case may end in a failed handshake or a dropped
			// connection by design; the fuzzingserver judges it.
			fmt.Fprintf(os.Stderr, "autobahn client: case %d: %v\n", i, err)
		}
	}
	c, _, err := websocket.Dial(context.Background(), base+"/updateReports?agent="+q)
	if err != nil {
		return fmt.Errorf("updateReports: %w", err)
	}
	drain(c)
	return nil
}

// caseCount asks the server how many cases it runs.
func caseCount(base string) (int, error) {
	c, _, err := websocket.Dial(context.Background(), base+"/getCaseCount")
	if err != nil {
		return 0, fmt.Errorf("getCaseCount: %w", err)
	}
	defer drain(c)
	_, msg, err := c.ReadMessage()
	if err != nil {
		return 0, fmt.Errorf("getCaseCount: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(msg)))
	if err != nil {
		return 0, fmt.Errorf("getCaseCount: answer %q is not a number", msg)
	}
	return n, nil
}

// compressAll is the offer of every case under -compress without -cases.
var compressAll *websocket.Compression

// readCases reads the -cases file: per line a case id, then the
// parameters of one permessage-deflate offer (RFC 7692 §7.1), or nothing
// for no compression. Every message is compressed (Threshold -1): the
// cases check the compressed echo.
func readCases(name string) ([]*websocket.Compression, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var offers []*websocket.Compression
	for n, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			return nil, fmt.Errorf("%s:%d: empty line, want a case id", name, n+1)
		}
		if len(f) == 1 {
			offers = append(offers, nil)
			continue
		}
		if f[1] != websocket.DeflateName {
			return nil, fmt.Errorf("%s:%d: case %s offers %q, want %s", name, n+1, f[0], f[1], websocket.DeflateName)
		}
		c := &websocket.Compression{Threshold: -1, ServerContextTakeover: true, ClientContextTakeover: true}
		for _, p := range f[2:] {
			k, v, _ := strings.Cut(p, "=")
			bits := 0
			if v != "" {
				if bits, err = strconv.Atoi(v); err != nil || bits < 8 || bits > 15 {
					return nil, fmt.Errorf("%s:%d: case %s: %s=%q is not 8 to 15 (RFC 7692 §7.1.2)", name, n+1, f[0], k, v)
				}
			}
			switch k {
			case "server_no_context_takeover":
				c.ServerContextTakeover = false
			case "client_no_context_takeover":
				c.ClientContextTakeover = false
			case "server_max_window_bits":
				c.ServerMaxWindowBits = bits
			case "client_max_window_bits":
				c.ClientMaxWindowBits = bits // 0: the client can honour any limit
			default:
				return nil, fmt.Errorf("%s:%d: case %s: unknown parameter %q (RFC 7692 §7.1)", name, n+1, f[0], p)
			}
		}
		offers = append(offers, c)
	}
	return offers, nil
}

// runCase echoes one case's messages until the connection ends.
func runCase(d *websocket.Dialer, u string, timeout time.Duration) error {
	c, _, err := d.Dial(context.Background(), u)
	if err != nil {
		return err
	}
	defer c.CloseNow()
	c.SetReadDeadline(time.Now().Add(timeout))
	for {
		mt, msg, err := c.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				return nil // the close handshake ran (or the connection failed with a code)
			}
			return err
		}
		if err := c.WriteMessage(mt, msg); err != nil {
			return err
		}
	}
}

// drain reads until the server closes, so that the close handshake runs.
func drain(c *websocket.Conn) {
	defer c.CloseNow()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
	}
}
