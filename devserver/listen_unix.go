//go:build unix

package devserver

import (
	"errors"
	"syscall"
)

func addrInUse(err error) bool  { return errors.Is(err, syscall.EADDRINUSE) }
func notAllowed(err error) bool { return errors.Is(err, syscall.EACCES) }

const notAllowedHint = "ports below 1024 need root; use --port 8000"
