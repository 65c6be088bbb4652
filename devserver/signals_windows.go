//go:build windows

package devserver

import (
	"os"
	"syscall"
)

// signalRules is what each signal does on Windows. There is no SIGHUP or
// SIGUSR1: headless users reload and release held requests by typing r
// and c (console.go).
var signalRules = []signalRule{
	// Go delivers both Ctrl-C and Ctrl-Break as os.Interrupt.
	{sig: os.Interrupt, name: "Ctrl-C", headless: doStop, inspector: doStop},
	// Closing the console window, logging off, shutting down.
	{sig: syscall.SIGTERM, name: "SIGTERM", headless: doStop, inspector: doStop},
}
