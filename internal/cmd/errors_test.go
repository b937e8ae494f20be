package cmd

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/wirelab/wirelab/internal/iostreams"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestUsageErrorsInChinese runs wirelab with usage mistakes under --lang zh
// (or LANG=zh_CN.UTF-8) and wants the last line in Chinese, naming what was
// wrong; in English the same mistakes print cobra's own words.
func TestUsageErrorsInChinese(t *testing.T) {
	noEnv := env(nil)
	tests := []struct {
		args   string
		getenv func(string) string
		want   string // in the Chinese line
		wantEN string // in the English line
	}{
		{"lessons show --lang zh", noEnv, "需要 1 个参数，却收到 0 个", "accepts 1 arg(s), received 0"},
		{"lessons list --bogus --lang=zh", noEnv, "未知的选项：--bogus", "unknown flag: --bogus"},
		{"lessons list -x --lang zh", noEnv, "未知的短选项：-x", "unknown shorthand flag: 'x' in -x"},
		{"lessons quiz 3 --lang zh --seed", noEnv, "选项 --seed 缺少值", "flag needs an argument: --seed"},
		{"lessons quiz 3 --seed x --lang zh", noEnv, `"x" 不是合法的非负整数`, `invalid argument "x" for "--seed" flag`},
		{"lessons show nope --lang zh", noEnv, `没有课程 "nope"`, `unknown lesson "nope"`},
		{"lessons run", nil, "请给出一课", "give one lesson"}, // LANG=zh_CN.UTF-8
		{"check http --addr 9001 --stage nope --lang zh", noEnv, `没有 "nope" 这个阶段`, `has no stage "nope"`},
		{"ws decode --lang zh 81", noEnv, "输入在第 1 帧的第一个字节之后就结束了", "input ends after the first byte of frame 1"},
		{"ws decode --lang zh 8", noEnv, `十六进制组 "8" 的位数是奇数`, `hex group "8" has an odd number of digits`},
	}
	letters := regexp.MustCompile(`[A-Za-z]{4,}`)
	for _, tt := range tests {
		for _, zh := range []bool{true, false} {
			args := strings.Fields(tt.args)
			getenv := tt.getenv
			if getenv == nil {
				// The commands read the environment themselves.
				t.Setenv("LANG", "zh_CN.UTF-8")
				getenv = os.Getenv
			}
			want := tt.want
			if !zh {
				t.Setenv("LANG", "")
				getenv = noEnv
				want = tt.wantEN
				for i, a := range args {
					if a == "zh" || a == "--lang=zh" {
						args[i] = strings.Replace(a, "zh", "en", 1)
					}
				}
			}
			ios, _, _, errOut := iostreams.Test()
			if code := run(ios, args, getenv); code != 1 {
				t.Errorf("%v: exit code %d, want 1", args, code)
			}
			line, _, _ := strings.Cut(strings.TrimSpace(errOut.String()), "\n")
			if !strings.Contains(line, want) {
				t.Errorf("%v: got %q, want it to contain %q", args, line, want)
			}
			if !zh {
				continue
			}
			// Outside quoted values, flags, names and the list of valid
			// ones (stage ids), no English word.
			line = regexp.MustCompile(`可选的[^：]*：.*$`).ReplaceAllString(line, "")
			rest := regexp.MustCompile(`"[^"]*"|'[^']*'|--?[a-z-]+|\b[a-z]+-[a-z-]+\b|wirelab|websocket|RFC|HOST|PORT|check|client|server|any|http`).ReplaceAllString(line, "")
			if m := letters.FindString(rest); m != "" {
				t.Errorf("%v: English %q in %q", args, m, line)
			}
		}
	}
}

func TestLangOf(t *testing.T) {
	zhEnv := env(map[string]string{"LANG": "zh_CN.UTF-8"})
	tests := []struct {
		args   string
		getenv func(string) string
		want   string
	}{
		{"lessons list", env(nil), "en"},
		{"lessons list", zhEnv, "zh"},
		{"lessons list --lang zh", env(nil), "zh"},
		{"lessons list --lang=en", zhEnv, "en"},
		{"lessons list --lang fr", zhEnv, "en"},
		{"ws decode -- --lang zh", env(nil), "en"},
	}
	for _, tt := range tests {
		if got := langOf(strings.Fields(tt.args), tt.getenv); got != tt.want {
			t.Errorf("langOf(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestHelpInChinese: under --lang zh the course commands' help is Chinese,
// which also fails when a command's English description drifts from the
// catalogue's copy (localizeHelp matches it exactly).
func TestHelpInChinese(t *testing.T) {
	for _, args := range []string{"learn", "lessons list", "lessons show", "lessons run", "lessons quiz"} {
		ios, _, out, _ := iostreams.Test()
		if code := run(ios, append(strings.Fields(args), "--help", "--lang", "zh"), env(nil)); code != 0 {
			t.Fatalf("%s --help: exit code %d", args, code)
		}
		s := out.String()
		for _, want := range []string{"用法：", "选项：", "显示 "} {
			if !strings.Contains(s, want) {
				t.Errorf("%s --help lacks %q:\n%s", args, want, s)
			}
		}
		first, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
		if !regexp.MustCompile(`\p{Han}`).MatchString(first) {
			t.Errorf("%s --help: the description is not Chinese: %q", args, first)
		}
		if strings.Contains(s, "language: ") {
			t.Errorf("%s --help: the --lang flag is described in English:\n%s", args, s)
		}
	}
	ios, _, out, _ := iostreams.Test()
	run(ios, []string{"learn", "--help", "--lang", "en"}, env(nil))
	if !strings.Contains(out.String(), "Usage:") || !strings.HasPrefix(out.String(), "Walk through the course") {
		t.Errorf("English help changed:\n%s", out)
	}
}
