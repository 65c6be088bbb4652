package devserver

import (
	"fmt"
	"net"
	"strconv"
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
