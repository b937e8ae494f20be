package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// The kinds of server Run can check.
const (
	KindWebSocket = "ws"
	KindHTTP      = "http"
)

// DefaultTimeout bounds each stage when Options.Timeout is zero: the dial,
// every write and every read of the stage together.
const DefaultTimeout = 5 * time.Second

// Options say which server to check and how.
type Options struct {
	// Kind is KindWebSocket ("ws") or KindHTTP ("http").
	Kind string
	// Addr is the server's address, HOST:PORT. A bare port ("9001" or
	// ":9001") means 127.0.0.1; a ws:// or http:// URL gives its host and
	// port (80 by default). Every stage asks for the path "/".
	Addr string
	// Stage, if set, is the last stage to run: Run runs the stages in order
	// up to and including it, as the CodeCrafters testers do, and reports
	// only those. Empty runs them all.
	Stage string
	// Lang is "en" or "zh" for messages and hints; empty takes the
	// language from the environment (see LangFromEnv).
	Lang string
	// Timeout bounds each stage; zero means DefaultTimeout. A server that
	// never answers fails the stage when it runs out.
	Timeout time.Duration
	// Progress, if set, is called with each stage's result as soon as it
	// is known (skipped stages included), in order, on Run's goroutine.
	Progress func(StageResult)

	// only, in tests, restricts the run to these stage ids (in stage order),
	// so a stage can be checked against a server that fails earlier ones.
	only []string
}

// A Report is the outcome of Run.
type Report struct {
	// Passed reports that every stage run passed.
	Passed bool   `json:"passed"`
	Kind   string `json:"kind"`
	// Addr is the address dialled, after normalisation.
	Addr string `json:"addr"`
	Lang string `json:"lang"`
	// Stages lists the stages selected, in order. Those after the first
	// failure are Skipped.
	Stages []StageResult `json:"stages"`
}

// Failed returns the stage that failed, or nil.
func (r *Report) Failed() *StageResult {
	for i := range r.Stages {
		if !r.Stages[i].Passed && !r.Stages[i].Skipped {
			return &r.Stages[i]
		}
	}
	return nil
}

// A StageResult is how one stage went.
type StageResult struct {
	ID     string
	Passed bool
	// Skipped reports that the stage did not run because an earlier one
	// failed; Passed is false.
	Skipped bool
	// Message says what was seen, in the chosen language: what passed, or
	// what is wrong.
	Message string
	// Failure holds the evidence when the stage failed.
	Failure *Failure
	Elapsed time.Duration
}

// A Failure is the evidence for a failed stage: the bytes the checker sent
// and received on the stage's connection (for the WebSocket stages after
// the handshake, only what followed it), the byte at fault, the rule and a
// hint.
type Failure struct {
	Sent     []byte
	Received []byte
	// Offset is the index in Received of the byte at fault. It equals
	// len(Received) when what is wrong is that nothing more arrived, and
	// is -1 when no byte is at fault (the connection could not be made).
	Offset int
	// Section names the rule, such as "RFC 6455 §4.2.2".
	Section string
	// Hint suggests a fix, in the chosen language.
	Hint string
	// Hints are the stage's own hints, a nudge then the exact rule; Hint
	// is the first of them when nothing more particular was found.
	Hints []string
	// Notes explain the bytes where quoting is not enough: for the
	// WebSocket stages, each frame sent and received, decoded by the engine
	// with its payload unmasked.
	Notes []string
}

// An UnknownStageError is returned for a stage id that the kind does not
// have. Valid lists the ids that it has, in order.
type UnknownStageError struct {
	Kind  string
	Stage string
	Valid []string
}

func (e *UnknownStageError) Error() string {
	return fmt.Sprintf("check: %s has no stage %q; the stages are: %s", e.Kind, e.Stage, strings.Join(e.Valid, ", "))
}

// ErrUnknownKind is returned for a Kind other than "ws" or "http".
var ErrUnknownKind = errors.New(`check: unknown kind: want "ws" or "http"`)

// A Stage describes one stage of a kind: what the checker sends and what
// it expects back.
type Stage struct {
	ID      string `json:"id"`
	Section string `json:"section"`
	Sends   string `json:"sends"`
	Expects string `json:"expects"`
	// Hints are the stage's hints in two levels: a nudge, then the exact
	// rule. Empty for a stage that has none.
	Hints []string `json:"hints,omitempty"`
}

// stageDef is a stage and the code that runs it.
type stageDef struct {
	id      string
	section string
	sends   [2]string // en, zh
	expects [2]string
	hints   [2]ltext // hint 1 (a nudge) and hint 2 (the exact rule); empty for stages without them
	run     func(r *runner) (string, error)
}

// hintsIn returns the stage's two hints in language l, or nil.
func (d stageDef) hintsIn(l int) []string {
	if d.hints[0][l] == "" {
		return nil
	}
	return []string{d.hints[0][l], d.hints[1][l]}
}

func defs(kind string) ([]stageDef, error) {
	switch kind {
	case KindWebSocket:
		return wsStages, nil
	case KindHTTP:
		return httpStages, nil
	}
	return nil, fmt.Errorf("%w (got %q)", ErrUnknownKind, kind)
}

// Stages returns the stages of kind in the order they run, described in
// lang ("en" or "zh"; empty takes LangFromEnv).
func Stages(kind, lang string) ([]Stage, error) {
	ds, err := defs(kind)
	if err != nil {
		return nil, err
	}
	l, err := langIndex(lang)
	if err != nil {
		return nil, err
	}
	out := make([]Stage, len(ds))
	for i, d := range ds {
		out[i] = Stage{ID: d.id, Section: d.section, Sends: d.sends[l], Expects: d.expects[l], Hints: d.hintsIn(l)}
	}
	return out, nil
}

// StageIDs returns the ids of kind's stages in order.
func StageIDs(kind string) ([]string, error) {
	ds, err := defs(kind)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.id
	}
	return ids, nil
}

// LangFromEnv returns "zh" when the first of LC_ALL, LC_MESSAGES and LANG
// that is set starts with "zh" (zh_CN.UTF-8, zh_TW …), and "en" otherwise.
func LangFromEnv() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return "zh"
			}
			return "en"
		}
	}
	return "en"
}

// langIndex maps a language to the index of its text in the [2]string
// pairs: 0 for English, 1 for Chinese.
func langIndex(lang string) (int, error) {
	if lang == "" {
		lang = LangFromEnv()
	}
	switch lang {
	case "en":
		return 0, nil
	case "zh":
		return 1, nil
	}
	return 0, fmt.Errorf("check: language %q: want en or zh", lang)
}

// NormalizeAddr turns what a learner typed into HOST:PORT: "9001" and
// ":9001" become "127.0.0.1:9001"; "ws://localhost:9001/chat" becomes
// "localhost:9001".
func NormalizeAddr(addr string) (string, error) {
	a := strings.TrimSpace(addr)
	if a == "" {
		return "", errors.New("check: no address: give the server's HOST:PORT, such as 127.0.0.1:8080")
	}
	if strings.Contains(a, "://") {
		u, err := url.Parse(a)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("check: address %q: want HOST:PORT, such as 127.0.0.1:8080", addr)
		}
		a = u.Host
		if u.Port() == "" {
			a = net.JoinHostPort(u.Hostname(), "80")
		}
	}
	if _, err := strconv.Atoi(a); err == nil {
		a = ":" + a
	}
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return "", fmt.Errorf("check: address %q: want HOST:PORT, such as 127.0.0.1:8080", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("check: address %q: port %q is not a number from 1 to 65535", addr, port)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// Run checks the server at opts.Addr stage by stage and stops at the first
// stage that fails; the stages after it are reported Skipped. A failing
// stage is not an error: it is in the Report, whose Passed is false. Run
// returns an error, and no Report, for bad options (an unknown kind, an
// UnknownStageError, a malformed address or language), and the Report so far
// with ctx.Err() when ctx ends.
func Run(ctx context.Context, opts Options) (*Report, error) {
	ds, err := defs(opts.Kind)
	if err != nil {
		return nil, err
	}
	l, err := langIndex(opts.Lang)
	if err != nil {
		return nil, err
	}
	addr, err := NormalizeAddr(opts.Addr)
	if err != nil {
		return nil, err
	}
	sel := ds
	if opts.Stage != "" {
		i := indexOf(ds, opts.Stage)
		if i < 0 {
			ids, _ := StageIDs(opts.Kind)
			return nil, &UnknownStageError{Kind: opts.Kind, Stage: opts.Stage, Valid: ids}
		}
		sel = ds[:i+1]
	}
	if opts.only != nil {
		var keep []stageDef
		for _, d := range sel {
			for _, id := range opts.only {
				if d.id == id {
					keep = append(keep, d)
				}
			}
		}
		sel = keep
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	rep := &Report{Passed: true, Kind: opts.Kind, Addr: addr, Lang: [2]string{"en", "zh"}[l], Stages: []StageResult{}}
	emit := func(s StageResult) {
		rep.Stages = append(rep.Stages, s)
		if opts.Progress != nil {
			opts.Progress(s)
		}
	}
	for i, d := range sel {
		if !rep.Passed {
			emit(StageResult{ID: d.id, Skipped: true, Message: [2]string{
				"not run: an earlier stage failed",
				"未运行：前面的阶段没有通过",
			}[l]})
			continue
		}
		res, err := runStage(ctx, d, addr, l, timeout, serverSender(opts.Kind, ds, d.id))
		if err != nil {
			// ctx ended: report what ran, skip nothing more.
			rep.Passed = false
			for _, d := range sel[i:] {
				rep.Stages = append(rep.Stages, StageResult{ID: d.id, Skipped: true, Message: [2]string{"not run: cancelled", "未运行：已取消"}[l]})
			}
			return rep, err
		}
		if !res.Passed {
			rep.Passed = false
		}
		emit(res)
	}
	return rep, nil
}

func indexOf(ds []stageDef, id string) int {
	for i, d := range ds {
		if d.id == id {
			return i
		}
	}
	return -1
}

// runStage runs one stage under its own deadline. It returns an error only
// when the parent ctx ended.
func runStage(parent context.Context, d stageDef, addr string, lang int, timeout time.Duration, strict bool) (StageResult, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	r := &runner{ctx: ctx, parent: parent, addr: addr, lang: lang, timeout: timeout, strictMask: strict, section: d.section}
	msg, err := d.run(r)
	r.closeAll()
	res := StageResult{ID: d.id, Elapsed: time.Since(start)}
	if perr := parent.Err(); perr != nil {
		return res, perr
	}
	if err == nil {
		res.Passed = true
		res.Message = msg
		return res, nil
	}
	var sf *stageFail
	if !errors.As(err, &sf) {
		sf = r.failNoBytes(d.section, err.Error(), "")
	}
	res.Message = sf.msg
	res.Failure = &sf.f
	if res.Failure.Section == "" {
		res.Failure.Section = d.section
	}
	res.Failure.Hints = d.hintsIn(lang)
	if res.Failure.Hint == "" && len(res.Failure.Hints) > 0 {
		res.Failure.Hint = res.Failure.Hints[0]
	}
	return res, nil
}

// serverSender reports whether the stage comes at or after
// "server-unmasked", from which on a masked frame from the server is an
// error rather than tolerated.
func serverSender(kind string, ds []stageDef, id string) bool {
	if kind != KindWebSocket {
		return false
	}
	return indexOf(ds, id) >= indexOf(ds, "server-unmasked")
}
