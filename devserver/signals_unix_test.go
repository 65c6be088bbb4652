//go:build unix

package devserver

import (
	"fmt"
	"os"
	"syscall"
	"testing"
)

// What each signal does on Unix, headless and with the inspector.
func TestSignalTable(t *testing.T) {
	for _, tt := range []struct {
		sig                 os.Signal
		headless, inspector sessionAction
	}{
		{os.Interrupt, doStop, doStop},
		{syscall.SIGTERM, doStop, doStop},
		{syscall.SIGHUP, doReload, doStop}, // with the inspector: the terminal went away
		{syscall.SIGUSR1, doRelease, doRelease},
		{syscall.SIGUSR2, doNothing, doNothing},
	} {
		if got, _ := signalAction(tt.sig, false); got != tt.headless {
			t.Errorf("%v headless does %d, want %d", tt.sig, got, tt.headless)
		}
		if got, _ := signalAction(tt.sig, true); got != tt.inspector {
			t.Errorf("%v with the inspector does %d, want %d", tt.sig, got, tt.inspector)
		}
	}
}

// What the banner and the notices tell a user on Unix about reloading and
// releasing held requests by hand.
func TestHintsOnUnix(t *testing.T) {
	kill := fmt.Sprintf("`kill -USR1 %d`", os.Getpid())
	for _, tt := range []struct {
		name               string
		inspector          bool
		terminal           bool
		reload, held, wait string
	}{
		{"inspector", true, true, "R reloads", "", "R again releases them and reloads"},
		{"headless on a terminal", false, true, "SIGHUP or type r⏎ reloads",
			"without the inspector held requests only wait: " + kill + " or type c⏎ releases them (they run to the end)",
			kill + " or type c⏎ releases every held request"},
		{"headless without a terminal", false, false, "SIGHUP reloads",
			"without the inspector held requests only wait: " + kill + " releases them (they run to the end)",
			kill + " releases every held request"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Session{cfg: SessionConfig{Inspector: tt.inspector}}
			if tt.terminal {
				s.cfg.Terminal = os.Stdin
			}
			if got := s.ReloadHint(); got != tt.reload {
				t.Errorf("ReloadHint() = %q, want %q", got, tt.reload)
			}
			if got := s.HeldHint(); got != tt.held {
				t.Errorf("HeldHint() = %q, want %q", got, tt.held)
			}
			if got := s.reloadRelease(); got != tt.wait {
				t.Errorf("reloadRelease() = %q, want %q", got, tt.wait)
			}
		})
	}
}
