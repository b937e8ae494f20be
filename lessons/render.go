package lessons

import (
	"strings"

	"github.com/charmbracelet/glamour"
)

// A Renderer turns lesson Markdown into terminal text with glamour: styled
// and coloured for a terminal, plain (glamour's "notty" style: no escape
// codes) otherwise, so piped output and tests read as text.
type Renderer struct {
	r *glamour.TermRenderer
}

// NewRenderer returns a renderer wrapping at width columns (80 if width is
// 0 or less). color selects the styled dark theme over the plain one.
func NewRenderer(width int, color bool) (*Renderer, error) {
	if width <= 0 {
		width = 80
	}
	style := "notty"
	if color {
		style = "dark"
	}
	r, err := glamour.NewTermRenderer(
		glamour.WithStandardStyle(style),
		glamour.WithWordWrap(width),
		glamour.WithEmoji(),
	)
	if err != nil {
		return nil, err
	}
	return &Renderer{r: r}, nil
}

// Render renders Markdown. If glamour fails, the Markdown is returned as is:
// a lesson stays readable either way.
func (r *Renderer) Render(md string) string {
	out, err := r.r.Render(md)
	if err != nil {
		return md
	}
	// glamour pads every line to the wrap width; drop the padding so
	// output copies cleanly and tests compare text.
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n") + "\n"
}
