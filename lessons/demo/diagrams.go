package demo

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/wirelab/wirelab/lessons/diagram"
	"github.com/wirelab/wirelab/websocket"
	"github.com/wirelab/wirelab/websocket/wsdecode"
)

// The two actors of most diagrams.
const (
	client = 0
	server = 1
)

var clientServer = [][2]string{{"client", "客户端"}, {"server", "服务端"}}

// taps returns a Recorder and the taps that record into it from the
// client's side and from the server's, with labels in e's language.
func (e *Env) taps() (*diagram.Recorder, diagram.Tap, diagram.Tap) {
	rec := diagram.NewRecorder()
	return rec,
		diagram.Tap{Rec: rec, Local: client, Remote: server, Label: wireLabel},
		diagram.Tap{Rec: rec, Local: server, Remote: client, Label: wireLabel}
}

// sequence waits until every connection rec saw is closed at both ends
// (for a second at most: a diagram of what happened so far beats none),
// then prints title and the diagram of the events keep keeps (all when
// nil) between actors, named in e's language, 80 columns wide.
func (e *Env) sequence(ctx context.Context, title [2]string, actors [][2]string, rec *diagram.Recorder, keep func(diagram.Event) bool) error {
	var events []diagram.Event
	for _, ev := range settle(ctx, rec) {
		if keep == nil || keep(ev) {
			events = append(events, ev)
		}
	}
	return e.draw(title, actors, events)
}

// settle waits until every connection rec saw is closed at both ends, for
// a second at most, and returns what it recorded.
func settle(ctx context.Context, rec *diagram.Recorder) []diagram.Event {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	rec.Wait(ctx, diagram.AllClosed)
	return rec.Events()
}

// rebase makes the first event's time zero: a diagram of the second part
// of a recording starts at +0.0 ms.
func rebase(events []diagram.Event) []diagram.Event {
	out := append([]diagram.Event(nil), events...)
	for i := range out {
		out[i].At -= events[0].At
	}
	return out
}

// draw prints title and the diagram of events between actors.
func (e *Env) draw(title [2]string, actors [][2]string, events []diagram.Event) error {
	names := make([]string, len(actors))
	for i, a := range actors {
		names[i] = a[0]
		if e.Lang == "zh" {
			names[i] = a[1]
		}
	}
	e.Say(title[0], title[1])
	var b bytes.Buffer
	if err := diagram.Sequence(&b, names, events, diagram.Options{Width: 80, MaskTimes: e.MaskTimes, Lang: e.Lang, Compact: true}); err != nil {
		return err
	}
	e.Printf("%s", b.Bytes())
	return nil
}

// frameBits prints the bit diagram of the frame header at the start of b.
func (e *Env) frameBits(b []byte) error {
	var out bytes.Buffer
	if err := diagram.FrameHeader(&out, b, diagram.Options{Lang: e.Lang}); err != nil {
		return err
	}
	e.Printf("%s", out.Bytes())
	return nil
}

// startLine matches an HTTP request line or status line.
var startLine = regexp.MustCompile(`(?m)^(?:[A-Z]+ \S+ HTTP/1\.\d|HTTP/1\.\d \d{3}[^\r\n]*)\r?$`)

// wireLabel names the bytes of one write for a diagram: the request or
// status line of an HTTP message ("5 × GET /p1 … /p5" when one write
// carries several), the frames of a WebSocket write ("text
// "Hello"", "close 1000 bye"), or else the first line.
func wireLabel(b []byte) string {
	if lines := startLine.FindAll(b, -1); len(lines) > 0 && startLine.Match(firstLineBytes(b)) {
		first := strings.TrimSpace(string(lines[0]))
		if len(lines) == 1 {
			return first
		}
		last := strings.TrimSpace(string(lines[len(lines)-1]))
		if first == last {
			return fmt.Sprintf("%d × %s", len(lines), first)
		}
		// Requests: "5 × GET /p1 … /p5".
		method, _, _ := strings.Cut(first, " ")
		path := func(l string) string { return strings.Fields(l)[1] }
		return fmt.Sprintf("%d × %s %s … %s", len(lines), method, path(first), path(last))
	}
	if len(b) >= 2 && b[0]&0x70 == 0 {
		d, err := wsdecode.DecodeFrames(b, wsdecode.DecodeOptions{})
		if err == nil && len(d.Frames) > 0 {
			var parts []string
			for _, f := range d.Frames {
				parts = append(parts, frameLabel(f))
			}
			return strings.Join(parts, ", ")
		}
	}
	return strconv.Quote(diagram.FirstLine(b))
}

func firstLineBytes(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// frameLabel is a frame in a few words: its opcode and what it carries.
func frameLabel(f wsdecode.DecodedFrame) string {
	op := f.Header.Opcode
	switch {
	case f.Close != nil:
		s := fmt.Sprintf("close %d", int(f.Close.Code))
		if f.Close.Reason != "" {
			s += " " + f.Close.Reason
		}
		return s
	case op == websocket.OpText || op == websocket.OpPing || op == websocket.OpPong:
		if len(f.Payload) == 0 {
			return op.String()
		}
		return fmt.Sprintf("%s %q", op, diagram.FirstLine(f.Payload))
	}
	return op.String()
}

// tcpListener listens on loopback, through tap when it is not nil.
func tcpListener(tap *diagram.Tap) (net.Listener, error) {
	ln, err := net.Listen("tcp", loopback)
	if err != nil || tap == nil {
		return ln, err
	}
	return tap.Listen(ln), nil
}
