package devserver

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What may be at the socket's path: nothing, a socket a crashed run left
// (replaced), a live server's socket or another file (refused).
func TestListenSocketClearsOnlyStaleSockets(t *testing.T) {
	dir := t.TempDir()

	stale := filepath.Join(dir, "stale.sock")
	crashed, err := net.ListenUnix("unix", &net.UnixAddr{Name: stale, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	crashed.SetUnlinkOnClose(false) // as after a SIGKILL: the file stays, nobody listens
	crashed.Close()
	l, err := listenSocket(stale)
	if err != nil {
		t.Fatalf("a stale socket was not replaced: %v", err)
	}
	c, err := net.Dial("unix", stale)
	if err != nil {
		t.Fatalf("the new socket does not answer: %v", err)
	}
	c.Close()

	if _, err := listenSocket(stale); err == nil || !strings.Contains(err.Error(), "a server is listening on this socket") {
		t.Errorf("a live socket: %v", err)
	}
	l.Close()
	if _, err := os.Lstat(stale); !os.IsNotExist(err) {
		t.Errorf("closing the listener left the socket file (%v)", err)
	}

	regular := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(regular, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := listenSocket(regular); err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("a regular file: %v", err)
	}
	if data, _ := os.ReadFile(regular); string(data) != "keep me" {
		t.Error("the regular file was touched")
	}

	if _, err := listenSocket(filepath.Join(dir, "no", "such", "folder.sock")); err == nil || !strings.Contains(err.Error(), "folder does not exist") {
		t.Errorf("a missing folder: %v", err)
	}
}
