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
	opts := check.Options{Kind: kind, Addr: addr, Stage: stage, Lang: lang}
	if lang == "" {
		opts.Lang = "en"
	}
	if timeoutMillis > 0 {
		opts.Timeout = time.Duration(timeoutMillis) * time.Millisecond
	}
	rep, err := check.Run(context.Background(), opts)
	if err != nil {
		return nil, valueErr("wirelab: %v", err)
	}
	return json.Marshal(rep)
}
