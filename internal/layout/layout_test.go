package layout

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/wirelab/wirelab"

// engines are the packages that carry only the engine.
var engines = []string{module + "/httpcore", module + "/websocket", module + "/polling"}

// allowedModules are the third-party modules an engine may use.
var allowedModules = []string{
	"golang.org/x/sys",              // CPU feature detection for the SIMD paths
	"github.com/klauspost/compress", // websocket: permessage-deflate's flate (RFC 7692; chosen in websocket/doc.go)
	"golang.org/x/net",              // websocket: the Dialer's proxy from HTTP_PROXY/HTTPS_PROXY/NO_PROXY (httpproxy)
	"golang.org/x/text",             // x/net\'s httpproxy matches NO_PROXY hosts through idna
}

// teaching matches the packages that draw, typeset or render: what the
// teaching and measuring code needs and the engines must not pull in.
var teaching = regexp.MustCompile(`chart|freetype|font|image|glamour|goldmark|markdown`)

type listed struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Module     *struct{ Path string }
}

// listDeps runs go list -deps -json over the engines from the module root.
func listDeps(t *testing.T) map[string]*listed {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	cmd := exec.Command(goTool, append([]string{"list", "-deps", "-json=ImportPath,Standard,Imports,Module"}, engines...)...)
	cmd.Dir = filepath.Join("..", "..")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, stderr.Bytes())
	}
	pkgs := map[string]*listed{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		p := new(listed)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading go list output: %v", err)
		}
		pkgs[p.ImportPath] = p
	}
	for _, e := range engines {
		if pkgs[e] == nil {
			t.Fatalf("go list did not list %s", e)
		}
	}
	return pkgs
}

// chain returns the shortest import path from an engine to target.
func chain(pkgs map[string]*listed, target string) string {
	prev := map[string]string{}
	queue := slices.Clone(engines)
	for _, e := range engines {
		prev[e] = ""
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == target {
			var path []string
			for ; p != ""; p = prev[p] {
				path = append(path, p)
			}
			slices.Reverse(path)
			return strings.Join(path, " → ")
		}
		if pkgs[p] == nil {
			continue
		}
		for _, imp := range pkgs[p].Imports {
			if _, seen := prev[imp]; !seen {
				prev[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	return target
}

func TestEnginesCarryOnlyTheEngine(t *testing.T) {
	pkgs := listDeps(t)
	nonStandard := 0
	paths := slices.Sorted(maps.Keys(pkgs))
	for _, path := range paths {
		p := pkgs[path]
		if p.Standard {
			continue
		}
		nonStandard++
		switch {
		case teaching.MatchString(path):
			t.Errorf("an engine imports %s, a drawing, font or Markdown package: %s. Move the code that needs it out of the engine (see the package doc).", path, chain(pkgs, path))
		case p.Module != nil && p.Module.Path == module:
			if !slices.Contains(engines, path) {
				t.Errorf("an engine imports %s, which is not an engine: %s. Engines import only each other; the packages above them import the engines.", path, chain(pkgs, path))
			}
		case p.Module == nil || !slices.Contains(allowedModules, p.Module.Path):
			t.Errorf("an engine imports %s from a module not on the short list %v: %s. Add the module to allowedModules in %s only if the engine truly needs it.", path, allowedModules, chain(pkgs, path), "internal/layout/layout_test.go")
		}
	}
	t.Logf("the engines use %d non-standard packages (themselves included)", nonStandard)
}

// TestChainNamesTheImporters checks the error text on a made-up graph: an
// engine that reaches go-chart through another package.
func TestChainNamesTheImporters(t *testing.T) {
	pkgs := map[string]*listed{
		module + "/polling":                {Imports: []string{"fmt", module + "/polling/report"}},
		module + "/polling/report":         {Imports: []string{"github.com/wcharczuk/go-chart/v2"}},
		"github.com/wcharczuk/go-chart/v2": {},
	}
	got := chain(pkgs, "github.com/wcharczuk/go-chart/v2")
	want := module + "/polling → " + module + "/polling/report → github.com/wcharczuk/go-chart/v2"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !teaching.MatchString("github.com/wcharczuk/go-chart/v2") || !teaching.MatchString("github.com/golang/freetype/truetype") || teaching.MatchString("golang.org/x/sys/cpu") {
		t.Error("the teaching pattern does not tell chart and font packages from golang.org/x/sys/cpu")
	}
}
