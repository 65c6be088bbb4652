//go:build unix

package devserver_test

import (
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// kill sends sig to this process, where a session with Signals listens.
func kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		t.Fatal(err)
	}
}

// waitStopped waits for Wait to return: a stop signal was taken.
func waitStopped(t *testing.T, ts *testSession) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- ts.Wait(nil) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(sessionTimeout):
		t.Fatal("the session did not stop")
	}
}

// Real signals do what the Unix table says. Not parallel: a signal goes
// to the whole test process, and only one session may listen.
func TestSignalsOnUnix(t *testing.T) {
	ts := startSession(t, appVersion("v1"), devserver.SessionConfig{Signals: true, Breaks: mustBreak(t, "GET /held")})
	held := ts.fetch("/held")
	ts.held(exchange.HeldBeforeApp)
	kill(t, syscall.SIGUSR1)
	ts.notice("SIGUSR1: released 1 request held in the debugger")
	if got := answer(t, held); got != "v1" {
		t.Errorf("the released request got %q", got)
	}

	writeApp(t, ts.dir, appVersion("v2"))
	kill(t, syscall.SIGHUP) // headless: reload
	ts.reloaded()
	if body := ts.text("/"); body != "v2" {
		t.Errorf("after SIGHUP: %q, want v2", body)
	}

	slow := ts.fetch("/slow")
	ts.next("the slow request", func(u exchange.Update) bool { return u.Started != nil && u.Started.Target == "/slow" })
	kill(t, syscall.SIGTERM)
	waitStopped(t, ts)
	kill(t, syscall.SIGTERM) // during the shutdown: at once
	if err := ts.Stop(); !errors.Is(err, devserver.ErrInterrupted) {
		t.Errorf("Stop after a second SIGTERM: %v, want ErrInterrupted", err)
	}
	if got := answer(t, slow); got == "slept" {
		t.Error("the slow request finished although the session stopped at once")
	}

	// With the inspector, SIGHUP means the terminal went away: stop.
	ts = startSession(t, appVersion("v1"), devserver.SessionConfig{Signals: true, Inspector: true})
	kill(t, syscall.SIGHUP)
	waitStopped(t, ts)
	if err := ts.Stop(); err != nil {
		t.Errorf("a graceful stop: %v", err)
	}
}
