// Package exercise holds the build-your-own-server tracks: per track (http,
// ws) and language (python, go), a runnable starter that passes the tcp
// stage of lessons/check and has one TODO per later stage, and beside it
// (tracks/TRACK/LANG/solution) a reference solution that passes them all.
package exercise

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/wirelab/wirelab/lessons/check"
)

//go:embed tracks
var tracks embed.FS

// A Language is how a track is written in one language.
type Language struct {
	Run string `json:"run"`
}

// A Track is one server to build, stage by stage.
type Track struct {
	Track     string    `json:"track"`
	Stages    []string  `json:"stages"`
	Languages Languages `json:"languages"`
}

// Languages are a track's languages, in the order the JSON lists them.
type Languages struct {
	Python Language `json:"python"`
	Go     Language `json:"go"`
}

// Names returns the language names, python then go.
func (Languages) Names() []string { return []string{"python", "go"} }

// RunCommand returns the command that runs a starter of lang from its
// folder: "python3 server.py" or "go run .", "" for another language.
func RunCommand(lang string) string {
	switch lang {
	case "python":
		return "python3 server.py"
	case "go":
		return "go run ."
	}
	return ""
}

// Tracks returns the tracks, http then ws.
func Tracks() []Track {
	var out []Track
	for _, t := range []string{check.KindHTTP, check.KindWebSocket} {
		ids, _ := check.StageIDs(t)
		out = append(out, Track{Track: t, Stages: ids, Languages: Languages{
			Python: Language{Run: RunCommand("python")}, Go: Language{Run: RunCommand("go")},
		}})
	}
	return out
}

// Init writes the starter of track in lang into dir, creating dir. It
// refuses to overwrite an existing file unless force is set, and then
// writes nothing.
func Init(track, lang, dir string, force bool) ([]string, error) {
	return write(track, lang, "starter", dir, force)
}

// InitSolution writes the reference solution of track in lang into dir, as
// Init writes the starter: a server that passes every stage, to compare
// with once a stage is tried. A track without a solution in lang is an
// error.
func InitSolution(track, lang, dir string, force bool) ([]string, error) {
	return write(track, lang, "solution", dir, force)
}

// write copies tracks/TRACK/LANG/PART into dir (a ".tmpl" suffix dropped,
// so that go.mod is not a module inside this one).
func write(track, lang, part, dir string, force bool) ([]string, error) {
	if track != check.KindHTTP && track != check.KindWebSocket {
		return nil, fmt.Errorf("exercise: unknown track %q: want http or ws", track)
	}
	if RunCommand(lang) == "" {
		return nil, fmt.Errorf("exercise: unknown language %q: want python or go", lang)
	}
	root := path.Join("tracks", track, lang, part)
	if _, err := fs.Stat(tracks, root); err != nil {
		return nil, fmt.Errorf("exercise: the %s track has no %s in %s yet", track, part, lang)
	}
	type file struct {
		name string
		data []byte
	}
	var files []file
	err := fs.WalkDir(tracks, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := tracks.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, file{strings.TrimSuffix(strings.TrimPrefix(p, root+"/"), ".tmpl"), b})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !force {
		for _, f := range files {
			dst := filepath.Join(dir, filepath.FromSlash(f.name))
			if _, err := os.Stat(dst); err == nil {
				return nil, fmt.Errorf("exercise: %s already exists (use --force to overwrite)", dst)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	var written []string
	for _, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(dst, f.data, 0o644); err != nil {
			return written, err
		}
		written = append(written, dst)
	}
	return written, nil
}
