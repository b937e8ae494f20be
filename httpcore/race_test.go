//go:build race

package httpcore

// raceEnabled: the race detector's sync.Pool drops items at random, so
// allocation counts that rely on a pool do not hold.
const raceEnabled = true
