// Command wirelab teaches web protocols by running them on loopback.
package main

import (
	"os"

	"github.com/wirelab/wirelab/internal/cmd"
)

func main() {
	os.Exit(cmd.Main())
}
