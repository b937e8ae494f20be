package watch

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is how long Changes waits after the last event of a
// burst before it reports the change: an editor's save is often several
// events (write a temporary file, rename it, change its mode).
const DefaultDebounce = 150 * time.Millisecond

// Changes watches dir and the folders under it (not hidden ones, nor
// __pycache__, node_modules or vendor) and sends the path of a changed file
// on the returned channel once per burst of events, when debounce has passed
// without a new one. Only changes to files count: writes, creations,
// renames and removals; a change of mode alone and editor backup files
// (name~, .name.swp, 4913), hidden files, the folders skipped and
// what a running server may write itself (.pyc, .log) do not: a server
// that wrote a file it is watched by would restart for ever. A value not yet received is replaced by
// the next, so a slow reader never blocks the watcher.
//
// Changes returns once the watch is in place, so a change made after it
// returns is seen. The watcher stops and the channel is closed when ctx
// ends; nothing of it outlives ctx.
func Changes(ctx context.Context, dir string, debounce time.Duration) (<-chan string, error) {
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if err := addTree(w, dir); err != nil {
		w.Close()
		return nil, err
	}
	out := make(chan string, 1)
	go func() {
		defer close(out)
		defer w.Close()
		timer := time.NewTimer(time.Hour)
		timer.Stop()
		defer timer.Stop()
		last := ""
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() && !skipDir(filepath.Base(ev.Name)) {
						_ = addTree(w, ev.Name)
					}
				}
				if !counts(ev) {
					continue
				}
				last = ev.Name
				timer.Reset(debounce)
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
			case <-timer.C:
				select {
				case <-out: // drop the unread value: the new one replaces it
				default:
				}
				out <- last
			}
		}
	}()
	return out, nil
}

func addTree(w *fsnotify.Watcher, root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("watch: %w", err)
		}
		if !d.IsDir() {
			return nil
		}
		if p != root && skipDir(d.Name()) {
			return filepath.SkipDir
		}
		if err := w.Add(p); err != nil {
			return fmt.Errorf("watch: watch %s: %w", p, err)
		}
		return nil
	})
}

func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "__pycache__" || name == "node_modules" || name == "vendor"
}

// counts reports whether an event is a change to a file the learner saved.
func counts(ev fsnotify.Event) bool {
	if !ev.Has(fsnotify.Write) && !ev.Has(fsnotify.Create) && !ev.Has(fsnotify.Rename) && !ev.Has(fsnotify.Remove) {
		return false
	}
	base := filepath.Base(ev.Name)
	switch {
	case strings.HasPrefix(base, "."), strings.HasSuffix(base, "~"), base == "4913",
		strings.HasSuffix(base, ".pyc"), strings.HasSuffix(base, ".log"), skipDir(base):
		return false
	}
	return true
}
