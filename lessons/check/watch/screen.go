package watch

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// clearScreen moves the cursor home and clears the terminal (ECMA-48 CUP
// and ED).
const clearScreen = "\x1b[H\x1b[2J"

// A Screen draws each Result of a Loop. On a terminal it clears the screen
// first, so the latest result is all there is to read; otherwise (a pipe, a
// file, a test) it separates the passes with a rule line.
type Screen struct {
	Out io.Writer
	// TTY says Out is a terminal.
	TTY bool
	// Lang is "en" or "zh".
	Lang string
	// Title is the first line, such as "wirelab check http 127.0.0.1:8080".
	Title string
	// Dir is the folder watched, named in the footer; "" means the loop
	// re-checks on Enter instead.
	Dir string
	// Now stamps each pass; nil means time.Now.
	Now func() time.Time
}

func (s *Screen) tr(en, zh string) string {
	if s.Lang == "zh" {
		return zh
	}
	return en
}

// Draw writes one pass:
//
//	wirelab check ws 127.0.0.1:9001 · run 2 · 20:41:07 · server.py changed
//
//	✓ tcp               connected to 127.0.0.1:9001
//	✗ handshake         want status 101, got 200
//	· accept-key        pending
//
//	--- handshake: want status 101, got 200
//	sent (…), received (…) with a caret, rule: RFC 6455 §4.2.2, hint: …
//
//	watching . for changes (Ctrl-C stops)
func (s *Screen) Draw(r Result) {
	var b strings.Builder
	switch {
	case s.TTY:
		b.WriteString(clearScreen)
	case r.Run > 1:
		b.WriteString("\n" + strings.Repeat("═", 64) + "\n\n")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	fmt.Fprintf(&b, s.tr("%s · run %d · %s", "%s · 第 %d 次 · %s"), s.Title, r.Run, now().Format("15:04:05"))
	if r.Changed != "" {
		fmt.Fprintf(&b, s.tr(" · %s changed", " · %s 已修改"), filepath.Base(r.Changed))
	}
	b.WriteString("\n\n")
	if r.Report != nil {
		for _, st := range r.Report.Stages {
			mark, msg := s.paint(green, "✓"), st.Message
			switch {
			case st.Skipped:
				mark, msg = "·", s.tr("pending", "待检查")
			case !st.Passed:
				mark = s.paint(red, "✗")
			}
			fmt.Fprintf(&b, "%s %-17s %s\n", mark, st.ID, msg)
		}
		_ = r.Report.WriteSummary(&b)
	}
	if r.Err != nil {
		b.WriteString(s.explain(r.Err))
	}
	failed := r.Err != nil || r.Report != nil && !r.Report.Passed
	if failed && strings.TrimSpace(r.Output) != "" {
		b.WriteString(s.tr("\nyour server printed (last lines):\n", "\n你的服务器输出（最后几行）：\n"))
		for _, line := range lastLines(r.Output, 12) {
			b.WriteString("  │ " + line + "\n")
		}
	}
	b.WriteString("\n")
	if s.Dir != "" {
		fmt.Fprintf(&b, s.tr("watching %s: save a file to restart your server and check again (Ctrl-C stops)\n",
			"正在监视 %s：保存文件即重启服务器并重新检查（Ctrl-C 退出）\n"), s.Dir)
	} else {
		b.WriteString(s.tr("press Enter to check again (Ctrl-C stops)\n", "按回车重新检查（Ctrl-C 退出）\n"))
	}
	io.WriteString(s.Out, b.String())
}

// SGR colours for the marks on a terminal.
const (
	green = "\x1b[32m"
	red   = "\x1b[31m"
	reset = "\x1b[0m"
)

// paint colours text on a terminal and leaves it plain elsewhere.
func (s *Screen) paint(colour, text string) string {
	if !s.TTY {
		return text
	}
	return colour + text + reset
}

// explain says, in the screen's language, why the check did not run.
func (s *Screen) explain(err error) string {
	var exit *ExitError
	var busy *BusyError
	switch {
	case errors.As(err, &exit):
		status := s.tr("it exited", "它退出了")
		if exit.Err != nil {
			status = exit.Err.Error()
		}
		return fmt.Sprintf(s.tr("✗ your server (%s) stopped before it accepted a connection: %s.\n  Read what it printed below, fix it and save.\n",
			"✗ 你的服务器（%s）在接受连接之前就停止了：%s。\n  看看下面它的输出，改好后保存。\n"), exit.Command, status)
	case errors.As(err, &busy):
		return fmt.Sprintf(s.tr("✗ something already listens on %s, so your server could not use it and the checker would test the wrong program.\n  Stop the other server (or choose another port with --addr), then save a file to try again.\n",
			"✗ %s 上已经有程序在监听：你的服务器用不了这个端口，检查器也会测错程序。\n  先停掉那个程序（或用 --addr 换一个端口），再保存文件重试。\n"), busy.Addr)
	case errors.Is(err, ErrPortTimeout):
		return fmt.Sprintf(s.tr("✗ your server did not accept a connection in time: %v.\n  Does it listen on the port in $PORT, on 127.0.0.1?\n",
			"✗ 你的服务器没有及时接受连接：%v。\n  它是否在 127.0.0.1 上监听 $PORT 指定的端口？\n"), err)
	}
	return "✗ " + err.Error() + "\n"
}

func lastLines(s string, n int) []string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[max(0, len(lines)-n):]
}
