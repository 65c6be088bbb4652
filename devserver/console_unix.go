//go:build unix

package devserver

import (
	"os/signal"
	"syscall"
)

// quietBackgroundReads makes a read of the terminal from the background
// (wsgidev serve &, or Ctrl-Z then bg) fail instead of stopping the whole
// server with SIGTTIN; the console reads again a second later, and works
// once wsgidev is back in the foreground.
func quietBackgroundReads() { signal.Ignore(syscall.SIGTTIN) }
