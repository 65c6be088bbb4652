//go:build windows

package devserver

import (
	"errors"
	"io/fs"
	"net"

	"golang.org/x/sys/windows"
)

func addrInUse(err error) bool   { return errors.Is(err, windows.WSAEADDRINUSE) }
func notAllowed(err error) bool  { return errors.Is(err, windows.WSAEACCES) }
func connRefused(err error) bool { return errors.Is(err, windows.WSAECONNREFUSED) }

// Windows lets anyone bind a low port, but refuses ports it reserves
// (Hyper-V, WSL) and ones another program holds exclusively.
const notAllowedHint = "Windows reserves this port or another program holds it (`netsh interface ipv4 show excludedportrange protocol=tcp` lists the reserved ones); pick another with --port, or --port 0 for a free one"

// listenUnixSocket listens on path (Windows 10 and later). Who may
// connect is the folder's ACL's to say: Windows has no mode bits, so mode
// is not applied.
func listenUnixSocket(path string, _ fs.FileMode) (net.Listener, error) {
	return net.Listen("unix", path)
}
