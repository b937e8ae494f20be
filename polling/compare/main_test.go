package compare

import (
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testTimeout bounds every wait in these tests; nothing sleeps to
// synchronise.
const testTimeout = 20 * time.Second
