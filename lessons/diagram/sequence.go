package diagram

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// EventKind says what an Event stands for.
type EventKind int

const (
	// Message is bytes sent from one actor to another: a request, a
	// response, a frame. Drawn ──▶.
	Message EventKind = iota
	// Note is a remark on one actor's lifeline (From): "waits 2 s".
	Note
	// Open is a connection being set up (TCP's SYN, SYN-ACK, ACK, as
	// connect and accept see them). Drawn ══▶.
	Open
	// Close is one side closing the connection (TCP's FIN). Drawn ┄┄▶.
	Close
)

// An Event is one thing that happened, At a time since the recording
// started. From and To are indexes into the actors given to Sequence.
type Event struct {
	At       time.Duration
	From, To int
	Label    string
	Bytes    int // bytes on the wire, shown after the label when > 0
	Kind     EventKind
}

// A Recorder collects Events as they happen, stamping each with the time
// since NewRecorder. It is safe for concurrent use, so a client and a
// server goroutine can record into the same one.
type Recorder struct {
	mu     sync.Mutex
	start  time.Time
	events []Event
	peers  map[string]int // a dialled connection's local address → its actor (Tap)
	added  chan struct{}  // closed and replaced by each Add (Wait)
}

// NewRecorder returns a Recorder whose clock starts now.
func NewRecorder() *Recorder { return &Recorder{start: time.Now()} }

// Add records e, stamping At with the time since the start.
func (r *Recorder) Add(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.At = time.Since(r.start)
	r.events = append(r.events, e)
	if r.added != nil {
		close(r.added)
		r.added = nil
	}
}

// Wait waits until done says yes to what was recorded, or ctx ends: to
// draw a connection only once both ends have closed it, for example.
func (r *Recorder) Wait(ctx context.Context, done func([]Event) bool) error {
	for {
		r.mu.Lock()
		if done(r.events) {
			r.mu.Unlock()
			return nil
		}
		if r.added == nil {
			r.added = make(chan struct{})
		}
		added := r.added
		r.mu.Unlock()
		select {
		case <-added:
		case <-ctx.Done():
			return fmt.Errorf("diagram: still waiting for the recording to settle: %w", ctx.Err())
		}
	}
}

// AllClosed reports whether every connection opened in events has been
// closed at both ends: twice as many Close events as Open ones.
func AllClosed(events []Event) bool {
	opens, closes := 0, 0
	for _, e := range events {
		switch e.Kind {
		case Open:
			opens++
		case Close:
			closes++
		}
	}
	return closes >= 2*opens
}

// Record records a message of n bytes from actor from to actor to.
func (r *Recorder) Record(from, to int, label string, n int) {
	r.Add(Event{From: from, To: to, Label: label, Bytes: n, Kind: Message})
}

// Note records a remark on actor's lifeline.
func (r *Recorder) Note(actor int, label string) {
	r.Add(Event{From: actor, To: actor, Label: label, Kind: Note})
}

// Open records from opening a connection to to.
func (r *Recorder) Open(from, to int, label string) {
	r.Add(Event{From: from, To: to, Label: label, Kind: Open})
}

// Close records from closing its side of the connection to to.
func (r *Recorder) Close(from, to int, label string) {
	r.Add(Event{From: from, To: to, Label: label, Kind: Close})
}

// Events returns a copy of what was recorded, in the order it was recorded.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Options shape a Sequence diagram.
type Options struct {
	// Width is the width of the terminal in cells; 80 when 0.
	Width int
	// MaskTimes prints every timing as "+#.# ms", for golden files.
	MaskTimes bool
	// Lang is the language of the words a drawing adds: "en" or "zh".
	Lang string
	// Compact writes a label on its arrow when it fits there, one line
	// per event instead of two:  │── GET / (78 B) ──▶│
	Compact bool
}

// timeCol is the width of the timing column: "+12345.6 ms ".
const timeCol = 12

// FormatTime formats d as the timing column shows it: +0.4 ms, +12.3 ms,
// +2.51 s.
func FormatTime(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("+%.2f s", d.Seconds())
	}
	return fmt.Sprintf("+%.1f ms", float64(d)/float64(time.Millisecond))
}

// label is e's text as drawn: "GET / (78 B)".
func (e Event) label() string {
	if e.Bytes > 0 {
		// A no-break space keeps "(131 B)" whole when the label wraps.
		return fmt.Sprintf("%s (%d\u00a0B)", e.Label, e.Bytes)
	}
	return e.Label
}

// Sequence draws actors as boxes with lifelines below them and each event
// as a row of the diagram, in order, with its timing on the left:
//
//	         ┌────────┐                          ┌────────┐
//	         │ client │                          │ server │
//	         └───┬────┘                          └───┬────┘
//	             │         connect (SYN)             │
//	+0.1 ms      │══════════════════════════════════▶│
//	             │          GET / (78 B)             │
//	+0.3 ms      │──────────────────────────────────▶│
//
// Labels longer than the space between the two lifelines are wrapped onto
// several lines. An event naming an actor that does not exist is an error.
func Sequence(w io.Writer, actors []string, events []Event, opts Options) error {
	n := len(actors)
	if n == 0 {
		return fmt.Errorf("diagram: a sequence diagram needs at least one actor")
	}
	for i, e := range events {
		if e.From < 0 || e.From >= n || e.To < 0 || e.To >= n {
			return fmt.Errorf("diagram: event %d (%q) is between actors %d and %d, but there are only %d actors (0 to %d)",
				i, e.Label, e.From, e.To, n, n-1)
		}
	}
	total := opts.Width
	if total <= 0 {
		total = 80
	}
	lane := (total - timeCol) / n
	if lane < 8 {
		lane = 8
	}
	total = timeCol + lane*n
	x := make([]int, n) // the lifeline of each actor
	for i := range x {
		x[i] = timeCol + lane*i + lane/2
	}

	var out strings.Builder
	emit := func(c canvas) { out.WriteString(c.String()); out.WriteByte('\n') }
	lifelines := func() canvas {
		c := newCanvas(total)
		for _, xi := range x {
			c[xi] = "│"
		}
		return c
	}

	// The actors' boxes, centred on their lifelines.
	top, mid, bot := newCanvas(total), newCanvas(total), newCanvas(total)
	for i, name := range actors {
		name = truncate(name, lane-6)
		// A box of even width has no middle cell to hang its lifeline
		// from: an odd inner width puts ┬ exactly under the centre, with
		// the extra space after an even-width name.
		inner := width(name) + 2
		pad := ""
		if inner%2 == 0 {
			inner++
			pad = " "
		}
		left := x[i] - inner/2 - 1
		if left < timeCol+lane*i {
			left = timeCol + lane*i
		}
		top.put(left, "┌"+strings.Repeat("─", inner)+"┐")
		mid.put(left, "│ "+name+pad+" │")
		bl := strings.Repeat("─", x[i]-left-1) + "┬" + strings.Repeat("─", inner-(x[i]-left))
		bot.put(left, "└"+bl+"┘")
	}
	emit(top)
	emit(mid)
	emit(bot)

	for _, e := range events {
		stamp := FormatTime(e.At)
		if opts.MaskTimes {
			stamp = "+#.# ms"
		}
		stamp = fmt.Sprintf("%*s ", timeCol-1, stamp)
		if e.Kind == Note || e.From == e.To {
			start := x[e.From] + 2
			lines := wrap(e.label(), total-start)
			for j, l := range lines {
				c := lifelines()
				if j == 0 {
					c.put(0, stamp)
					c.put(x[e.From]+1, "╴")
				}
				for k := start; k < total; k++ {
					if c[k] == "│" && k < start+width(l)+1 {
						c[k] = " "
					}
				}
				c.put(start, l)
				emit(c)
			}
			continue
		}
		a, b := x[e.From], x[e.To]
		lo, hi := min(a, b), max(a, b)
		span := hi - lo - 3
		inline := opts.Compact && width(e.label())+6 <= hi-lo-1
		for _, l := range wrap(e.label(), span) {
			if inline {
				break
			}
			c := lifelines()
			for k := lo + 1; k < hi; k++ {
				c[k] = " "
			}
			c.put(lo+1+(hi-lo-1-width(l))/2, l)
			emit(c)
		}
		shaft := "─"
		switch e.Kind {
		case Open:
			shaft = "═"
		case Close:
			shaft = "┄"
		}
		c := lifelines()
		c.put(0, stamp)
		for k := lo + 1; k < hi; k++ {
			c[k] = shaft
		}
		if b > a {
			c[hi-1] = "▶"
		} else {
			c[lo+1] = "◀"
		}
		if inline {
			l := " " + e.label() + " "
			c.put(lo+1+(hi-lo-1-width(l))/2, l)
		}
		emit(c)
	}
	emit(lifelines())
	_, err := io.WriteString(w, out.String())
	return err
}
