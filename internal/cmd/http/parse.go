package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/httpcore/annotate"
	"github.com/wirelab/wirelab/internal/iostreams"
)

// maxParseInput bounds what "wirelab http parse" reads: one message, whose
// body httpcore caps at 10 MiB, plus room for its head and what follows.
const maxParseInput = 16 << 20

// ParseOptions are the arguments and flags of "wirelab http parse".
type ParseOptions struct {
	IO *iostreams.IOStreams
	// File is the file holding the message, or "-" for standard input.
	File string
	// JSON prints the segments as JSON instead of the text view.
	JSON bool
	// CRLF turns every bare LF into CRLF before parsing, for files written
	// in an editor.
	CRLF bool
}

// NewCmdParse returns "wirelab http parse". runF replaces the behaviour in
// tests; nil runs runParse.
func NewCmdParse(ios *iostreams.IOStreams, runF func(*ParseOptions) error) *cobra.Command {
	opts := &ParseOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "parse [FILE|-]",
		Short: "Explain a raw HTTP/1.1 message byte by byte, with the RFC section for each part",
		Long: `Parse one raw HTTP/1.1 message with httpcore and explain every part of it:
the start line, each field line, the empty line and the body (or each chunk),
with its byte offset and the RFC section that defines it. A message starting
with "HTTP/" is read as a response, anything else as a request.

The verdict is httpcore's own: a message the server would reject is shown up
to the problem, and the command exits non-zero naming the byte offset and the
RFC section. Bytes after the message (a pipelined request) are counted, not
parsed.

HTTP/1.1 lines end in CRLF, and httpcore rejects a bare LF (RFC 9112 §2.2).
For a file written in an editor, --crlf turns every bare LF into CRLF first,
including any in the body: count the body's bytes after the conversion when
you write its Content-Length.`,
		Example: `  printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' | wirelab http parse
  wirelab http parse --crlf request.http
  curl -si http://127.0.0.1:8080/ | wirelab http parse --json -`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = "-"
			if len(args) == 1 {
				opts.File = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runParse(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the segments as JSON")
	cmd.Flags().BoolVar(&opts.CRLF, "crlf", false, "convert bare LF line endings to CRLF before parsing (for hand-written files)")
	return cmd
}

func runParse(opts *ParseOptions) error {
	data, err := readInput(opts)
	if err != nil {
		return err
	}
	if opts.CRLF {
		data = toCRLF(data)
	}
	a, perr := annotate.Annotate(data)
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		err = enc.Encode(a)
	} else {
		err = a.WriteText(opts.IO.Out)
	}
	if err != nil {
		return err
	}
	if perr == nil {
		return nil
	}
	var ae *annotate.AnnotateError
	if errors.As(perr, &ae) && ae.BareLF && !opts.CRLF {
		return fmt.Errorf("%w; the input has bare LF line endings: rerun with --crlf to convert them", perr)
	}
	return perr
}

// readInput reads the whole message from opts.File or standard input.
func readInput(opts *ParseOptions) ([]byte, error) {
	in := opts.IO.In
	if opts.File != "-" {
		f, err := os.Open(opts.File)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, maxParseInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxParseInput {
		return nil, fmt.Errorf("input is larger than %d MiB; parse reads one message", maxParseInput>>20)
	}
	return data, nil
}

// toCRLF returns data with every LF not preceded by CR turned into CRLF.
func toCRLF(data []byte) []byte {
	n := bytes.Count(data, []byte("\n")) - bytes.Count(data, []byte("\r\n"))
	if n == 0 {
		return data
	}
	out := make([]byte, 0, len(data)+n)
	for i, c := range data {
		if c == '\n' && (i == 0 || data[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}
