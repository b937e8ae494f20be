// Package annot holds what the annotated views of the wire have in common:
// a Segment, one piece of a message with its offset, its bytes as sent and a
// note that explains it. Package httpcore/annotate cuts HTTP/1.1 messages
// into segments and package websocket/wsdecode cuts WebSocket frames into
// them, so a tool that shows one can show the other.
//
// The package sits outside the engines (httpcore, websocket), which carry
// only the protocol.
package annot
