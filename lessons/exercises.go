package lessons

import (
	"fmt"
	"slices"
	"strings"

	"github.com/wirelab/wirelab/internal/i18n"
	"github.com/wirelab/wirelab/lessons/exercise"
)

// An ExerciseStage names a stage of an exercise track, written
// "track:stage" in a lesson's front matter:
//
//	exercises:
//	  - http:headers
//	  - ws:accept-key
type ExerciseStage struct {
	Track string `json:"track"`
	Stage string `json:"stage"`
}

func (s ExerciseStage) String() string { return s.Track + ":" + s.Stage }

// exercises decodes the "exercises" front-matter list.
func (p *fmParser) exercises(n *node) ([]ExerciseStage, error) {
	items, err := p.wantList("exercises", n)
	if err != nil {
		return nil, err
	}
	var out []ExerciseStage
	for i, it := range items {
		track, stage, ok := strings.Cut(it, ":")
		if !ok || stage == "" || !slices.Contains(ExerciseTracks, track) {
			return nil, p.errf(n.list[i].line, "exercises: %q: want TRACK:STAGE with TRACK one of %s, such as http:headers", it, strings.Join(ExerciseTracks, ", "))
		}
		out = append(out, ExerciseStage{track, stage})
	}
	return out, nil
}

// Exercises returns the exercise stages the lesson prepares (the same in
// every language).
func (l *Lesson) Exercises() []ExerciseStage {
	return l.Page(Languages[0]).Exercises
}

// StageLine says, in lang, how many stages of each track passed:
//
//	Exercise stages passed: http 1/6 · ws 2/12 (wirelab exercise list)
func (p *Progress) StageLine(lang string) string {
	return i18n.New(lang).Sprintf(i18n.StageLine, p.StageSummary())
}

// ExerciseOffer returns what a lesson ends with when it prepares exercise
// stages: which ones, which of them p records as passed, and the commands
// that start them, in lang. It returns "" for a lesson without exercises.
//
//	This lesson prepares these exercise stages: ws handshake ✓, accept-key (1 of 2 passed).
//	Build them into your own server (in Python here; --lang go for Go):
//	  wirelab exercise init ws --lang python
//	  wirelab check ws --watch --run 'python3 server.py' ws-python
func ExerciseOffer(l *Lesson, lang string, p *Progress) string {
	ex := l.Exercises()
	if len(ex) == 0 {
		return ""
	}
	if p == nil {
		p = &Progress{}
	}
	pr := i18n.New(lang)
	var tracks []string
	byTrack := map[string][]string{}
	passed := 0
	for _, s := range ex {
		if _, ok := byTrack[s.Track]; !ok {
			tracks = append(tracks, s.Track)
		}
		name := s.Stage
		if p.StagePassed(s.Track, s.Stage) {
			name += " ✓"
			passed++
		}
		byTrack[s.Track] = append(byTrack[s.Track], name)
	}
	var parts []string
	for _, t := range tracks {
		parts = append(parts, t+" "+strings.Join(byTrack[t], pr.Sprintf(i18n.ListSep)))
	}
	var b strings.Builder
	if passed == len(ex) {
		pr.Fprintln(&b, i18n.OfferAllPassed, strings.Join(parts, pr.Sprintf(i18n.ListSepStrong)))
		return b.String()
	}
	pr.Fprintln(&b, i18n.OfferPrepares, strings.Join(parts, pr.Sprintf(i18n.ListSepStrong)), passed, len(ex))
	for _, t := range tracks {
		initCmd, watchCmd := ExerciseCommands(t, "python", "")
		fmt.Fprintf(&b, "  %s   # %s\n  %s\n", initCmd, pr.Sprintf(i18n.OfferOnce), watchCmd)
	}
	return b.String()
}

// ExerciseCommands returns the commands that start track in lang (python or
// go) in dir ("" means TRACK-LANG, the default of exercise init): the one
// that writes the starter, and the one that runs and checks it on every
// save.
//
//	wirelab exercise init ws --lang python
//	wirelab check ws --watch --run 'python3 server.py' ws-python
func ExerciseCommands(track, lang, dir string) (initCmd, watchCmd string) {
	if dir == "" {
		dir = track + "-" + lang
		initCmd = fmt.Sprintf("wirelab exercise init %s --lang %s", track, lang)
	} else {
		initCmd = fmt.Sprintf("wirelab exercise init %s --lang %s %s", track, lang, dir)
	}
	return initCmd, fmt.Sprintf("wirelab check %s --watch --run '%s' %s", track, exercise.RunCommand(lang), dir)
}

// offerExercises ends a lesson with its ExerciseOffer: prose lines wrapped,
// command lines (indented) as they are, so they can be copied.
func (t *Tutor) offerExercises() {
	offer := ExerciseOffer(t.lesson, t.Lang, t.Progress)
	if offer == "" {
		return
	}
	fmt.Fprintln(t.Out)
	for _, line := range strings.Split(strings.TrimSuffix(offer, "\n"), "\n") {
		if !strings.HasPrefix(line, "  ") {
			line = t.wrap(line)
		}
		fmt.Fprintln(t.Out, line)
	}
}
