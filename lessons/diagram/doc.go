// Package diagram draws pictures of what really happened on the wire, in the
// terminal, with box-drawing characters.
//
// Sequence draws a sequence diagram from events a demo recorded while it
// ran: one lifeline (│) per actor, one arrow per message (──▶ or ◀──) with
// its label and byte count, and a left column of timings since the start:
//
//	rec := diagram.NewRecorder()
//	rec.Open(0, 1, "connect")
//	rec.Record(0, 1, "GET /", 78)
//	rec.Record(1, 0, "200 OK", 120)
//	rec.Close(0, 1, "close")
//	diagram.Sequence(os.Stdout, []string{"client", "server"}, rec.Events(), diagram.Options{Width: 80})
//
// Widths are counted in terminal cells, so Chinese actor names and labels,
// whose characters are two cells wide, line up as well as English ones;
// labels too long for the space between two lifelines are wrapped.
// Options.Compact writes a label on its arrow when it fits there.
//
// A Tap records real connections instead of hand-written events: it wraps
// a client's dial and a server's listener, and records the connect, every
// write (with its size and a label read from its bytes) and each side's
// FIN, each just before it happens, so that an answer never precedes its
// question. Recorder.Wait with AllClosed waits until both ends have
// closed, so that the picture is whole before it is drawn:
//
//	rec := diagram.NewRecorder()
//	ln = diagram.Tap{Rec: rec, Local: 1, Remote: 0}.Listen(ln)
//	c, err := diagram.Tap{Rec: rec, Local: 0, Remote: 1}.Dial(ctx, addr, "connect")
//	…
//	rec.Wait(ctx, diagram.AllClosed)
//	diagram.Sequence(os.Stdout, []string{"client", "server"}, rec.Events(), diagram.Options{Compact: true})
//
// FrameHeader draws the header of a WebSocket frame as the bit diagram of
// RFC 6455 §5.2, with the frame's real bits in the boxes and a legend that
// reads each field.
package diagram
