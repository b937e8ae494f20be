// Package layout has no code: its test keeps the module's layout in order.
//
// The engines, httpcore, websocket and polling, carry only the protocol.
// What explains or measures it lives in packages above them:
// httpcore/annotate, websocket/wsdecode, polling/compare, annot and the
// lessons. The test lists what the engines import with
//
//	go list -deps -json ./httpcore ./websocket ./polling
//
// and fails, naming the import chain, when an engine reaches a chart, font,
// image or Markdown package, a package of this module other than an engine,
// or a third-party module not on its short list.
package layout
