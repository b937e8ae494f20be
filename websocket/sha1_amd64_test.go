//go:build !purego

package websocket

import "testing"

// TestChooseAcceptImpl: SHA-NI picks crypto/sha1 whatever else the CPU
// has; BMI2 alone picks the assembly; neither, the Go rounds.
func TestChooseAcceptImpl(t *testing.T) {
	for _, c := range []struct {
		shani, bmi2 bool
		want        acceptImplID
	}{
		{true, true, implStd},
		{true, false, implStd},
		{false, true, implBMI2},
		{false, false, implGo},
	} {
		if got := chooseAcceptImpl(c.shani, c.bmi2); got != c.want {
			t.Errorf("chooseAcceptImpl(shani=%v, bmi2=%v): got %s, want %s", c.shani, c.bmi2, got, c.want)
		}
	}
}
