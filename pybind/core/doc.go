// Package core is the Go side of wirelab's Python bindings: a small facade
// over httpcore and websocket, shaped for gopy (go tool gopy build) rather
// than for Go callers.
//
// gopy turns every exported function and method here into a CPython entry
// point. The shape follows from what crosses that boundary well:
//
//   - Binary data travels as []byte, never as string: gopy passes strings
//     through C strings, which end at the first NUL byte.
//   - Results that hold several values come back as one []byte in a small
//     packed layout (see pack.go) that the Python layer unpacks, so one
//     message costs one call, not one call per field. A []byte result is
//     never empty: gopy's conversion to Python bytes indexes element 0.
//   - Errors come back as Go errors, which gopy raises as RuntimeError. Their
//     text is tagged (see errors.go) so the Python layer can raise
//     ProtocolError, HandshakeError or ConnectionClosed instead.
//   - No panic crosses the boundary: a panic in Go would end the Python
//     interpreter, so every entry point recovers and returns an error.
//   - Go keeps each connection alive whatever Python does: a goroutine per
//     connection reads it, answering pings, matching pongs and handling
//     the closing handshake, and queues messages (up to max_queue) for
//     Python; another sends keepalive pings (see Options).
//   - Python waits in slices. Every waiting call (Conn.RecvH,
//     Server.AcceptWithin, Dialing.Wait, Ping.Wait, WaitClosed) returns
//     after at most the time Python gives it, with a status, not an
//     error, when nothing came: Python runs signal handlers between slices
//     (Ctrl-C), and no RuntimeError from gopy ends up chained into a
//     KeyboardInterrupt's traceback. gopy releases the GIL for each call,
//     so other Python threads run meanwhile.
//   - Nothing here calls back into Python: an exception raised in a Python
//     callback called from Go would crash the interpreter.
//
// The package is plain Go, without cgo: gopy generates the cgo glue at build
// time (pybind/setup.py), so `go test ./...` needs no Python headers.
package core
