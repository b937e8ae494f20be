package interop

import (
	"path/filepath"
	"testing"
)

// TestNodeClient runs Node ws as a client (node/client.js) against our
// Upgrader on httpcore.
func TestNodeClient(t *testing.T) {
	node := nodeTool(t)
	s := startEchoServer(t, ourUpgrader(), nil)
	runPeerClient(t, "node client", node, filepath.Join("node", "client.js"), s.URL)
	checkServerReports(t, s)
}

// TestNodeServer runs our Dialer against a Node ws server (node/server.js).
func TestNodeServer(t *testing.T) {
	node := nodeTool(t)
	p, url := startPeerServer(t, "node server", node, filepath.Join("node", "server.js"))
	runClientMatrix(t, url, procCloses(p))
}
