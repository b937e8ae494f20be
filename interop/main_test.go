package interop

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a test leaves a goroutine behind: peers'
// processes, servers and browsers must all be gone by then.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
