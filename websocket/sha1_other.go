//go:build !amd64 || purego

package websocket

func acceptBlocks(h *[5]uint32, w *[80]uint32) { acceptBlocksGeneric(h, w) }
