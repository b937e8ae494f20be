package websocket

import (
	"errors"
	"io"
)

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
	writeOff  bool           // EnableWriteCompression(false) (wmu)
	sw        io.WriteCloser // NextWriter's compressor, while a message is open

	// Read side (the read lock).
	compressed bool      // the current message's first frame had RSV1
	inflated   bool      // its inflated payload has been read to the end
	msg        io.Reader // its inflated payload, once reading began
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

// ---- the Conn's side ----

// EnableWriteCompression turns compression on or off for the messages
// written next, when permessage-deflate was negotiated (the sender chooses
// per message, RFC 7692 §6); it is on after the handshake. Messages under
// the Compression's Threshold go uncompressed either way.
func (c *Conn) EnableWriteCompression(on bool) {
	if d := c.deflate(); d != nil {
		c.wmu.Lock()
		d.writeOff = !on
		c.wmu.Unlock()
	}
}

// wantCompress reports whether a message of n bytes (-1: not known yet, as
// for NextWriter) goes compressed.
func (d *deflateConn) wantCompress(n int) bool {
	return !d.writeOff && (n < 0 || d.worthIt(n))
}

// startRead records whether the message starting now is compressed.
func (d *deflateConn) startRead(compressed bool) {
	d.compressed, d.msg, d.inflated = compressed, nil, false
}

// reading reports whether a compressed message is in progress.
func (d *deflateConn) reading() bool { return d.compressed && !d.inflated }

// compressedMsg reports whether the current message's raw payload is
// compressed: its UTF-8 is then checked after inflation.
func (c *Conn) compressedMsg() bool {
	d := c.deflate()
	return d != nil && d.compressed
}

// rawPayload is the Conn seen as the reader of its current message's
// compressed payload, across frames.
type rawPayload Conn

func (r *rawPayload) Read(p []byte) (int, error) { return (*Conn)(r).readPayload(p, false) }

// readMsg reads the current message's payload: inflated when its first
// frame had RSV1, checking UTF-8 on the inflated text and the read limit on
// the inflated size (RFC 7692 §8.1 → 1009). The caller holds the read lock.
func (c *Conn) readMsg(p []byte) (int, error) {
	d := c.deflate()
	if d == nil || !d.compressed {
		return c.readPayload(p, false)
	}
	if d.inflated {
		return 0, io.EOF
	}
	if d.msg == nil {
		d.msg = d.reader((*rawPayload)(c), c.readLimit)
	}
	n, err := d.msg.Read(p)
	if c.msgType == TextMessage && !c.utf8.write(p[:n]) {
		return 0, c.fail(frameErr(CloseInvalidPayload, 0, "§8.1", "text message is not valid UTF-8 (after decompression)"))
	}
	switch {
	case err == nil:
		return n, nil
	case err == io.EOF:
		d.inflated, d.msg = true, nil
		if c.msgType == TextMessage && !c.utf8.complete() {
			return 0, c.fail(frameErr(CloseInvalidPayload, 0, "§8.1", "text message ends inside a UTF-8 sequence"))
		}
		return n, io.EOF
	case c.readErr != nil: // the frames failed under the decompressor
		return 0, c.readErr
	case errors.Is(err, ErrInflateLimit):
		return 0, c.fail(&CloseError{Code: CloseMessageTooBig, Reason: "message exceeds the read limit after decompression"})
	default:
		return 0, c.fail(&CloseError{Code: CloseInvalidPayload, Reason: "compressed message does not inflate"})
	}
}

// drainInflated reads the rest of a compressed message the application
// left unread, through the decompressor: with context takeover the next
// message may refer back into it.
//
//go:noinline
func (c *Conn) drainInflated() {
	var buf [512]byte
	for {
		if _, err := c.readMsg(buf[:]); err != nil {
			return
		}
	}
}

// startWrite begins a NextWriter message, compressed into sink.
func (d *deflateConn) startWrite(sink io.Writer) {
	d.sw = d.w.writer(sink)
}

// endWrite ends it.
func (d *deflateConn) endWrite() { d.sw = nil }

// compressing returns the compressor of the message being written, or nil.
func (mw *messageWriter) compressing() io.WriteCloser {
	if d := (*Conn)(mw).deflate(); d != nil {
		return d.sw
	}
	return nil
}

// writeCompressed writes one compressed message with RSV1 on its frame.
// The caller holds wmu.
func (c *Conn) writeCompressed(op Opcode, data []byte) error {
	b := getBuf()
	defer putBuf(b)
	z, err := c.deflate().w.compress(b[MaxHeaderLen:MaxHeaderLen], data)
	if err != nil {
		return err
	}
	c.wrsv = rsv1
	defer func() { c.wrsv = 0 }()
	switch inBuf := len(z) > 0 && &z[0] == &b[MaxHeaderLen]; {
	case c.corkRoom(headerSize(int64(len(z)), !c.isServer) + len(z)):
		c.corkAppend(c.header(true, op, len(z)), z)
		return nil
	case inBuf && len(z) <= maxFramePayload:
		return c.sendFrame(true, op, b, len(z))
	default:
		return c.writeLarge(op, z)
	}
}
