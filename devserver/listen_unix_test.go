//go:build unix

package devserver

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The socket's mode is SocketMode whatever the umask, a looser one or a
// stricter one. The test sets the process's umask: it runs alone.
func TestListenSocketModeIgnoresTheUmask(t *testing.T) {
	for _, umask := range []int{0o000, 0o077} {
		path := filepath.Join(t.TempDir(), "app.sock")
		old := syscall.Umask(umask)
		l, err := listenSocket(path)
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(path)
		l.Close()
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != SocketMode {
			t.Errorf("umask %03o: socket mode %v, want %v", umask, fi.Mode().Perm(), SocketMode)
		}
	}
}
