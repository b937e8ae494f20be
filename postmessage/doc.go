// Package postmessage serves a lab for window.postMessage, the browser's
// way for pages of different origins to talk: three real origins on
// loopback, a safe and a deliberately vulnerable message receiver side by
// side, and a postMessage ↔ WebSocket bridge.
//
// # Cross-origin messages
//
// The same-origin policy keeps a page from reading another origin's
// document, but a page that holds a reference to another window — its
// iframe's contentWindow, window.parent, window.opener, what window.open
// returned — may post it a message:
//
//	otherWindow.postMessage(data, "http://127.0.0.2:8402") // targetOrigin
//
// data is copied with the structured clone algorithm (no functions, no
// DOM nodes). The browser delivers the message only if the receiving window
// still shows a document of targetOrigin; "*" delivers it to whatever the
// window shows, which leaks data once that window has navigated elsewhere.
//
// The receiver gets a MessageEvent with three fields that matter:
//
//	event.data    the copy of data
//	event.origin  the sender's origin, serialised ("http://127.0.0.2:8402"); set by the browser, not forgeable
//	event.source  the sender's WindowProxy: the only way to answer it
//
// Any page can post to any window it has a reference to, so a receiver must
// check event.origin against an allow-list before it acts, check the shape of
// event.data, and answer with event.source.postMessage(reply, event.origin),
// never "*".
//
// # The lab
//
// Three origins (Origins): the parent page (A) embeds a frame (B) and runs
// two receivers on its window; the attacker page (C) frames the parent and
// calls both. The safe receiver ignores C; the vulnerable one, which skips
// the origin check and answers "*", hands C its token and lets C rename its
// account. Each receiver's table shows event.data, event.origin and
// event.source for every message.
//
// The frame holds a WebSocket to the lab's server on its own origin, and
// relays between it and the parent — a common pattern for widgets, payment
// forms and sign-in frames. The Upgrader's OriginPolicy admits only origin
// B, so the parent cannot open the WebSocket itself (403); the frame accepts
// postMessage only from the parent's origin and window; the parent accepts
// bridge messages only from the frame's.
//
// # One origin type
//
// Origins are websocket.Origin values, the RFC 6454 origin the websocket
// package parses (websocket.ParseOrigin) and checks handshakes with
// (websocket.OriginPolicy). The pages' allow-lists are rendered from
// OriginPolicy values by AllowList, with Origin.String's serialisation —
// lower-case scheme and host, default port omitted — which is the very
// string a browser puts in event.origin, so a page's check is
// allow.includes(event.origin). The WebSocket's OriginPolicy and the pages'
// Content-Security-Policy come from the same values.
//
// # The helper
//
// HelperPath serves a small JavaScript module, in the manner of penpal or
// post-robot, that every page imports: a message format with ids
// (Protocol), request/response with timeouts, an origin and window check
// on every incoming message, and an explicit targetOrigin on every outgoing
// one. Malformed messages are ignored with a console warning, never thrown.
//
// # Serving
//
//	s, err := postmessage.Start(postmessage.Config{
//		ParentAddr:   "127.0.0.1:8401",
//		FrameAddr:    "127.0.0.2:8402", // all of 127.0.0.0/8 is loopback on Linux
//		AttackerAddr: "127.0.0.3:8403",
//	})
//	if err != nil {
//		return err
//	}
//	defer s.Shutdown(context.Background())
//	fmt.Println("open", s.ParentURL(), "then", s.AttackerURL())
//
// "wirelab postmessage serve" does this and prints the URLs. The headless
// Chromium tests are in the browsertest directory, a module of its own.
package postmessage
