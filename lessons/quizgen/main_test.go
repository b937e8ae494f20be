package quizgen

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a generator leaves a server or connection
// goroutine running after it returns.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
