package websocket

import "io"

// rsv1 is the RSV1 bit in FrameHeader.Rsv: set on the first frame of a
// compressed message, never on a control frame or a continuation (RFC 7692
// §6.1).
const rsv1 = 0x4

// A deflateConn is one connection's permessage-deflate state once the
// handshake agreed on params: a compressor for the messages this side sends
// and a decompressor for the peer's, each set from the parameters of its
// direction (the server's compressor follows server_*, the client's
// client_*).
type deflateConn struct {
	threshold int
	w         *compressor
	r         *decompressor
}

// newDeflateConn returns the state for the side isServer of a connection
// that agreed on p, configured by c (its Threshold and Level).
func newDeflateConn(p DeflateParams, isServer bool, c *Compression) *deflateConn {
	ownBits, ownTakeover := p.clientBits(), !p.ClientNoContextTakeover
	peerBits, peerTakeover := p.serverBits(), !p.ServerNoContextTakeover
	if isServer {
		ownBits, ownTakeover, peerBits, peerTakeover = peerBits, peerTakeover, ownBits, ownTakeover
	}
	threshold := DefaultCompressionThreshold
	level := 0
	if c != nil {
		level = c.Level
		if c.Threshold != 0 {
			threshold = max(c.Threshold, 0)
		}
	}
	return &deflateConn{
		threshold: threshold,
		w:         newCompressor(level, ownBits, ownTakeover),
		r:         newDecompressor(peerBits, peerTakeover),
	}
}

// worthIt reports whether a message of n bytes should be compressed: not
// under the threshold, where the DEFLATE block header and code tables cost
// more than they save (the sender chooses per message, §6).
func (d *deflateConn) worthIt(n int) bool { return n >= d.threshold }

// compress appends the payload of a message to dst: compressed, with rsv1,
// when it is worth it, else as it is.
func (d *deflateConn) compress(dst, data []byte) (payload []byte, rsv byte, err error) {
	if !d.worthIt(len(data)) {
		return append(dst, data...), 0, nil
	}
	payload, err = d.w.compress(dst, data)
	return payload, rsv1, err
}

// reader returns the inflated payload of a message whose first frame had
// RSV1; src yields the compressed payload across its frames.
func (d *deflateConn) reader(src io.Reader, limit int64) io.Reader { return d.r.reader(src, limit) }

// release gives pooled state back when the connection closes.
func (d *deflateConn) release() {
	d.w.release()
	d.r.end()
}
