// Package demo holds the course's demos: each runs the real protocol on
// loopback with the wirelab engines (httpcore, websocket, tlsdemo,
// polling, postmessage) and prints what crossed the wire, in English or
// Chinese.
//
// A Demo is a Go function registered by ID in the map All builds; there is
// no package-level state, so every caller gets its own registry. Demos
// start the servers they need on 127.0.0.1 with port 0 and return an error
// only when something did not behave as the lesson says it does.
//
// The demos are grouped by area, one file each: net.go (TCP/IP, DNS,
// sockets), http.go (HTTP/1.0 close, keep-alive, pipelining, chunked),
// https.go, polling.go (short and long polling, SSE), ws.go (handshake,
// frames, close), browser.go, pm.go (postMessage), python.go (the
// articles' Python servers, in python/) and build.go.
//
// The demos that show connections draw them too (diagrams.go): both ends
// are recorded through a diagram.Tap, and what really crossed — connects,
// writes with their sizes, FINs — becomes a sequence diagram; ws-frames
// draws frame headers as RFC 6455 §5.2's bit diagram. Env.MaskTimes
// masks the timings, so tests can compare the diagrams' shape.
//
//	d := demo.All()["http-connections"]
//	err := demo.Exec(ctx, d, &demo.Env{Out: os.Stdout, Lang: "zh"})
package demo
