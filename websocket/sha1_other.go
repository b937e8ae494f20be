//go:build !amd64 || purego

package websocket

// acceptImpl is the Go rounds where there is no assembly, and with
// -tags purego (which also keeps crypto/sha1 to its portable code).
// BenchmarkAcceptKey times both on the CPU at hand.
var acceptImpl = implGo

// acceptSum returns SHA-1(key + acceptGUID) for a key of exactly 24 bytes.
func acceptSum(key string) [20]byte { return acceptSumGeneric(key) }

// acceptImpls lists the implementations this build can run (see
// sha1_amd64.go).
func acceptImpls() map[acceptImplID]func(string) [20]byte {
	return map[acceptImplID]func(string) [20]byte{implGo: acceptSumGeneric, implStd: acceptSumStd}
}
