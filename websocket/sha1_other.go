//go:build !amd64 || purego

package websocket

// acceptSum returns SHA-1(key + acceptGUID) for a key of exactly 24 bytes.
func acceptSum(key string) [20]byte { return acceptSumGeneric(key) }
