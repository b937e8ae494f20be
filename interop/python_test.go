package interop

import (
	"path/filepath"
	"testing"
)

// TestPythonClient runs Python websockets' sync client (python/client.py)
// against our Upgrader on httpcore.
func TestPythonClient(t *testing.T) {
	py := pythonTool(t)
	s := startEchoServer(t, ourUpgrader(), nil)
	runPeerClient(t, "python client", py, filepath.Join("python", "client.py"), s.URL)
	checkServerReports(t, s)
}

// TestPythonServer runs our Dialer against Python websockets' sync server
// (python/server.py).
func TestPythonServer(t *testing.T) {
	py := pythonTool(t)
	p, url := startPeerServer(t, "python server", py, filepath.Join("python", "server.py"))
	runClientMatrix(t, url, procCloses(p))
}
