package core

import (
	"context"
	"encoding/json"
	"time"

	"github.com/wirelab/wirelab/lessons/check"
)

// Check runs wirelab's staged tester (package lessons/check, the engine of
// `wirelab check`) against a server the learner wrote, and returns the
// report as JSON, the shape `wirelab check --json` prints:
//
//	{"passed":false,"stages":[{"id":"tcp","passed":true,"message":"..."}, ...]}
//
// kind is "ws" or "http"; stage, if not empty, is the last stage to run;
// lang is "en" or "zh"; timeoutMillis bounds each stage (0: the default).
// A failing stage is not an error; an unknown kind or stage is.
func Check(kind, addr, stage, lang string, timeoutMillis int) (out []byte, err error) {
	defer guard(&err)
	return runCheck(context.Background(), kind, addr, stage, lang, timeoutMillis)
}

func runCheck(ctx context.Context, kind, addr, stage, lang string, timeoutMillis int) ([]byte, error) {
	opts := check.Options{Kind: kind, Addr: addr, Stage: stage, Lang: lang}
	if lang == "" {
		opts.Lang = "en"
	}
	if timeoutMillis > 0 {
		opts.Timeout = time.Duration(timeoutMillis) * time.Millisecond
	}
	rep, err := check.Run(ctx, opts)
	if err != nil {
		return nil, valueErr("wirelab: %v", err)
	}
	return json.Marshal(rep)
}

// A Checking is a Check running in a goroutine, so that Python waits for
// it in slices (Wait) and Ctrl-C gets through.
type Checking struct {
	cancel context.CancelFunc
	done   chan struct{}
	out    []byte
	err    error
}

// StartCheck starts Check's stages; Wait, then Result.
func StartCheck(kind, addr, stage, lang string, timeoutMillis int) *Checking {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Checking{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		defer guard(&c.err)
		c.out, c.err = runCheck(ctx, kind, addr, stage, lang, timeoutMillis)
	}()
	return c
}

// Wait waits up to timeoutMs for the report: 1 when it is ready,
// statusNotYet if not yet.
func (c *Checking) Wait(timeoutMs int) int { return waitFor(c.done, timeoutMs) }

// Result returns the report once Wait returned 1, as Check does.
func (c *Checking) Result() (out []byte, err error) {
	defer guard(&err)
	if waitFor(c.done, 0) != 1 {
		return nil, valueErr("wirelab: the check is still running")
	}
	return c.out, c.err
}

// Cancel stops the stages and waits for them to end.
func (c *Checking) Cancel() {
	c.cancel()
	<-c.done
}
