package websocket

import "sync"

// bufSize is the size of the buffers that hold received bytes and build
// outgoing frames. A connection takes one from bufPool only while it has
// received bytes it has not consumed, or for the length of one write, so an
// idle connection holds none and the size can favour fewer system calls:
// a 16 KiB read takes several small messages, or two 8 KiB ones, at once.
const bufSize = 16 << 10

// bufPool holds *[bufSize]byte. A pointer to an array, unlike a slice, goes
// into an interface without an allocation.
var bufPool = sync.Pool{New: func() any { return new([bufSize]byte) }}

func getBuf() *[bufSize]byte  { return bufPool.Get().(*[bufSize]byte) }
func putBuf(b *[bufSize]byte) { bufPool.Put(b) }
