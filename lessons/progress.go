package lessons

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/wirelab/wirelab/lessons/check"
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
//	stages.http=tcp,headers
//	stages.ws=tcp,handshake,accept-key
//
// The stages.TRACK lines are written by wirelab check; files without them
// (from before exercises existed) load as having passed no stage.
type Progress struct {
	// Lesson is the ID of the current lesson ("" means the first).
	Lesson string
	// Step is the current step within it, from 0.
	Step int
	// Done lists the lessons whose quiz was passed, in the order passed.
	Done []string
	// Stages maps an exercise track ("http", "ws") to the ids of the
	// stages of wirelab check passed on it, in the order first passed.
	Stages map[string][]string
}

// MarkStages records that the stages ids of track passed.
func (p *Progress) MarkStages(track string, ids ...string) {
	for _, id := range ids {
		if id == "" || slices.Contains(p.Stages[track], id) {
			continue
		}
		if p.Stages == nil {
			p.Stages = map[string][]string{}
		}
		p.Stages[track] = append(p.Stages[track], id)
	}
}

// StagePassed reports whether stage id of track passed.
func (p *Progress) StagePassed(track, id string) bool {
	return slices.Contains(p.Stages[track], id)
}

// StageCount returns how many of track's stages (check.StageIDs) passed,
// and how many there are. Ids of stages the checker no longer has do not
// count.
func (p *Progress) StageCount(track string) (passed, total int) {
	ids, _ := check.StageIDs(track)
	for _, id := range ids {
		if p.StagePassed(track, id) {
			passed++
		}
	}
	return passed, len(ids)
}

// ExerciseTracks are the tracks of wirelab check, in the order they are
// shown.
var ExerciseTracks = []string{check.KindHTTP, check.KindWebSocket}

// StageSummary returns the stages passed per track: "http 4/6 · ws 2/12".
func (p *Progress) StageSummary() string {
	var parts []string
	for _, t := range ExerciseTracks {
		n, total := p.StageCount(t)
		parts = append(parts, fmt.Sprintf("%s %d/%d", t, n, total))
	}
	return strings.Join(parts, " · ")
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

// LoadDefaultProgress reads the progress file at DefaultProgressPath, for
// commands that only show progress. It never returns nil: when the file
// cannot be read it returns no progress with the error, to be reported.
func LoadDefaultProgress(getenv func(string) string) (*Progress, error) {
	path, err := DefaultProgressPath(getenv)
	if err != nil {
		return &Progress{}, err
	}
	p, err := LoadProgress(path)
	if err != nil {
		return &Progress{}, err
	}
	return p, nil
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
			for _, id := range splitList(v) {
				p.MarkDone(id)
			}
		default:
			if track, ok := strings.CutPrefix(strings.TrimSpace(k), "stages."); ok && track != "" {
				p.MarkStages(track, splitList(v)...)
			}
		}
	}
	return p, nil
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Save writes the progress file, creating its directory. The stages
// already in the file are kept (added to p's): wirelab learn and wirelab
// check --watch may run at the same time, each saving its own copy.
func (p *Progress) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if old, err := LoadProgress(path); err == nil {
		for track, ids := range old.Stages {
			p.MarkStages(track, ids...)
		}
	}
	var b strings.Builder
	b.WriteString("# wirelab learn progress\n")
	fmt.Fprintf(&b, "lesson=%s\nstep=%d\ndone=%s\n", p.Lesson, p.Step, strings.Join(p.Done, ","))
	tracks := slices.Sorted(maps.Keys(p.Stages))
	for _, t := range tracks {
		fmt.Fprintf(&b, "stages.%s=%s\n", t, strings.Join(p.Stages[t], ","))
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
