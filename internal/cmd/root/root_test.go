package root

import (
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/iostreams"
)

// run executes wirelab with args against buffers and returns the error and
// what was printed on stdout.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ios, _, out, _ := iostreams.Test()
	cmd := NewCmdRoot(ios)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestUnknownSubcommand(t *testing.T) {
	t.Setenv("LC_ALL", "C")
	tests := []struct {
		args string
		want string
	}{
		{"ws dail", `unknown command "dail" for "wirelab ws"; did you mean "dial"?`},
		{"ws d", `unknown command "d" for "wirelab ws"; did you mean "decode" or "dial"?`},
		{"htp", `unknown command "htp" for "wirelab"; did you mean "http" or "https"?`},
		{"http sevre", `unknown command "sevre" for "wirelab http"; did you mean "serve"?`},
		{"lessons shw 3", `unknown command "shw" for "wirelab lessons"; did you mean "show"?`},
		{"exercise inti http", `unknown command "inti" for "wirelab exercise"; did you mean "init"?`},
		{"check htpp", `unknown command "htpp" for "wirelab check"; did you mean "http"?`},
		{"poll srve", `unknown command "srve" for "wirelab poll"; did you mean "serve"?`},
		{"postmessage serv", `unknown command "serv" for "wirelab postmessage"; did you mean "serve"?`},
		{"completion bsh", `unknown command "bsh" for "wirelab completion"; did you mean "bash", "fish" or "zsh"?`},
		{"help ws dail", `unknown command "dail" for "wirelab ws"; did you mean "dial"?`},
		{"https zzzzzz", `unknown command "zzzzzz" for "wirelab https"; its commands are ca, impersonate, inspect, serve, sniff, tamper (see wirelab https --help)`},
	}
	for _, tt := range tests {
		out, err := run(t, strings.Fields(tt.args)...)
		if err == nil {
			t.Errorf("wirelab %s: got no error (stdout %q), want %q", tt.args, out, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("wirelab %s: got %q, want %q", tt.args, err, tt.want)
		}
	}
}

func TestUnknownSubcommandInChinese(t *testing.T) {
	t.Setenv("LC_ALL", "zh_CN.UTF-8")
	_, err := run(t, "ws", "dail")
	want := `“wirelab ws”没有子命令 "dail"；你想输入的是 "dial" 吗？`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

// A group without an argument still prints its help and succeeds, and a
// real subcommand still runs.
func TestGroupWithoutArgument(t *testing.T) {
	for _, args := range [][]string{{}, {"ws"}, {"lessons"}, {"ws", "--help"}, {"help", "ws"}, {"help", "ws", "dial"}, {"completion"}} {
		out, err := run(t, args...)
		if err != nil || !strings.Contains(out, "Usage:") {
			t.Errorf("wirelab %v: got %v and %q, want help and no error", args, err, out)
		}
	}
	out, err := run(t, "version")
	if err != nil || !strings.HasPrefix(out, "wirelab ") {
		t.Errorf("wirelab version: got %v and %q", err, out)
	}
}
