//go:build !race

package httpcore

const raceEnabled = false
