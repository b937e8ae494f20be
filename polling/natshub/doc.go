// Package natshub carries polling's channels on a NATS JetStream stream, so
// that several wirelab nodes serve the same channels and a client that
// moves from one node to another with its cursor loses nothing and repeats
// nothing.
//
// # Topology
//
// One JetStream stream per deployment (Config.Stream, "WIRELAB") holds every
// channel, one subject per channel ("wirelab.ch.<name>"). Publish sends to
// the channel's subject and returns only once JetStream has acknowledged the
// message (stored, and replicated if the stream has replicas) and the
// node's own consumer has delivered it, so POST /publish answers {"seq":N}
// for a message that survives the node and that readers of this node see.
//
// Each node reads each channel it serves through one ordered consumer,
// created the first time a client asks for that channel, and keeps what it
// reads in a polling.MemoryHub; every client of that channel on the node,
// whatever its transport, reads that hub. NATS sees one consumer per channel
// per node, never one per client, so ten thousand WebSocket subscribers
// cost NATS nothing more than one.
//
// # Which sequence is the cursor
//
// The cursor is the JetStream stream sequence of the message, the number in
// its PubAck and its metadata. It is the same number on every node, and it
// survives a consumer being recreated, a node restarting and a NATS server
// failing over, so a cursor from node A means the same message on node B.
// The alternatives do not: JetStream keeps no per-subject sequence, and a
// consumer's own sequence counts what that one consumer delivered and starts
// again at 1 when an ordered consumer is recreated.
//
// The price is gaps: the channels share one sequence, so channel "chat" may
// hold 3, 7, 8, 12. A cursor says "everything up to here": a client sends
// back the last number it saw, the node answers what has a higher number in
// that channel, and polling.MemoryHub accepts sequences with gaps for this.
// A node that has not yet read as far as a client's cursor (the client came
// from a node that was ahead) holds the client until it catches up, rather
// than calling the cursor bad; only a cursor beyond the stream's last
// sequence gets 400.
//
// # Retention
//
// Config.Retention.Count becomes the stream's MaxMsgsPerSubject (per
// channel) and Config.Retention.Age its MaxAge; each node's hub keeps the
// same, so a cursor older than what a channel keeps gets 410. A node that
// starts late replays each channel from the oldest message the stream keeps;
// it cannot tell whether the stream dropped older messages of that channel
// before it started, so until its own hub drops one, a cursor older than the
// oldest kept is served from the oldest kept rather than refused with 410.
// (Retention is one setting for the whole stream: JetStream limits messages
// per subject and age per stream, not per channel.)
//
// # When NATS is down
//
// Publish fails at once with an error naming the NATS URL (a Server answers
// 503 with Retry-After), and subscribers stay held: the ordered consumers
// reconnect by themselves when NATS returns and go on from the last
// sequence they delivered, so held clients get every message published
// after that.
//
// Importing polling does not import NATS; only this package does.
package natshub
