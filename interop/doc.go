// Package interop tests wirelab's WebSocket engine against real peers, each
// as a client of our server and, where it can be one, as a server for our
// client:
//
//   - headless Chromium, driven with chromedp (client only);
//   - Python websockets, sync API (python/client.py, python/server.py);
//   - Node ws (node/client.js, node/server.js);
//   - gorilla/websocket, in process, over net/http.
//
// Every pairing runs the same matrix: subprotocol choice, text and binary
// round trips, fragmented messages in both directions (text split inside
// UTF-8 sequences), 70000-byte and 1 MiB messages, a ping from each side
// answered by a pong, and the close handshake started by each side with code
// 4000 or 4001 and a reason, which the other side must see, cleanly. The
// browser also checks readyState, the CloseEvent and the Origin policy.
//
// This is a module of its own so that chromedp and gorilla stay out of the
// library's go.mod. scripts/interop installs the peers and runs it; it tells
// the tests where the peers are through WIRELAB_PYTHON (a Python with
// websockets), WIRELAB_NODE (node; node/node_modules holds ws) and
// WIRELAB_CHROMIUM. A missing peer skips its tests with an install hint, or
// fails them when CI=true.
//
// The peers' scripts and our own echo server speak one small protocol on top
// of echo, so every pairing can trigger the same events:
//
//	"!ping X"         the server pings with payload X, then sends "pong:X" once the pong is back
//	"!close C R"      the server starts the close handshake with code C and reason R
//	"!frag N"         the server sends N bytes of 'f' as one text message in several frames
//	anything else     echoed with the same type
package interop
