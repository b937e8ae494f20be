// Package textwrap wraps text to a width in terminal cells, for English and
// Chinese alike.
//
// Break opportunities come from the Unicode line breaking algorithm
// (UAX #14, as implemented by github.com/rivo/uniseg): Chinese breaks between
// characters, but never so that a line starts with closing punctuation such
// as ，。、）」 or ends with an opening one such as （「. On top of UAX #14, a
// run of characters that are neither spaces nor East Asian wide is kept
// whole: an English word, a header value like keep-alive or
// Sec-WebSocket-Accept, a URL or the WebSocket GUID
// 258EAFA5-E914-47DA-95CA-C5AB0DC85B11 breaks only at a space. A token wider
// than the width goes on a line of its own and overflows only then.
//
// Widths are counted in cells: East Asian wide and fullwidth characters take
// two, ANSI escape sequences none. Styled text stays styled across a break:
// a line that ends inside an SGR style is reset, and the next line opens the
// style again.
//
// Each input line is wrapped on its own. Its leading spaces are kept, and a
// list item ("- ", "• ", "1. ", "a) ") gets a hanging indent, so its
// continuation lines line up under the item's text:
//
//	textwrap.Wrap("- a list item that is a bit too long", 20)
//
//	- a list item that
//	  is a bit too long
package textwrap
