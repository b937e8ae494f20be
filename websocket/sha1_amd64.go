//go:build !purego

package websocket

import "golang.org/x/sys/cpu"

// acceptBlocksAMD64 is in sha1_amd64.s. It needs BMI2.
//
//go:noescape
func acceptBlocksAMD64(h *[5]uint32, w *[80]uint32, wk2 *[80]uint32)

// hasBMI2 is read once at start-up.
var hasBMI2 = cpu.X86.HasBMI2

// acceptBlock2K is acceptBlock2 with each round's constant added, the form
// the assembly rounds read. Read-only.
var acceptBlock2K = func() (wk [80]uint32) {
	for t, w := range acceptBlock2 {
		wk[t] = w + [4]uint32{sha1K0, sha1K1, sha1K2, sha1K3}[t/20]
	}
	return wk
}()

func acceptBlocks(h *[5]uint32, w *[80]uint32) {
	if hasBMI2 {
		acceptBlocksAMD64(h, w, &acceptBlock2K)
		return
	}
	acceptBlocksGeneric(h, w)
}
