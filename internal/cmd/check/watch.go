package check

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/lessons"
	lcheck "github.com/wirelab/wirelab/lessons/check"
	"github.com/wirelab/wirelab/lessons/check/watch"
)

// validateWatch checks the flags that go with --watch and sets Dir from
// args.
func validateWatch(opts *Options, args []string) error {
	if !opts.Watch {
		if opts.Run != "" {
			return fmt.Errorf("--run %q needs --watch: wirelab check --watch --run %q starts your server and re-checks it on every save", opts.Run, opts.Run)
		}
		return nil
	}
	if opts.JSON {
		return errors.New("--watch and --json do not go together: --watch redraws a screen; run wirelab check --json once instead")
	}
	if len(args) == 1 {
		if opts.Run == "" {
			return fmt.Errorf("folder %q given without --run: the folder is where --run starts your server and what --watch watches; without --run, --watch re-checks a running server on Enter", args[0])
		}
		opts.Dir = args[0]
	}
	if opts.Run == "" {
		return nil
	}
	if opts.Dir == "" {
		opts.Dir = "."
	}
	fi, err := os.Stat(opts.Dir)
	if err != nil {
		return fmt.Errorf("folder %q: %w", opts.Dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%q is a file, not a folder: give the folder your server is in", opts.Dir)
	}
	return nil
}

// runWatch runs the watch loop until Ctrl-C (SIGINT or SIGTERM) or, without
// --run, until input ends.
func runWatch(ctx context.Context, opts *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	// The server runs in a process group of its own, so the terminal's
	// Ctrl-C reaches only wirelab, which stops the server before it exits.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := watchLoop(ctx, opts).Run(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// watchLoop builds the loop for opts: the check, the screen, and either the
// server and its folder or the Enter key.
func watchLoop(ctx context.Context, opts *Options) *watch.Loop {
	lang := opts.Lang
	if lang == "" {
		lang = lcheck.LangFromEnv()
	}
	screen := &watch.Screen{
		Out: opts.IO.Out, TTY: opts.IO.IsTTY, Lang: lang,
		Title: fmt.Sprintf("wirelab check %s %s --watch", opts.Kind, opts.Addr),
	}
	lo := lcheck.Options{Kind: opts.Kind, Addr: opts.Addr, Stage: opts.Stage, Lang: lang, Timeout: opts.Timeout}
	l := &watch.Loop{
		Check: func(ctx context.Context) (*lcheck.Report, error) { return lcheck.Run(ctx, lo) },
		Draw: func(r watch.Result) {
			screen.Draw(r)
			if r.Report != nil {
				recordStages(opts, r.Report)
			}
		},
	}
	if opts.Run != "" {
		_, port, _ := net.SplitHostPort(opts.Addr)
		l.Command, l.Dir, l.Addr, l.Env = opts.Run, opts.Dir, opts.Addr, []string{"PORT=" + port}
		screen.Dir = opts.Dir
	} else {
		l.Enter = lines(ctx, opts.IO.In)
	}
	return l
}

// lines sends a value for each line read from in, and closes the channel
// when in ends or ctx does.
func lines(ctx context.Context, in io.Reader) <-chan struct{} {
	ch := make(chan struct{})
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case ch <- struct{}{}:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// recordStages adds the stages rep passed to the progress file. A progress
// file that cannot be read or written is reported on ErrOut, and the check
// goes on.
func recordStages(opts *Options, rep *lcheck.Report) {
	var ids []string
	for _, s := range rep.Stages {
		if s.Passed {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	path := opts.ProgressFile
	if path == "" {
		var err error
		if path, err = lessons.DefaultProgressPath(os.Getenv); err != nil {
			i18n.New(lcheckLang(opts.Lang)).Fprintln(opts.IO.ErrOut, i18n.WatchNotRecorded, err)
			return
		}
	}
	p, err := lessons.LoadProgress(path)
	if err == nil {
		p.MarkStages(opts.Kind, ids...)
		err = p.Save(path)
	}
	if err != nil {
		i18n.New(lcheckLang(opts.Lang)).Fprintln(opts.IO.ErrOut, i18n.WatchNotRecordedIn, path, err)
	}
}

// lcheckLang is the checker's language: the --lang flag, else the
// environment's.
func lcheckLang(flag string) string {
	if flag != "" {
		return flag
	}
	return lcheck.LangFromEnv()
}
