package httptext

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/httpcore/annotate"
	"github.com/wirelab/wirelab/internal/i18n"
)

// corpus makes the engine say each of its notes.
var corpus = []string{
	"POST /hello?lang=go HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
	"\r\nGET / HTTP/1.1\r\nHost: a\r\nUser-Agent: x\r\nAccept: */*\r\nAccept-Encoding: gzip\r\nAuthorization: Basic eA==\r\nCache-Control: no-cache\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nX-Other: 1\r\n\r\n",
	"OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
	"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
	"GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\n\r\n\n",
	"HTTP/1.1 200 OK\r\nHost: a\r\nServer: x\r\nDate: Mon, 07 Dec 2026 20:54:19 GMT\r\nContent-Encoding: gzip\r\nContent-Length: 2\r\n\r\nok",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n4;x=1\r\naaaa\r\n0;y=2\r\nX-Sum: 1\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + "30\r\n" + strings.Repeat("b", 48) + "\r\n0\r\n\r\n",
	"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
	"HTTP/1.1 304 Not Modified\r\nLocation: /x\r\n\r\n",
	"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n",
	"HTTP/1.1 299 Whatever\r\nContent-Length: 0\r\n\r\n",
	"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: gzip\r\n\r\nabc",
	"HTTP/1.1 500 Internal Server Error\r\n\r\nabc",
	"HTTP/1.1 301 Moved Permanently\r\nLocation: /y\r\nContent-Length: 10\r\n\r\nabc",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\naa",
	"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\naaaa\r\n",
	"GET / HTTP/1.1\r\nHost: a\r\n",
	"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
	"GET /\r\n\r\n",
	"",
}

// english matches words of the engine's English notes outside quoted
// values, field names and RFC rule names.
var english = regexp.MustCompile(`\b(the|bytes?|length|from|body|message|field|header|section|ends?|client|server|none|required|chunk|chunks|version|method|target|status|incomplete|input|PROBLEM)\b`)

func TestAnnotationInChinese(t *testing.T) {
	zh := i18n.New("zh")
	for _, msg := range corpus {
		a, _ := annotate.Annotate([]byte(msg))
		var out bytes.Buffer
		missed, err := WriteAnnotation(&out, a, zh)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range missed {
			t.Errorf("%q: no translation for %q", msg, m)
		}
		tr := zh.Translator(noteKeys...)
		for _, seg := range a.Segments {
			note, _ := tr.Translate(seg.Note)
			if a.Err != nil && strings.HasPrefix(seg.Note, "PROBLEM") {
				// The engine's own parse error is quoted as it is.
				note = strings.Replace(note, a.Err.Msg, "", 1)
			}
			note = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|[A-Za-z]+(?:-[A-Za-z]+)+:?|RFC \d+ §[\d.]+( rule \d)?`).ReplaceAllString(note, "")
			if m := english.FindString(note); m != "" {
				t.Errorf("%q: English %q in note %q", msg, m, note)
			}
		}
	}
}

func TestAnnotationEnglishUnchanged(t *testing.T) {
	a, _ := annotate.Annotate([]byte(corpus[0]))
	var want, got bytes.Buffer
	a.WriteText(&want)
	if _, err := WriteAnnotation(&got, a, i18n.New("en")); err != nil || got.String() != want.String() {
		t.Errorf("got %q, %v; want the engine's text %q", got.String(), err, want.String())
	}
}
