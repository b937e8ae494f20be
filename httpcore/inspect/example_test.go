package inspect_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/httpcore/inspect"
)

// ExampleHandler serves the inspector on loopback and sends it one request
// with a body: the answer is the request as the server parsed it.
func ExampleHandler() {
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
	req := &httpcore.Request{Method: "POST", Target: "/x?y", ContentLength: 2, Body: strings.NewReader("hi")}
	req.Header.Add("Host", "a")
	resp, err := cc.Do(req)
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	fmt.Print(string(body))

	// The same connection serves a range of the demonstration resource.
	req = &httpcore.Request{Target: "/status/206"}
	req.Header.Add("Host", "a")
	req.Header.Add("Range", "bytes=-3")
	resp, err = cc.Do(req)
	if err != nil {
		panic(err)
	}
	body, _ = io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Range"), string(body))
	// Output:
	// 200 application/json
	// {"method":"POST","target":"/x?y","proto":"HTTP/1.1","headers":[["Host","a"],["Content-Length","2"]],"body":"hi","trailers":[]}
	// 206 bytes 23-25/26 xyz
}
