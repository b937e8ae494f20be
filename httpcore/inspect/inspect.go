package inspect

import (
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
)

// Handler returns the inspector. It holds no state, so one value may serve
// any number of servers and connections at once.
//
// /status/{code} answers as follows (RFC 9110 §15 unless noted):
//
//	1xx but 101   the interim response, then a final 200 explaining it
//	              (103 carries Link, RFC 8297); HTTP/1.0 clients get the 200 only
//	101           400: switching needs a protocol the inspector does not speak
//	204, 205      no content (205 with Content-Length: 0)
//	206           a byte range of RangeResource; 416 for a range past its end;
//	              200 and the whole resource without a usable Range (RFC 9110 §14.2)
//	301 302 303
//	307 308       Location: /
//	304           no content; ETag and Cache-Control as a 200 would carry.
//	              A bare status whatever the request says: for real
//	              conditional requests use ResourcePath (/resource)
//	401, 407      WWW-Authenticate / Proxy-Authenticate: Basic realm="wirelab"
//	405           Allow, listing methods other than the one used
//	408           Connection: close
//	416           Content-Range: bytes */26
//	426           Upgrade: websocket
//	429, 503      Retry-After: 1
//	other codes   text/plain: "418 (Unused) (RFC 9110 §15.5.19)" and the
//	              explanation from httpcore.LookupStatus
//
// A code that is not three digits from 100 to 599, or not registered, is
// answered 400 with a message naming it.
func Handler() httpcore.Handler { return inspector{} }

type inspector struct{}

func (inspector) ServeHTTP(w *httpcore.ResponseWriter, r *httpcore.Request) {
	path := r.Path()
	switch {
	case serveTrack(w, r, path):
	case path == "/drip":
		serveDrip(w, r)
	case path == ResourcePath:
		serveResource(w, r)
	case path == "/status" || strings.HasPrefix(path, "/status/"):
		serveStatus(w, r, strings.TrimPrefix(strings.TrimPrefix(path, "/status"), "/"))
	default:
		serveEcho(w, r)
	}
}

// Echo is the JSON document the inspector answers with on any other path:
// the request as the server parsed it. Fields and trailers are [name, value]
// pairs in arrival order, names in their original case. Body is the body as
// a string (bytes that are not UTF-8 become U+FFFD in JSON).
type Echo struct {
	Method   string      `json:"method"`
	Target   string      `json:"target"`
	Proto    string      `json:"proto"`
	Headers  [][2]string `json:"headers"`
	Body     string      `json:"body"`
	Trailers [][2]string `json:"trailers"`
}

func pairs(h *httpcore.Header) [][2]string {
	out := make([][2]string, 0, h.Len())
	for _, f := range h.Fields() {
		out = append(out, [2]string{f.Name, f.Value})
	}
	return out
}

func serveEcho(w *httpcore.ResponseWriter, r *httpcore.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		bodyError(w, err)
		return
	}
	// RFC 9110 §8.6: the Content-Length of a response to HEAD is that of
	// the content GET would have had, so HEAD is echoed as GET.
	method := r.Method
	if method == "HEAD" {
		method = "GET"
	}
	// Trailer fields are known only now that the body has been read to its
	// end (RFC 9112 §7.1.2).
	doc, err := json.Marshal(Echo{
		Method:   method,
		Target:   r.Target,
		Proto:    r.Proto,
		Headers:  pairs(&r.Header),
		Body:     string(body),
		Trailers: pairs(&r.Trailer),
	})
	if err != nil { // cannot happen: every field is a string
		plain(w, 500, "inspect: encoding the echo: "+err.Error()+"\n")
		return
	}
	doc = append(doc, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.Write(doc)
}

// bodyError answers a request whose body could not be read: with the
// status the error carries (413 for a body over the limit, 400 for a
// malformed chunk), and closes, since the rest of the body is unknown.
func bodyError(w *httpcore.ResponseWriter, err error) {
	code := 400
	var pe *httpcore.ProtocolError
	if errors.As(err, &pe) {
		code = pe.Status
	}
	w.Header().Set("Connection", "close")
	plain(w, code, "inspect: reading the request body: "+err.Error()+"\n")
}

// plain writes a complete text/plain response.
func plain(w *httpcore.ResponseWriter, code int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	w.WriteString(text)
}
