package inspect

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/wirelab/wirelab/httpcore"
)

// ResourcePath is the inspector's one real resource: a representation with
// validators, so conditional requests (RFC 9110 §13) have something to be
// evaluated against. Its content is RangeResource; /status/304 only shows
// what a bare 304 looks like, whatever the request says.
const ResourcePath = "/resource"

// ResourceETag is the strong entity tag of ResourcePath (RFC 9110 §8.8.3):
// derived from the content, so it changes exactly when the content does.
var ResourceETag = func() string {
	sum := sha256.Sum256([]byte(RangeResource))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// ResourceModified is the Last-Modified time of ResourcePath (RFC 9110
// §8.8.2). It lies in the past, more than a second before any Date the
// server sends, so it is a strong validator too (RFC 9110 §8.8.2.2).
var ResourceModified = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)

// httpDate is the preferred format of an HTTP-date, IMF-fixdate
// (RFC 9110 §5.6.7): Sun, 06 Nov 1994 08:49:37 GMT.
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// parseHTTPDate parses an HTTP-date in the preferred format or one of the two
// obsolete ones a recipient must still accept (RFC 9110 §5.6.7).
func parseHTTPDate(v string) (time.Time, bool) {
	for _, layout := range []string{httpDate, "Monday, 02-Jan-06 15:04:05 GMT", "Mon Jan _2 15:04:05 2006"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// entityTag is one parsed entity-tag (RFC 9110 §8.8.3):
//
//	"abc"     strong, opaque-tag "abc" (quotes included)
//	W/"abc"   weak, the same opaque-tag
type entityTag struct {
	weak   bool
	opaque string
}

// parseETag parses one entity-tag. etagc is %x21 / %x23-7E / obs-text: any
// visible byte but the double quote.
func parseETag(s string) (entityTag, bool) {
	var t entityTag
	if rest, ok := strings.CutPrefix(s, "W/"); ok {
		t.weak, s = true, rest
	}
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return t, false
	}
	for i := 1; i < len(s)-1; i++ {
		if c := s[i]; c == '"' || c < 0x21 || c == 0x7f {
			return t, false
		}
	}
	t.opaque = s
	return t, true
}

// strongMatch is the strong comparison of RFC 9110 §8.8.3.2: both tags
// strong and their opaque-tags equal.
func strongMatch(a, b entityTag) bool { return !a.weak && !b.weak && a.opaque == b.opaque }

// weakMatch is the weak comparison: the opaque-tags equal, W/ or not.
func weakMatch(a, b entityTag) bool { return a.opaque == b.opaque }

// etagListMatches evaluates an If-Match or If-None-Match field, given as the
// values of all its field lines, against current: "*" matches any current
// representation; otherwise the comma-separated list matches when one of its
// members matches under cmp. A member that is not an entity-tag (such as
// abc without quotes) matches nothing.
func etagListMatches(values []string, current entityTag, cmp func(a, b entityTag) bool) bool {
	for _, v := range values {
		for _, m := range strings.Split(v, ",") {
			m = strings.Trim(m, " \t")
			if m == "*" {
				return true
			}
			if t, ok := parseETag(m); ok && cmp(t, current) {
				return true
			}
		}
	}
	return false
}

// singleDate returns the HTTP-date of a field that must hold exactly one
// (If-Modified-Since, If-Unmodified-Since); ok is false when the field is
// absent, repeated or not a valid date, and a recipient then ignores it
// (RFC 9110 §13.1.3, §13.1.4).
func singleDate(h *httpcore.Header, name string) (time.Time, bool) {
	vs := h.Values(name)
	if len(vs) != 1 {
		return time.Time{}, false
	}
	return parseHTTPDate(strings.Trim(vs[0], " \t"))
}

// precondition is the outcome of evaluating a request's preconditions.
type precondition int

const (
	proceed     precondition = iota // perform the method
	notModified                     // 304 Not Modified
	failed                          // 412 Precondition Failed
)

// evaluate applies the preconditions of r to a representation with the
// validators etag and modified, in the order of RFC 9110 §13.2.2:
//
//  1. If-Match: false → 412.
//  2. else If-Unmodified-Since: modified after the date → 412.
//  3. If-None-Match: false → 304 for GET and HEAD, else 412.
//  4. else If-Modified-Since (GET, HEAD only): not modified since → 304.
//
// If-None-Match takes precedence over If-Modified-Since: a client that sent
// both is asking about the tag, and the date is ignored (§13.1.3). It also
// returns which field decided, for the explanation.
func evaluate(r *httpcore.Request, etag entityTag, modified time.Time) (precondition, string) {
	h := &r.Header
	safe := r.Method == "GET" || r.Method == "HEAD"
	if h.Has("If-Match") {
		if !etagListMatches(h.Values("If-Match"), etag, strongMatch) {
			return failed, "If-Match"
		}
	} else if t, ok := singleDate(h, "If-Unmodified-Since"); ok && modified.After(t) {
		return failed, "If-Unmodified-Since"
	}
	if h.Has("If-None-Match") {
		if etagListMatches(h.Values("If-None-Match"), etag, weakMatch) {
			if safe {
				return notModified, "If-None-Match"
			}
			return failed, "If-None-Match"
		}
	} else if t, ok := singleDate(h, "If-Modified-Since"); ok && safe && !modified.After(t) {
		return notModified, "If-Modified-Since"
	}
	return proceed, ""
}

// ifRangeMatches evaluates If-Range (RFC 9110 §13.1.5): an entity-tag must
// match strongly (a weak tag never does); an HTTP-date must equal the
// Last-Modified time exactly. Anything else is false, so the Range is
// ignored and the whole representation is sent.
func ifRangeMatches(v string, etag entityTag, modified time.Time) bool {
	v = strings.Trim(v, " \t")
	if t, ok := parseETag(v); ok {
		return strongMatch(t, etag)
	}
	t, ok := parseHTTPDate(v)
	return ok && t.Equal(modified)
}

// serveResource serves ResourcePath with its validators and honours the
// conditional fields of RFC 9110 §13 and the Range field of §14:
//
//	GET /resource HTTP/1.1
//	If-None-Match: "…the ETag of a 200…"
//
//	HTTP/1.1 304 Not Modified
//	ETag: "…"
//	Last-Modified: Wed, 01 Jan 2025 00:00:00 GMT
//
// If-Modified-Since with the Last-Modified date (or a later one) gives 304
// too, unless If-None-Match is present. Range alone gives 206 (or 416);
// with If-Range it gives 206 when the validator still matches and 200 with
// the whole content when it does not. If-Match and If-Unmodified-Since that
// fail give 412. Methods other than GET and HEAD get 405.
func serveResource(w *httpcore.ResponseWriter, r *httpcore.Request) {
	h := w.Header()
	if r.Method != "GET" && r.Method != "HEAD" {
		// RFC 9110 §13.2.1: preconditions are ignored when the response
		// without them would not be 2xx or 412.
		h.Set("Allow", "GET, HEAD")
		plain(w, 405, fmt.Sprintf("inspect: %s: %s is read-only; use GET or HEAD (RFC 9110 §15.5.6)\n", ResourcePath, r.Method))
		return
	}
	etag, _ := parseETag(ResourceETag)
	// The validators go on every answer, 304 included (RFC 9110 §15.4.5).
	h.Set("ETag", ResourceETag)
	h.Set("Last-Modified", ResourceModified.Format(httpDate))
	h.Set("Cache-Control", "no-cache") // store it, but ask again each time
	switch res, field := evaluate(r, etag, ResourceModified); res {
	case notModified:
		w.WriteHeader(304)
		return
	case failed:
		plain(w, 412, fmt.Sprintf("inspect: %s: the condition in %s is false for ETag %s, Last-Modified %s, so the request was not performed (RFC 9110 §13.2.2)\n",
			ResourcePath, field, ResourceETag, ResourceModified.Format(httpDate)))
		return
	}
	spec, has := r.Header.Lookup("Range")
	if v, ok := r.Header.Lookup("If-Range"); ok && has && !ifRangeMatches(v, etag, ResourceModified) {
		has = false // the representation changed: send it all (RFC 9110 §13.1.5)
	}
	serveBytes(w, RangeResource, spec, has)
}
