//go:build windows

package devserver

import (
	"errors"

	"golang.org/x/sys/windows"
)

func addrInUse(err error) bool  { return errors.Is(err, windows.WSAEADDRINUSE) }
func notAllowed(err error) bool { return errors.Is(err, windows.WSAEACCES) }

// Windows lets anyone bind a low port, but refuses ports it reserves
// (Hyper-V, WSL) and ones another program holds exclusively.
const notAllowedHint = "Windows reserves this port or another program holds it (`netsh interface ipv4 show excludedportrange protocol=tcp` lists the reserved ones); pick another with --port, or --port 0 for a free one"
