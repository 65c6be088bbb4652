package devserver

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strconv"
	"time"
)

// listen opens the session's port, and words the usual failures as what
// to do about them. The OS's errors differ (listen_<os>.go).
func listen(host string, port int) (net.Listener, error) {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	switch {
	case err == nil:
		return l, nil
	case addrInUse(err):
		return nil, fmt.Errorf("port %d on %s is already in use (another server running?); stop it, or pick another port with --port %d, or --port 0 for a free one", port, host, port+1)
	case notAllowed(err):
		return nil, fmt.Errorf("not allowed to bind %s: %s", addr, notAllowedHint)
	}
	return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
}

// SocketMode is the mode of the unix socket file wsgidev serves on: its
// owner and group may connect (a local nginx in the group), others not.
const SocketMode fs.FileMode = 0o660

// listenSocket opens a unix socket at path with SocketMode, whatever the
// umask (listen_<os>.go). A socket file left by a run that crashed is
// replaced; one a server still answers on, or a file of another kind, is
// an error. Closing the listener removes the file.
func listenSocket(path string) (net.Listener, error) {
	where := "--bind unix:" + path
	if err := clearStaleSocket(path); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	l, err := listenUnixSocket(path, SocketMode)
	switch {
	case err == nil:
		return l, nil
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("%s: not allowed to make the socket there; choose a folder you can write to", where)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: the folder does not exist; make it first, or choose another path", where)
	}
	return nil, fmt.Errorf("%s: %w", where, err)
}

// clearStaleSocket removes a socket file at path that no server answers
// on: what a run killed with SIGKILL leaves behind.
func clearStaleSocket(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return errors.New("a file that is not a socket is there; wsgidev replaces only a socket a stopped server left: remove it, or choose another path")
	}
	c, err := net.DialTimeout("unix", path, time.Second)
	if err == nil {
		c.Close()
		return errors.New("a server is listening on this socket (another wsgidev?); stop it, or choose another path")
	}
	if !connRefused(err) {
		return fmt.Errorf("a socket is there and wsgidev cannot tell whether a server still uses it (%v); remove it if none does", err)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("removing the socket a stopped server left: %w", err)
	}
	return nil
}
