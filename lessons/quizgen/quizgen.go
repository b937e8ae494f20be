package quizgen

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/wirelab/wirelab/internal/i18n"
)

// A Generator makes fresh instances of one typed question.
type Generator struct {
	// ID is the name a lesson's front matter gives in "live:".
	ID string
	// Params names the placeholders an Instance fills, so that a lesson
	// using an unknown {name} is caught when the course loads.
	Params []string
	// Form tells the learner how to type the answer, as a
	// whole sentence; it is shown when Normalize does not recognise what
	// was typed.
	Form i18n.Key
	// Remark, if set, recognises a typical mistake in a wrong or
	// unrecognised answer and says what it is: a catalogue key, and false
	// when it sees none.
	Remark func(in *Instance, typed string) (i18n.Key, bool)
	// Normalize returns the canonical spelling of a typed answer, and false
	// when the text is not an answer of the expected shape at all.
	Normalize func(typed string) (string, bool)
	// New runs the demo and returns one instance. r draws the random
	// values (a fixed seed makes them repeatable).
	New func(ctx context.Context, r *rand.Rand) (*Instance, error)
}

// An Instance is one asking of a typed question.
type Instance struct {
	// Params fill the {name} placeholders; they are the same in every
	// language (keys, bytes, numbers).
	Params map[string]string
	// Local fills placeholders whose text differs by language:
	// Local[lang][name]. It wins over Params.
	Local map[string]map[string]string
	// Show is printed verbatim under the question: the demo's bytes.
	Show string
	// Work is printed verbatim after the explanation, whatever the answer:
	// how the answer is computed, as a command to run or a sum to follow.
	Work string
	// Answer is the expected answer, in the spelling Normalize returns.
	Answer string
}

// Fill replaces every {name} in s by its value in lang.
func (in *Instance) Fill(s, lang string) string {
	var pairs []string
	for k, v := range in.Local[lang] {
		pairs = append(pairs, "{"+k+"}", v)
	}
	for k, v := range in.Params {
		if _, ok := in.Local[lang][k]; !ok {
			pairs = append(pairs, "{"+k+"}", v)
		}
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// Check reports whether typed is the answer, and whether it was of the
// expected shape at all.
func (g Generator) Check(in *Instance, typed string) (right, ok bool) {
	canon, ok := g.Normalize(typed)
	return ok && canon == in.Answer, ok
}

var registry = map[string]Generator{}

func register(g Generator) Generator {
	registry[g.ID] = g
	return g
}

// Lookup returns the generator named id.
func Lookup(id string) (Generator, bool) {
	g, ok := registry[id]
	return g, ok
}

// IDs returns the registered generators' names, sorted.
func IDs() []string {
	var ids []string
	for id := range registry {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}
