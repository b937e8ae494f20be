package lessons

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ProgressEnv names the environment variable that overrides where
// wirelab learn keeps its progress (tests point it at a temporary file).
const ProgressEnv = "WIRELAB_PROGRESS"

// Progress is where a learner is in the course. It is kept in a plain text
// file, one "key=value" per line, that a person can read and edit:
//
//	# wirelab learn progress
//	lesson=dns
//	step=2
//	done=tcp-ip,ip-tcp
type Progress struct {
	// Lesson is the ID of the current lesson ("" means the first).
	Lesson string
	// Step is the current step within it, from 0.
	Step int
	// Done lists the lessons whose quiz was passed, in the order passed.
	Done []string
}

// MarkDone records that a lesson's quiz was passed.
func (p *Progress) MarkDone(id string) {
	if !slices.Contains(p.Done, id) {
		p.Done = append(p.Done, id)
	}
}

// IsDone reports whether the lesson's quiz was passed.
func (p *Progress) IsDone(id string) bool { return slices.Contains(p.Done, id) }

// DefaultProgressPath returns the progress file: $WIRELAB_PROGRESS if set,
// else wirelab/learn-progress in the user config directory
// (~/.config on Linux).
func DefaultProgressPath(getenv func(string) string) (string, error) {
	if p := getenv(ProgressEnv); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("lessons: no user config directory to keep progress in (%v); set %s to a file path", err, ProgressEnv)
	}
	return filepath.Join(dir, "wirelab", "learn-progress"), nil
}

// LoadProgress reads the progress file. A missing file is a fresh start.
// Unknown keys are ignored, so older files keep working.
func LoadProgress(path string) (*Progress, error) {
	p := &Progress{}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("lessons: %s:%d: want key=value, got %q", path, n, line)
		}
		switch strings.TrimSpace(k) {
		case "lesson":
			p.Lesson = strings.TrimSpace(v)
		case "step":
			s, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || s < 0 {
				return nil, fmt.Errorf("lessons: %s:%d: step %q is not a step number", path, n, v)
			}
			p.Step = s
		case "done":
			for _, id := range strings.Split(v, ",") {
				if id = strings.TrimSpace(id); id != "" {
					p.MarkDone(id)
				}
			}
		}
	}
	return p, nil
}

// Save writes the progress file, creating its directory.
func (p *Progress) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("# wirelab learn progress\n")
	fmt.Fprintf(&b, "lesson=%s\nstep=%d\ndone=%s\n", p.Lesson, p.Step, strings.Join(p.Done, ","))
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
