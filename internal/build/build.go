// Package build holds the version stamped into the wirelab binary.
package build

import "runtime/debug"

// Version is set with -ldflags "-X github.com/wirelab/wirelab/internal/build.Version=v1.2.3";
// otherwise it comes from the module build info, or "dev".
var Version = ""

// String returns the version to show.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
