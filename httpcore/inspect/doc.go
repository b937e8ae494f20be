// Package inspect implements the inspector: an httpcore.Handler that shows a
// learner what the server parsed, answers with any status code and its real
// semantics, and streams chunked bodies on demand.
//
// It has four kinds of endpoint:
//
// Any path not listed below echoes the request as JSON, with the header and
// trailer fields in arrival order and their original case:
//
//	POST /x?y HTTP/1.1
//	Host: a
//	Content-Length: 2
//
//	hi
//
// is answered 200, Content-Type application/json, with
//
//	{"method":"POST","target":"/x?y","proto":"HTTP/1.1",
//	 "headers":[["Host","a"],["Content-Length","2"]],"body":"hi","trailers":[]}
//
// The body is read to the end first (so the server's limits apply: 413 past
// Server.Limits.MaxBodyBytes), which is also when the trailer fields of a
// chunked body become known (RFC 9112 §7.1.2).
//
// /status/{code} answers with that status code and what it means on the
// wire: 204 and 304 have no content; 206 serves a byte range of
// RangeResource (and 416 one it cannot satisfy); redirects carry Location,
// 401 WWW-Authenticate, 405 Allow, 426 Upgrade, 429 and 503 Retry-After; an
// informational code such as 103 is sent as an interim response before a
// final 200. Every other registered code gets a plain-text body with its
// reason phrase, its RFC section and a one-line explanation from
// httpcore.LookupStatus. A code that is not registered → 400. See Handler
// for each case.
//
// /resource is a real resource with a strong ETag and a Last-Modified
// date, so conditional requests work as RFC 9110 §13 says: If-None-Match
// (weak comparison, "*", lists) or, without it, If-Modified-Since → 304
// with the validators and no content; If-Range with Range → 206 while the
// validator still matches, else 200 with the whole content; Range alone →
// 206 or 416; a failed If-Match or If-Unmodified-Since → 412. /status/304
// stays the bare status, whatever the request says.
//
// /drip?n=5&size=10 streams n pieces of size bytes each, flushing after
// every piece, so each piece leaves as one chunk of a chunked body
// (RFC 9112 §7.1); an optional delay=MS waits between pieces.
//
// /echo, /headers and /nope are the paths of the build-your-own HTTP track,
// so that the bundled server passes "wirelab check http": /echo answers
// with the request body, /headers echoes the field X-Wirelab-Echo, /nope is
// 404 (see track.go).
//
// Serve it with httpcore:
//
//	srv := &httpcore.Server{Handler: inspect.Handler()}
//	ln, _ := net.Listen("tcp", "127.0.0.1:8080")
//	srv.Serve(ln)
//
// HEAD works on every endpoint: the server sends the header section GET
// would have and no content (RFC 9110 §9.3.2).
package inspect
