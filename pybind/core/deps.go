package core

// The code gopy generates around this package imports gopyh; importing it
// here too keeps it a direct requirement in go.mod, so `go mod tidy` and the
// build (which runs go build -mod=mod) agree.
import _ "github.com/go-python/gopy/gopyh"
