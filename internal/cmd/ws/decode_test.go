package ws

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/cmd/cmdtest"
	"github.com/wirelab/wirelab/internal/iostreams"
	"github.com/wirelab/wirelab/websocket"
)

func TestNewCmdDecodeFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		want    DecodeOptions
		wantErr bool
	}{
		{"stdin by default", "", DecodeOptions{Hex: "-", From: "any"}, false},
		{"dash is stdin", "-", DecodeOptions{Hex: "-", From: "any"}, false},
		{"one argument", "810548656c6c6f", DecodeOptions{Hex: "810548656c6c6f", From: "any"}, false},
		{"bytes as arguments", "81 05 48 65", DecodeOptions{Hex: "81 05 48 65", From: "any"}, false},
		{"json", "--json 81 00", DecodeOptions{Hex: "81 00", From: "any", JSON: true}, false},
		{"from client", "--from client 81 80 00 00 00 00", DecodeOptions{Hex: "81 80 00 00 00 00", From: "client"}, false},
		{"deflate", "--deflate c1 07", DecodeOptions{Hex: "c1 07", From: "any", Deflate: true}, false},
		{"from server", "--from server", DecodeOptions{Hex: "-", From: "server"}, false},
		{"bad from", "--from browser 81 00", DecodeOptions{}, true},
		{"dash and hex", "- 81 00", DecodeOptions{}, true},
		{"unknown flag", "--mask 81 00", DecodeOptions{}, true},
	}
	for _, tt := range tests {
		ios, _, _, _ := iostreams.Test()
		var got *DecodeOptions
		err := cmdtest.Execute(NewCmdDecode(ios, func(o *DecodeOptions) error { got = o; return nil }), tt.args)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: got error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if tt.wantErr {
			continue
		}
		tt.want.IO = ios
		if *got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, *got, tt.want)
		}
	}
}

func TestParseHex(t *testing.T) {
	tests := []struct {
		in      string
		want    string // hex of the bytes
		wantErr string
	}{
		{"81 05 48 65 6c 6c 6f", "810548656c6c6f", ""},
		{"810548656c6c6f", "810548656c6c6f", ""},
		{"82 7E 0100", "827e0100", ""},
		{"82 7F 0000000000010000", "827f0000000000010000", ""},
		{"0x81 0x05,0X48\n\\x65\r\n\t6c", "810548656c", ""},
		{"", "", ""},
		{"8", "", `hex group "8" has an odd number of digits`},
		{"81 zz", "", `hex group "zz": "zz" is not a hex byte (byte 1 of the input)`},
		{"0x", "", `hex group "0x" has no digits`},
	}
	for _, tt := range tests {
		got, err := parseHex(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: got error %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || hexOf(got) != tt.want {
			t.Errorf("%q: got %s, %v; want %s", tt.in, hexOf(got), err, tt.want)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	var s strings.Builder
	for _, c := range b {
		s.WriteByte(digits[c>>4])
		s.WriteByte(digits[c&15])
	}
	return s.String()
}

func TestRunDecode(t *testing.T) {
	tests := []struct {
		name    string
		opts    DecodeOptions
		stdin   string
		wantOut []string // line prefixes, in order
		wantErr string   // the whole error line, after "wirelab: "
	}{
		{
			name: "RFC 6455 §5.7 masked Hello",
			opts: DecodeOptions{Hex: "81 85 37 fa 21 3d 7f 9f 4d 51 58", From: "any"},
			wantOut: []string{
				"frame 1 at byte 0: text, FIN, masked, 6-byte header, 5-byte payload",
				"0  fin-rsv-opcode  81              FIN=1 (final frame), RSV=000, opcode=0x1 text (RFC 6455 §5.2)",
				"1  mask-len        85              MASK=1",
				"2  masking-key     37 fa 21 3d     key 37fa213d",
				`6  payload         7f 9f 4d 51 58  "Hello" (unmasked)`,
				`message 1 at byte 0: text, 1 frame, 5 bytes: "Hello"`,
			},
		},
		{
			name:  "fragmented, from stdin with 0x",
			opts:  DecodeOptions{Hex: "-", From: "server"},
			stdin: "0x01 0x03 0x48 0x65 0x6c\n0x80 0x02 0x6c 0x6f\n",
			wantOut: []string{
				"frame 1 at byte 0: text, not FIN, unmasked",
				"frame 2 at byte 5: continuation, FIN, unmasked",
				`message 1 at byte 0: text, 2 frames (fragmented, RFC 6455 §5.4), 5 bytes: "Hello"`,
			},
		},
		{
			name:    "masked from a server",
			opts:    DecodeOptions{Hex: "81 85 37 fa 21 3d 7f 9f 4d 51 58", From: "server"},
			wantOut: []string{"frame 1 at byte 0", "0  fin-rsv-opcode", "1  mask-len        85           MASK=1 (masked, as a client must: RFC 6455 §5.3), payload len=5, 7-bit form (RFC 6455 §5.2); invalid: masked frame from a server"},
			wantErr: "websocket: masked frame from a server (servers MUST NOT mask) at byte 1 (RFC 6455 §5.1)",
		},
		{
			name:    "header only",
			opts:    DecodeOptions{Hex: "82 7E 0100", From: "any"},
			wantOut: []string{"frame 1 at byte 0: binary", "0  fin-rsv-opcode", "1  mask-len", "2  ext-len-16      01 00  payload length 256, 16-bit form", "4  payload                truncated: 0 of 256 bytes present"},
			wantErr: "websocket: input ends inside the payload of frame 1 (256 bytes declared, 0 present) at byte 4 (RFC 6455 §5.2)",
		},
		{
			name:    "bad hex",
			opts:    DecodeOptions{Hex: "81 0g", From: "any"},
			wantErr: `hex group "0g": "0g" is not a hex byte (byte 1 of the input)`,
		},
		{
			name:    "nothing",
			opts:    DecodeOptions{Hex: "-", From: "any"},
			stdin:   " \n",
			wantErr: "no frames: give the bytes in hex, such as 81 05 48 65 6c 6c 6f",
		},
	}
	for _, tt := range tests {
		ios, in, out, _ := iostreams.Test()
		in.WriteString(tt.stdin)
		opts := tt.opts
		opts.IO = ios
		err := runDecode(&opts)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != tt.wantErr {
			t.Errorf("%s: got error %q, want %q", tt.name, gotErr, tt.wantErr)
		}
		if strings.Contains(gotErr, "\n") {
			t.Errorf("%s: the error spans lines: %q", tt.name, gotErr)
		}
		inOrder(t, strings.Split(out.String(), "\n"), tt.wantOut...)
	}
}

func TestRunDecodeJSON(t *testing.T) {
	ios, _, out, _ := iostreams.Test()
	err := runDecode(&DecodeOptions{IO: ios, Hex: "89 05 48 65 6c 6c 6f 8b 00", From: "any", JSON: true})
	var fe *websocket.FrameError
	if !errors.As(err, &fe) || fe.Offset != 7 || fe.Section != "§5.2" {
		t.Fatalf("got %v, want a reserved-opcode FrameError at byte 7", err)
	}
	var v struct {
		Frames []struct {
			Opcode  string `json:"opcode_name"`
			Payload string `json:"payload"`
		} `json:"frames"`
		Error struct {
			Offset  int    `json:"offset"`
			Section string `json:"section"`
		} `json:"error"`
	}
	if err := json.Unmarshal(out.Bytes(), &v); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if len(v.Frames) != 2 || v.Frames[0].Opcode != "ping" || v.Frames[0].Payload != "Hello" || v.Error.Offset != 7 || v.Error.Section != "RFC 6455 §5.2" {
		t.Errorf("got %+v", v)
	}
}

// A learner who guesses --server (or --client, --sender …) for who sent the
// frames is pointed to --from; other flag errors stay as pflag words them.
func TestDecodeSenderFlagHint(t *testing.T) {
	tests := []struct {
		lang, args, want string
	}{
		{"C", "--server 81 00", `unknown flag --server: use --from server (a server's frames, which must not be masked); --from takes client, server or any (RFC 6455 §5.1)`},
		{"C", "--client=yes 81 00", `unknown flag --client: use --from client (a client's frames, which must be masked); --from takes client, server or any (RFC 6455 §5.1)`},
		{"C", "--any 81 00", `unknown flag --any: use --from any (the default: each frame's MASK bit decides); --from takes client, server or any (RFC 6455 §5.1)`},
		{"C", "--sender 81 00", `unknown flag --sender: say who sent the frames with --from: --from client (a client's frames, which must be masked); --from server (a server's frames, which must not be masked); --from any (the default: each frame's MASK bit decides) (RFC 6455 §5.1)`},
		{"C", "--bogus 81 00", `unknown flag: --bogus`},
		{"C", "-s 81 00", `unknown shorthand flag: 's' in -s`},
		{"zh_CN.UTF-8", "--server 81 00", `没有 --server 这个选项：请用 --from server（服务器发的帧，不得加掩码）；--from 的取值有 client、server 和 any（RFC 6455 §5.1）`},
	}
	for _, tt := range tests {
		t.Setenv("LC_ALL", tt.lang)
		ios, _, _, _ := iostreams.Test()
		ran := false
		err := cmdtest.Execute(NewCmdDecode(ios, func(*DecodeOptions) error { ran = true; return nil }), tt.args)
		if ran || err == nil || err.Error() != tt.want {
			t.Errorf("%s %s: got %v (ran %v), want %q", tt.lang, tt.args, err, ran, tt.want)
		}
	}
}
