//go:build unix

package devserver

import (
	"os"
	"syscall"
)

// signalRules is what each signal does on Unix.
var signalRules = []signalRule{
	{sig: os.Interrupt, name: "SIGINT", headless: doStop, inspector: doStop},
	{sig: syscall.SIGTERM, name: "SIGTERM", headless: doStop, inspector: doStop},
	// With the inspector, SIGHUP means the terminal went away: quit, as
	// interactive programs do. Headless, it reloads, as in gunicorn.
	{sig: syscall.SIGHUP, name: "SIGHUP", headless: doReload, inspector: doStop},
	{sig: syscall.SIGUSR1, name: "SIGUSR1", headless: doRelease, inspector: doRelease},
}
