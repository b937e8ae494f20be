// Command client runs the wirelab WebSocket client (websocket.Dialer)
// against an Autobahn fuzzingserver, such as `kosoku -m fuzzingserver`,
// following the Autobahn client protocol:
//
//	GET /getCaseCount                  one text message: the number of cases
//	GET /runCase?case=N&agent=AGENT    echo every message until the close
//	GET /updateReports?agent=AGENT     the server writes its reports
//
//	client -url ws://127.0.0.1:9001 -agent wirelab
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
	compress := flag.Bool("compress", false, "offer permessage-deflate (cases 12.* and 13.*)")
	flag.Parse()
	if *compress {
		caseDialer.Compression = &websocket.Compression{ServerContextTakeover: true, ClientContextTakeover: true, Threshold: -1}
	}
	if err := run(*base, *agent, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "autobahn client:", err)
		os.Exit(1)
	}
}

func run(base, agent string, timeout time.Duration) error {
	base = strings.TrimSuffix(base, "/")
	count, err := caseCount(base)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "autobahn client: %d cases\n", count)
	q := url.QueryEscape(agent)
	for i := 1; i <= count; i++ {
		if err := runCase(base+"/runCase?case="+strconv.Itoa(i)+"&agent="+q, timeout); err != nil {
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

// caseDialer dials each case; -compress offers permessage-deflate.
var caseDialer websocket.Dialer

// runCase echoes one case's messages until the connection ends.
func runCase(u string, timeout time.Duration) error {
	c, _, err := caseDialer.Dial(context.Background(), u)
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
