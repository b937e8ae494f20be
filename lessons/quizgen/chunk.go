package quizgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/httpcore"
	"github.com/wirelab/wirelab/internal/i18n"
)

// ChunkSize asks for the chunk-size line of a chunked body (RFC 9112 §7.1):
// a handler on the httpcore server flushes its header, then writes a random
// number of bytes at once, which go out as one chunk.
var ChunkSize = register(Generator{
	ID:        "chunk-size",
	Params:    []string{"size", "answer", "addr"},
	Form:      i18n.QuizFormChunk,
	Normalize: normalizeHex,
	Remark: func(in *Instance, typed string) (i18n.Key, bool) {
		if strings.TrimSpace(typed) == in.Params["size"] {
			return i18n.QuizRemarkChunkDecimal, true
		}
		return 0, false
	},
	New: newChunkSize,
})

func newChunkSize(ctx context.Context, r *rand.Rand) (*Instance, error) {
	size := 200 + r.IntN(3800)
	addr, resp, err := chunked(ctx, size)
	if err != nil {
		return nil, err
	}
	head, rest, _ := bytes.Cut(resp, []byte("\r\n\r\n"))
	line, data, _ := bytes.Cut(rest, []byte("\r\n"))
	answer := strconv.FormatInt(int64(size), 16)
	if string(line) != answer || len(data) < size {
		return nil, fmt.Errorf("quizgen: a %d-byte write went out as chunk %q, want one chunk of %s (hex)", size, line, answer)
	}
	show := showLines("← ", append(head, "\r\n\r\n"...)) + "\n" +
		"← ??␍␊\n" +
		"← " + string(data[:16]) + "… (" + strconv.Itoa(size) + ")␍␊\n" +
		showLines("← ", data[size+2:])
	return &Instance{
		Params: map[string]string{"size": strconv.Itoa(size), "answer": answer, "addr": addr},
		Show:   show,
		Work:   fmt.Sprintf("  python3 -c 'print(format(%d, \"x\"))'\n  %s", size, answer),
		Answer: answer,
	}, nil
}

// chunked asks a server on 127.0.0.1 whose handler flushes, then writes size
// bytes, and returns the raw response.
func chunked(ctx context.Context, size int) (addr string, resp []byte, err error) {
	c, stop, err := serve(ctx, httpcore.HandlerFunc(func(w *httpcore.ResponseWriter, r *httpcore.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Flush() // the header goes out first, so the length is not known: chunked
		w.Write(bytes.Repeat([]byte("a"), size))
	}), nil)
	if err != nil {
		return "", nil, err
	}
	defer stop()
	addr = c.RemoteAddr().String()
	if _, err := io.WriteString(c, "GET /chunk HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n"); err != nil {
		return "", nil, err
	}
	resp, err = io.ReadAll(c)
	return addr, resp, err
}

// normalizeHex reads a hexadecimal number, 0x allowed, in any case, and
// returns it in lower case without leading zeros.
func normalizeHex(s string) (string, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	s = strings.TrimPrefix(s, "0x")
	if s == "" || len(s) > 8 {
		return "", false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return "", false
	}
	return strconv.FormatUint(v, 16), true
}
