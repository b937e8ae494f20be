package websocket

import (
	"bufio"
	"io"
)

func newBR(r io.Reader) *bufio.Reader { return bufio.NewReader(r) }
