package http

import (
	"bytes"
	"context"
	"testing"

	"github.com/wirelab/wirelab/lessons/check"
)

// "wirelab http serve" passes every stage of "wirelab check http": the
// bundled server is a reference for the build-your-own HTTP track.
func TestServePassesTheHTTPChecker(t *testing.T) {
	addr, _, stop := startServe(t)
	rep, err := check.Run(context.Background(), check.Options{Kind: check.KindHTTP, Addr: addr, Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	ids, _ := check.StageIDs(check.KindHTTP)
	if !rep.Passed || len(rep.Stages) != len(ids) {
		var b bytes.Buffer
		rep.WriteText(&b)
		t.Fatalf("wirelab http serve fails wirelab check http:\n%s", b.String())
	}
	if err := stop(); err != nil {
		t.Errorf("runServe: %v", err)
	}
}
