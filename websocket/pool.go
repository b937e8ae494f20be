package websocket

import "sync"

// bufSize is the size of the buffers that hold received bytes and build
// outgoing frames. A connection takes one from bufPool only while it has
// received bytes it has not consumed, or for the length of one write, so an
// idle connection holds none and the size can favour fewer system calls:
// a 64 KiB read takes the eight 8 KiB messages a busy peer has in flight at
// once, and their answers leave in one write (at 16 KiB it took two, and
// the server spent a fifth more CPU per 8 KiB message). The cost: a
// connection that waits in the middle of a frame, or with a NextWriter
// message open, holds 64 KiB.
const bufSize = 64 << 10

// bufPool holds *[bufSize]byte. A pointer to an array, unlike a slice, goes
// into an interface without an allocation.
var bufPool = sync.Pool{New: func() any { return new([bufSize]byte) }}

func getBuf() *[bufSize]byte  { return bufPool.Get().(*[bufSize]byte) }
func putBuf(b *[bufSize]byte) { bufPool.Put(b) }
