// Package watch runs the checker of lessons/check in a loop, as rustlings
// and the CodeCrafters CLI do: it starts the learner's server, waits for its
// port, checks it stage by stage and draws the result; then, on every saved
// change to the server's files, it restarts the server and checks again.
//
// The parts are usable on their own:
//
//   - Start runs a command in its own process group; Process.Stop ends the
//     whole group (a shell, the interpreter it started, any children) and
//     waits for it, so nothing is left listening on the port.
//   - WaitPort dials an address until it accepts, the process exits or a
//     deadline passes.
//   - Changes watches a folder tree with fsnotify and sends one value per
//     burst of events (an editor's save is several events).
//   - Screen draws each pass: passed stages ticked, the first failing
//     stage with its bytes, caret, RFC section and hint (check's own
//     WriteSummary), the rest pending, and what the server printed. On a
//     terminal it clears the screen first; elsewhere it writes a rule line
//     between passes and no escape codes.
//
// Loop ties them together under one context: cancelling it stops the
// server and the watcher, and Loop returns only when both are gone.
//
//	err := (&watch.Loop{
//		Check:   func(ctx context.Context) (*check.Report, error) { return check.Run(ctx, opts) },
//		Command: "python3 server.py",
//		Dir:     "http-python",
//		Addr:    "127.0.0.1:8080",
//		Env:     []string{"PORT=8080"},
//		Draw:    (&watch.Screen{Out: os.Stdout, TTY: isTTY, Lang: "en", Dir: "http-python"}).Draw,
//	}).Run(ctx)
package watch
