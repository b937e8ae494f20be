package inspect_test

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/inspect"
)

// ExampleHandler_conditional fetches /resource, then asks again with the
// ETag it got: the server answers 304 and sends no content (RFC 9110
// §13.1.2). A range asked with If-Range and that ETag is served as 206.
func ExampleHandler_conditional() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &httpcore.Server{Handler: inspect.Handler()}
	go srv.Serve(ln)
	defer srv.Shutdown(context.Background())
	cc, err := httpcore.Dial(context.Background(), ln.Addr().String())
	if err != nil {
		panic(err)
	}
	defer cc.Close()
	get := func(fields ...string) {
		req := &httpcore.Request{Target: inspect.ResourcePath}
		req.Header.Add("Host", "a")
		for i := 0; i < len(fields); i += 2 {
			req.Header.Add(fields[i], fields[i+1])
		}
		resp, err := cc.Do(req)
		if err != nil {
			panic(err)
		}
		body, _ := io.ReadAll(resp.Body)
		fmt.Printf("%d ETag=%s %q\n", resp.StatusCode, resp.Header.Get("ETag"), body)
	}
	get()
	get("If-None-Match", inspect.ResourceETag)
	get("Range", "bytes=0-4", "If-Range", inspect.ResourceETag)
	get("Range", "bytes=0-4", "If-Range", `"an old tag"`)
	// Output:
	// 200 ETag="71c480df93d6ae2f" "abcdefghijklmnopqrstuvwxyz"
	// 304 ETag="71c480df93d6ae2f" ""
	// 206 ETag="71c480df93d6ae2f" "abcde"
	// 200 ETag="71c480df93d6ae2f" "abcdefghijklmnopqrstuvwxyz"
}
