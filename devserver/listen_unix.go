//go:build unix

package devserver

import (
	"errors"
	"io/fs"
	"net"
	"syscall"
)

func addrInUse(err error) bool   { return errors.Is(err, syscall.EADDRINUSE) }
func notAllowed(err error) bool  { return errors.Is(err, syscall.EACCES) }
func connRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

const notAllowedHint = "ports below 1024 need root; use --port 8000"

// listenUnixSocket makes the socket file with mode from the start: the
// umask is set around the bind, as a chmod after it would leave a moment
// in which the umask's mode lets others connect. Nothing else in wsgidev
// makes files while a session opens its socket.
func listenUnixSocket(path string, mode fs.FileMode) (net.Listener, error) {
	old := syscall.Umask(int(0o777 &^ mode.Perm()))
	defer syscall.Umask(old)
	return net.Listen("unix", path)
}
