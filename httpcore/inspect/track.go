package inspect

import (
	"io"
	"strconv"

	"github.com/wirelab/wirelab/httpcore"
)

// The paths of the build-your-own HTTP track, so that the bundled server
// passes the bundled checker ("wirelab check http", package lessons/check)
// and a learner can compare their server with it:
//
//	/headers   the echo of any other path, with the request's
//	           X-Wirelab-Echo field sent back (names ignore case, RFC 9110 §5.1)
//	/echo      the request body as the response body, framed by
//	           Content-Length (RFC 9112 §6.2), whatever framed the request's
//	/nope      404 Not Found: the path the checker asks for an unknown path
//	           (RFC 9110 §15.5.5)
const (
	trackHeaders = "/headers"
	trackEcho    = "/echo"
	trackNope    = "/nope"
	echoField    = "X-Wirelab-Echo"
)

// serveTrack serves a path of the HTTP track and reports whether path is
// one.
func serveTrack(w *httpcore.ResponseWriter, r *httpcore.Request, path string) bool {
	switch path {
	case trackHeaders:
		if v, ok := r.Header.Lookup(echoField); ok {
			w.Header().Set(echoField, v)
		}
		serveEcho(w, r)
	case trackEcho:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			bodyError(w, err)
			return true
		}
		ct := r.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	case trackNope:
		plain(w, 404, "inspect: 404 Not Found: "+trackNope+" is the path that \"wirelab check http\" asks for to see a 404 (RFC 9110 §15.5.5)\n")
	default:
		return false
	}
	return true
}
