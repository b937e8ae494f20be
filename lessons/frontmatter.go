package lessons

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// A lesson file starts with front matter between two "---" lines, written in
// a small, strict subset of YAML: "key: value" pairs, nested blocks indented
// by spaces, and lists whose items start with "- ".
//
//	---
//	id: dns
//	title: DNS through a tiny resolver
//	concepts:
//	  - domain name
//	  - A record
//	demos:
//	  - dns-resolve
//	hint: Run the demo and look at the two IDs in the query and the answer.
//	quiz:
//	  - q: What does DNS map a name to?
//	    choices:
//	      - an IP address
//	      - a MAC address
//	    answer: 1
//	    explain: A records map names to IPv4 addresses.
//	    hint: The client needs somewhere to connect to.
//	  - q: The key was {key}. What Sec-WebSocket-Accept did the server send?
//	    live: ws-accept
//	    explain: Base64(SHA-1(key + GUID)) = {answer}.
//	    hint: Append the GUID to the key, hash, then Base64 the digest.
//	---
//
// A question with "live:" is typed: the named quizgen generator runs a demo
// when the question is asked, fills the {placeholders} and knows the exact
// answer (see package quizgen).
//
// Values are plain text to the end of the line, or quoted ("..." with Go
// escapes, '...' with '' for a quote). There are no comments, anchors,
// flow collections or multi-line scalars: a parser that small cannot be
// surprised, and every mistake is reported with its line number.

// node is a parsed front-matter value: a scalar, a list or a map.
type node struct {
	line   int
	scalar string
	list   []*node
	keys   []string // map keys in order
	fields map[string]*node
	kind   nodeKind
}

type nodeKind int

const (
	scalarNode nodeKind = iota
	listNode
	mapNode
)

type fmLine struct {
	num    int // 1-based line number in the file
	indent int
	text   string
}

// FrontMatterError reports a front-matter problem at a line of a lesson file.
type FrontMatterError struct {
	File string
	Line int
	Msg  string
}

func (e *FrontMatterError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("lessons: %s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("lessons: %s: %s", e.File, e.Msg)
}

// splitFrontMatter returns the front-matter lines and the body after the
// closing "---". bodyLine is the 1-based line number where the body starts.
func splitFrontMatter(file, src string) (fm []fmLine, body string, err error) {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	lines := strings.Split(src, "\n")
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return nil, "", &FrontMatterError{file, 1, `a lesson file must start with a "---" line opening its front matter`}
	}
	for i := 1; i < len(lines); i++ {
		raw := lines[i]
		if strings.TrimRight(raw, " ") == "---" {
			return fm, strings.Join(lines[i+1:], "\n"), nil
		}
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if strings.Contains(raw, "\t") {
			return nil, "", &FrontMatterError{file, i + 1, "tab character: indent front matter with spaces"}
		}
		trimmed := strings.TrimLeft(raw, " ")
		fm = append(fm, fmLine{num: i + 1, indent: len(raw) - len(trimmed), text: strings.TrimRight(trimmed, " ")})
	}
	return nil, "", &FrontMatterError{file, len(lines), `front matter has no closing "---" line`}
}

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// splitKey splits "key: value" or "key:"; ok is false when text is not a
// key line.
func splitKey(text string) (key, value string, ok bool) {
	i := strings.Index(text, ":")
	if i < 0 {
		return "", "", false
	}
	key = text[:i]
	if !keyRE.MatchString(key) {
		return "", "", false
	}
	rest := text[i+1:]
	if rest != "" && rest[0] != ' ' {
		return "", "", false
	}
	return key, strings.TrimSpace(rest), true
}

type fmParser struct {
	file  string
	lines []fmLine
	pos   int
}

func (p *fmParser) errf(line int, format string, args ...any) error {
	return &FrontMatterError{p.file, line, fmt.Sprintf(format, args...)}
}

// parseFrontMatter parses front-matter lines into a map node.
func parseFrontMatter(file string, lines []fmLine) (*node, error) {
	p := &fmParser{file: file, lines: lines}
	if len(lines) == 0 {
		return nil, &FrontMatterError{file, 1, "front matter is empty"}
	}
	if lines[0].indent != 0 {
		return nil, p.errf(lines[0].num, "the first front-matter line must not be indented")
	}
	n, err := p.block(0)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.lines) {
		l := p.lines[p.pos]
		return nil, p.errf(l.num, "unexpected indentation (%d spaces)", l.indent)
	}
	if n.kind != mapNode {
		return nil, p.errf(lines[0].num, "front matter must be key: value lines")
	}
	return n, nil
}

func (p *fmParser) block(indent int) (*node, error) {
	l := p.lines[p.pos]
	if l.text == "-" || strings.HasPrefix(l.text, "- ") {
		return p.list(indent)
	}
	return p.mapping(indent, nil)
}

func (p *fmParser) list(indent int) (*node, error) {
	n := &node{kind: listNode, line: p.lines[p.pos].num}
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, p.errf(l.num, "unexpected indentation (%d spaces, want %d)", l.indent, indent)
		}
		if l.text != "-" && !strings.HasPrefix(l.text, "- ") {
			return nil, p.errf(l.num, "expected a list item starting with \"- \", got %q", l.text)
		}
		item := strings.TrimSpace(strings.TrimPrefix(l.text, "-"))
		switch {
		case item == "":
			p.pos++
			if p.pos >= len(p.lines) || p.lines[p.pos].indent <= indent {
				return nil, p.errf(l.num, "empty list item")
			}
			child, err := p.block(p.lines[p.pos].indent)
			if err != nil {
				return nil, err
			}
			n.list = append(n.list, child)
		default:
			if _, _, ok := splitKey(item); ok {
				// "- key: value" opens a map whose keys sit two columns
				// right of the dash.
				first := fmLine{num: l.num, indent: indent + 2, text: item}
				p.lines[p.pos] = first
				child, err := p.mapping(indent+2, nil)
				if err != nil {
					return nil, err
				}
				n.list = append(n.list, child)
				continue
			}
			s, err := p.scalar(l.num, item)
			if err != nil {
				return nil, err
			}
			n.list = append(n.list, &node{kind: scalarNode, line: l.num, scalar: s})
			p.pos++
		}
	}
	return n, nil
}

func (p *fmParser) mapping(indent int, n *node) (*node, error) {
	if n == nil {
		n = &node{kind: mapNode, line: p.lines[p.pos].num, fields: map[string]*node{}}
	}
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, p.errf(l.num, "unexpected indentation (%d spaces, want %d)", l.indent, indent)
		}
		key, value, ok := splitKey(l.text)
		if !ok {
			return nil, p.errf(l.num, "expected \"key: value\", got %q", l.text)
		}
		if _, dup := n.fields[key]; dup {
			return nil, p.errf(l.num, "key %q repeated", key)
		}
		p.pos++
		var child *node
		if value == "" {
			if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
				var err error
				child, err = p.block(p.lines[p.pos].indent)
				if err != nil {
					return nil, err
				}
			} else {
				child = &node{kind: scalarNode, line: l.num}
			}
		} else {
			s, err := p.scalar(l.num, value)
			if err != nil {
				return nil, err
			}
			child = &node{kind: scalarNode, line: l.num, scalar: s}
		}
		n.keys = append(n.keys, key)
		n.fields[key] = child
	}
	return n, nil
}

func (p *fmParser) scalar(line int, s string) (string, error) {
	// A value is quoted only when it starts and ends with the same quote;
	// text such as "hello" world stays as it is.
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		u, err := strconv.Unquote(s)
		if err != nil {
			return "", p.errf(line, "bad double-quoted value %s: %v", s, err)
		}
		return u, nil
	}
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	}
	return s, nil
}

// Front-matter schema.

func (p *fmParser) wantScalar(key string, n *node) (string, error) {
	if n.kind != scalarNode {
		return "", p.errf(n.line, "%s: want a single value", key)
	}
	return n.scalar, nil
}

func (p *fmParser) wantList(key string, n *node) ([]string, error) {
	if n.kind != listNode {
		return nil, p.errf(n.line, "%s: want a list of \"- item\" lines", key)
	}
	var out []string
	for _, it := range n.list {
		if it.kind != scalarNode || it.scalar == "" {
			return nil, p.errf(it.line, "%s: each item must be a non-empty text", key)
		}
		out = append(out, it.scalar)
	}
	return out, nil
}

// decodeMeta turns the parsed front matter into a Page's fields.
func decodeMeta(file string, root *node, pg *Page) error {
	p := &fmParser{file: file}
	var err error
	for _, k := range root.keys {
		v := root.fields[k]
		switch k {
		case "id":
			pg.ID, err = p.wantScalar(k, v)
		case "title":
			pg.Title, err = p.wantScalar(k, v)
		case "hint":
			pg.Hint, err = p.wantScalar(k, v)
		case "concepts":
			pg.Concepts, err = p.wantList(k, v)
		case "demos":
			pg.Demos, err = p.wantList(k, v)
		case "exercises":
			pg.Exercises, err = p.exercises(v)
		case "quiz":
			pg.Quiz, err = p.quiz(v)
		default:
			err = p.errf(v.line, "unknown key %q (want id, title, exercises, concepts, demos, hint, quiz)", k)
		}
		if err != nil {
			return err
		}
	}
	for _, req := range []struct {
		name string
		ok   bool
	}{
		{"id", pg.ID != ""},
		{"title", pg.Title != ""},
		{"concepts", len(pg.Concepts) > 0},
		{"quiz", len(pg.Quiz) > 0},
	} {
		if !req.ok {
			return &FrontMatterError{file, 0, fmt.Sprintf("front matter lacks %q", req.name)}
		}
	}
	return nil
}

func (p *fmParser) quiz(n *node) ([]Question, error) {
	if n.kind != listNode {
		return nil, p.errf(n.line, "quiz: want a list of questions")
	}
	var out []Question
	for i, it := range n.list {
		if it.kind != mapNode {
			return nil, p.errf(it.line, "quiz question %d: want q, choices, answer and explain", i+1)
		}
		var q Question
		var err error
		for _, k := range it.keys {
			v := it.fields[k]
			switch k {
			case "q":
				q.Text, err = p.wantScalar(k, v)
			case "choices":
				q.Choices, err = p.wantList(k, v)
			case "answer":
				var s string
				if s, err = p.wantScalar(k, v); err == nil {
					q.Answer, err = strconv.Atoi(s)
					if err != nil {
						err = p.errf(v.line, "quiz question %d: answer %q is not a number", i+1, s)
					}
				}
			case "explain":
				q.Explain, err = p.wantScalar(k, v)
			case "hint":
				q.Hint, err = p.wantScalar(k, v)
			case "live":
				q.Live, err = p.wantScalar(k, v)
			default:
				err = p.errf(v.line, "quiz question %d: unknown key %q (want q, choices, answer, explain, hint, live)", i+1, k)
			}
			if err != nil {
				return nil, err
			}
		}
		switch {
		case q.Text == "":
			return nil, p.errf(it.line, "quiz question %d has no q", i+1)
		case q.Live != "" && (len(q.Choices) > 0 || q.Answer != 0):
			return nil, p.errf(it.line, "quiz question %d: a live question is answered by typing; it has no choices and no answer (its generator %q computes it)", i+1, q.Live)
		case q.Live != "" && q.Explain == "":
			return nil, p.errf(it.line, "quiz question %d has no explain", i+1)
		case q.Live != "":
		case len(q.Choices) < 2:
			return nil, p.errf(it.line, "quiz question %d needs at least two choices", i+1)
		case q.Answer < 1 || q.Answer > len(q.Choices):
			return nil, p.errf(it.line, "quiz question %d: answer %d is not one of the choices 1..%d", i+1, q.Answer, len(q.Choices))
		case q.Explain == "":
			return nil, p.errf(it.line, "quiz question %d has no explain", i+1)
		}
		q.Line = it.line
		out = append(out, q)
	}
	return out, nil
}
