// Package httptext says what the HTTP engine writes in English, its
// annotated view of a message (annotate.Annotation.WriteText), in the
// learner's language, through the catalogue of internal/i18n. The engine
// keeps one language; the lessons' HTTP demos print through this package:
//
//	a, _ := annotate.Annotate([]byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
//	httptext.WriteAnnotation(os.Stdout, a, i18n.New("zh"))
//	//  0  request-line  GET / HTTP/1.1\r\n  方法 GET，目标 "/"（origin-form），版本 HTTP/1.1（RFC 9112 §3）
//	// 16  field         Host: a\r\n         Host = "a"——HTTP/1.1 中必须出现且只出现一次（RFC 9112 §3.2）
//	// ...
package httptext

import (
	"bytes"
	"io"
	"regexp"
	"strings"

	"github.com/wirelab/wirelab/httpcore/annotate"
	"github.com/wirelab/wirelab/internal/i18n"
)

// noteKeys are the texts a segment's note is made of, the longer forms
// before the ones they contain (see i18n.Translator).
var noteKeys = []i18n.Key{
	i18n.HTTrailerField, i18n.HTField, i18n.HTProblemSection, i18n.HTProblem, i18n.HTChunkExt,
	i18n.HTStatusUnregistered, i18n.HTStatusLine, i18n.HTRequestLine, i18n.HTRequestLineSyntax,
	i18n.HTStatusLineSyntax, i18n.HTNoBodyFollows, i18n.HTNoBodyRequest, i18n.HTNoBodyBecause,
	i18n.HTBytesCLShort, i18n.HTBytesCL, i18n.HTReadUntilClose, i18n.HTChunkDataShort, i18n.HTChunkData,
	i18n.HTChunkSize, i18n.HTLastChunk, i18n.HTChunkEnd, i18n.HTFinalCRLF, i18n.HTEmptyLineIgnored,
	i18n.HTEndsHeader, i18n.HTTrailing, i18n.HTIncompleteLine,
	// What a field is for.
	i18n.HTHostReq, i18n.HTHostResp, i18n.HTBodyLength, i18n.HTTransferCodings, i18n.HTChunkedLast,
	i18n.HTConnClose, i18n.HTConnKeepAlive, i18n.HTConnOptions, i18n.HTContentType, i18n.HTContentEncoding,
	i18n.HTUserAgent, i18n.HTServerSoftware, i18n.HTAccept, i18n.HTAcceptEncoding, i18n.HTExpect, i18n.HTDate,
	i18n.HTTrailer, i18n.HTUpgrade, i18n.HTLocation, i18n.HTCacheControl, i18n.HTAuthorization, i18n.HTOtherField,
	// Pieces.
	i18n.HTClass1, i18n.HTClass2, i18n.HTClass3, i18n.HTClass4, i18n.HTClass5,
	i18n.HTNoCLTE, i18n.HTTENotChunked, i18n.HTChunkWord, i18n.HTChunksWord,
	i18n.HTTrailPipelinedReq, i18n.HTTrailLineEndings, i18n.HTTrailFinalResp, i18n.HTTrailPipelinedResp,
	i18n.HTNo1xx, i18n.HTNo204, i18n.HTNo304,
	i18n.HTInputEmpty, i18n.HTNoEmptyLine, i18n.HTChunkedStops, i18n.HTBodyShort, i18n.HTBodyIncomplete,
}

// rawCut is how the raw column ends a long body: "...(+12 bytes)".
var rawCut = regexp.MustCompile(`\.\.\.\(\+\d+ bytes\)`)

// WriteAnnotation writes a as annotate.Annotation.WriteText does, in p's
// language: the notes are translated, the offsets, kinds and raw bytes
// stay. It returns the notes it found no translation for (shown as they
// are), so a test can tell when the engine says something new.
func WriteAnnotation(w io.Writer, a *annotate.Annotation, p i18n.Printer) (missed []string, err error) {
	if p.Lang() == i18n.English {
		return nil, a.WriteText(w)
	}
	var buf bytes.Buffer
	if err := a.WriteText(&buf); err != nil {
		return nil, err
	}
	notes := make([]string, 0, len(a.Segments)+1)
	for _, s := range a.Segments {
		notes = append(notes, s.Note)
	}
	if a.Trailing > 0 {
		notes = append(notes, a.TrailingNote)
	}
	tr, cut := p.Translator(noteKeys...), p.Translator(i18n.WSCut)
	lines := strings.SplitAfter(buf.String(), "\n")
	var b strings.Builder
	for i, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		if i >= len(notes) || notes[i] == "" || !strings.HasSuffix(body, notes[i]) {
			b.WriteString(line)
			continue
		}
		prefix := rawCut.ReplaceAllStringFunc(strings.TrimSuffix(body, notes[i]), func(m string) string {
			s, _ := cut.Translate(m)
			return s
		})
		note, ok := tr.Translate(notes[i])
		if !ok {
			missed = append(missed, notes[i])
		}
		b.WriteString(prefix + note + line[len(body):])
	}
	_, err = io.WriteString(w, b.String())
	return missed, err
}
