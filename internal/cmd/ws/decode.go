package ws

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/internal/wstext"
	"github.com/wirelab/wirelab/lessons"
	"github.com/wirelab/wirelab/lessons/diagram"
	"github.com/wirelab/wirelab/websocket/wsdecode"
)

// maxDecodeInput bounds the hex that "wirelab ws decode" reads from standard
// input: 64 MiB of text, 32 MiB of frames.
const maxDecodeInput = 64 << 20

// DecodeOptions are the arguments and flags of "wirelab ws decode".
type DecodeOptions struct {
	IO *iostreams.IOStreams
	// Hex is the frames in hex, or "-" to read them from standard input.
	Hex string
	// From says who sent the frames: "client", "server" or "any".
	From string
	// JSON prints the decoded frames as JSON instead of the text view.
	JSON bool
	// Bits adds each frame header drawn as RFC 6455 §5.2's bit diagram.
	Bits bool
	// Deflate reads RSV1 as permessage-deflate (RFC 7692) and shows
	// compressed messages inflated.
	Deflate bool
	// Lang is "en" or "zh" for the explanation (the JSON stays English);
	// empty takes it from LC_ALL, LC_MESSAGES or LANG.
	Lang string
}

// NewCmdDecode returns "wirelab ws decode". runF replaces the behaviour in
// tests; nil runs runDecode.
func NewCmdDecode(ios *iostreams.IOStreams, runF func(*DecodeOptions) error) *cobra.Command {
	opts := &DecodeOptions{IO: ios}
	cmd := &cobra.Command{
		Use:   "decode [HEX...|-]",
		Short: i18n.Pair(i18n.HelpWSDecodeShort)[0],
		Long:  i18n.Pair(i18n.HelpWSDecodeLong)[0],
		Example: `  wirelab ws decode 81 05 48 65 6c 6c 6f                 # RFC 6455 §5.7: "Hello"
  wirelab ws decode 81 85 37 fa 21 3d 7f 9f 4d 51 58     # the same, masked
  wirelab ws decode '01 03 48 65 6c 80 02 6c 6f'         # fragmented
  echo 0x88 0x02 0x03 0xe8 | wirelab ws decode --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "-" && len(args) > 1 {
					return decodeError(fmt.Errorf(`"-" (standard input) cannot be combined with hex arguments`), decodePrinter(opts.Lang))
				}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Hex = "-"
			if len(args) > 0 {
				opts.Hex = strings.Join(args, " ")
			}
			if _, err := lessons.ResolveLang(opts.Lang, os.Getenv); err != nil {
				return err
			}
			if _, err := parseSender(opts.From); err != nil {
				return decodeError(err, decodePrinter(opts.Lang))
			}
			if runF != nil {
				return runF(opts)
			}
			return runDecode(opts)
		},
	}
	cmd.Flags().StringVar(&opts.From, "from", "any", i18n.Pair(i18n.FlagWSDecodeFrom)[0])
	cmd.Flags().BoolVar(&opts.JSON, "json", false, i18n.Pair(i18n.FlagWSDecodeJSON)[0])
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return senderFlagHint(err, lessons.LangFromEnv(os.Getenv))
	})
	cmd.Flags().BoolVar(&opts.Deflate, "deflate", false, i18n.Pair(i18n.FlagWSDecodeDeflate)[0])
	cmd.Flags().BoolVar(&opts.Bits, "bits", false, i18n.Pair(i18n.FlagWSDecodeBits)[0])
	cmd.Flags().StringVar(&opts.Lang, "lang", "", i18n.Pair(i18n.FlagDecodeLang)[0])
	return cmd
}

// senders are the values of --from, with what each means (RFC 6455 §5.1).
var senders = []struct {
	name string
	what i18n.Key
}{
	{"client", i18n.DecodeSenderClient},
	{"server", i18n.DecodeSenderServer},
	{"any", i18n.DecodeSenderAny},
}

// senderFlagHint turns a guessed flag for the sender, such as
// "unknown flag: --server", into an error that names the flag to use:
//
//	unknown flag --server: use --from server (a server's frames, which
//	must not be masked); --from takes client, server or any (RFC 6455 §5.1)
//
// Any other flag error is returned as it is.
func senderFlagHint(err error, lang string) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return err
	}
	name, _, _ = strings.Cut(name, "=")
	p := i18n.New(lang)
	for _, s := range senders {
		if s.name == name {
			return p.Errorf(i18n.DecodeUseFrom, name, s.name, p.Sprintf(s.what))
		}
	}
	switch name {
	case "sender", "side", "direction", "role", "mask", "masked", "unmasked":
	default:
		return err
	}
	var choices []string
	for _, s := range senders {
		choices = append(choices, p.Sprintf(i18n.DecodeFromChoice, s.name, p.Sprintf(s.what)))
	}
	return p.Errorf(i18n.DecodeSayFrom, name, strings.Join(choices, p.Sprintf(i18n.ListSepStrong)))
}

func parseSender(s string) (wsdecode.Sender, error) {
	switch s {
	case "any", "":
		return wsdecode.SenderUnknown, nil
	case "client":
		return wsdecode.SenderClient, nil
	case "server":
		return wsdecode.SenderServer, nil
	}
	return 0, fmt.Errorf("--from %q: want client, server or any", s)
}

// decodePrinter is the message printer for the --lang flag; English when
// the flag is not a course language (that error is reported on its own).
func decodePrinter(flag string) i18n.Printer {
	lang, _ := lessons.ResolveLang(flag, os.Getenv)
	return i18n.New(lang)
}

func runDecode(opts *DecodeOptions) error {
	p := decodePrinter(opts.Lang)
	return decodeError(decode(opts, p), p)
}

func decode(opts *DecodeOptions, p i18n.Printer) error {
	text := opts.Hex
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(opts.IO.In, maxDecodeInput+1))
		if err != nil {
			return err
		}
		if len(b) > maxDecodeInput {
			return fmt.Errorf("input is larger than %d MiB of hex", maxDecodeInput>>20)
		}
		text = string(b)
	}
	data, err := parseHex(text)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return fmt.Errorf("no frames: give the bytes in hex, such as 81 05 48 65 6c 6c 6f")
	}
	from, err := parseSender(opts.From)
	if err != nil {
		return err
	}
	d, derr := wsdecode.DecodeFrames(data, wsdecode.DecodeOptions{From: from, Deflate: opts.Deflate})
	if opts.JSON {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		err = enc.Encode(d)
	} else {
		_, err = wstext.WriteDecoding(opts.IO.Out, d, p)
	}
	for _, f := range d.Frames {
		if h := data[f.Offset:]; opts.Bits && !opts.JSON && err == nil && f.HeaderLen > 0 && f.HeaderLen <= len(h) {
			fmt.Fprintf(opts.IO.Out, "\nframe at byte %d:\n", f.Offset)
			err = diagram.FrameHeader(opts.IO.Out, h[:f.HeaderLen], diagram.Options{Lang: string(p.Lang())})
		}
	}
	if err != nil {
		return err
	}
	return derr
}

// parseHex reads bytes written in hex. Whitespace and commas separate
// groups; a group may start with 0x, 0X or \x and holds an even number of
// hex digits ("81", "0x7e", "0000000000010000").
func parseHex(s string) ([]byte, error) {
	var out []byte
	groups := strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == ','
	})
	for _, g := range groups {
		digits := g
		for _, p := range []string{"0x", "0X", `\x`} {
			if strings.HasPrefix(digits, p) {
				digits = digits[len(p):]
				break
			}
		}
		if digits == "" {
			return nil, fmt.Errorf("hex group %q has no digits", g)
		}
		if len(digits)%2 != 0 {
			return nil, fmt.Errorf("hex group %q has an odd number of digits (each byte takes two)", g)
		}
		for i := 0; i < len(digits); i += 2 {
			hi, ok1 := unhex(digits[i])
			lo, ok2 := unhex(digits[i+1])
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("hex group %q: %q is not a hex byte (byte %d of the input)", g, digits[i:i+2], len(out))
			}
			out = append(out, hi<<4|lo)
		}
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
