// Package annotate explains raw HTTP/1.1 messages byte by byte, for
// teaching: "wirelab http parse" and the HTTP lessons show messages through
// it.
//
// Annotate cuts a request or a response into segments (the start line, each
// field line, the empty line, the body, or the chunk-size lines, chunk data,
// trailer fields and final CRLF of a chunked body), each with its offset, its
// bytes as sent and a note naming the rule that defines it:
//
//	a, err := annotate.Annotate([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
//	a.WriteText(os.Stdout)
//
//	 0  request-line  GET / HTTP/1.1\r\n  method GET, target "/" (origin-form), version HTTP/1.1 (RFC 9112 §3)
//	16  field         Host: a\r\n         Host = "a" — required once in HTTP/1.1 (RFC 9112 §3.2)
//	25  empty-line    \r\n                ends the header section (RFC 9112 §2.1)
//	27  body                              none: a request without Content-Length or Transfer-Encoding has no body (RFC 9112 §6.3 rule 7)
//
// The verdict is the engine's, not a second opinion: the message goes
// through httpcore.ReadRequest or httpcore.ReadResponse, and a malformed one
// is reported with the engine's own error, offset and RFC section. The
// package lives apart from httpcore so that the engine carries only the
// engine.
package annotate
