// Package wsdecode explains raw WebSocket frames (RFC 6455 §5) field by
// field, for teaching: "wirelab ws decode", the WebSocket lessons and the
// checker behind "wirelab check ws" show frames through it.
//
// DecodeFrames cuts each frame into its wire fields (byte 0 with FIN, the RSV
// bits and the opcode; byte 1 with MASK and the 7-bit length; the extended
// length; the masking key; the payload, and a close frame's code and reason),
// each an annot.Segment (the type httpcore/annotate uses for HTTP) with its
// offset, its bytes as sent and a note naming the rule:
//
//	d, err := wsdecode.DecodeFrames([]byte{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}, wsdecode.DecodeOptions{})
//	d.WriteText(os.Stdout)
//
//	frame 1 at byte 0: text, FIN, unmasked, 2-byte header, 5-byte payload
//	0  fin-rsv-opcode  81              FIN=1 (final frame), RSV=000, opcode=0x1 text (RFC 6455 §5.2)
//	1  mask-len        05              MASK=0 (unmasked, as a server must: RFC 6455 §5.1), payload len=5, 7-bit form (RFC 6455 §5.2)
//	2  payload         48 65 6c 6c 6f  "Hello"
//	message 1 at byte 0: text, 1 frame, 5 bytes: "Hello"
//
// The verdict is the engine's, not a second opinion: headers go through
// websocket.ParseFrameHeader, close payloads through websocket.ParseClose and
// text through websocket.UTF8Validator, the same code a websocket.Conn runs,
// and a test holds DecodeFrames and a Conn to the same verdict on every input
// of its table and of a fuzz target. The package lives apart from websocket
// so that the engine carries only the engine.
package wsdecode
