//go:build unix

package devserver_test

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// A client that waits for 100 Continue and gives up while its request is
// held releases it at once, though nothing of its body was read.
func TestHeldExpectContinueClientGone(t *testing.T) {
	ts := startStepping(t)
	d := ts.srv.Debugger()
	d.SetBreak(breakpoint(t, "POST /echo"))
	conn := ts.postRaw(t, "/echo", len("name=x"), "Expect: 100-continue\r\n", "")
	waitHeld(t, d, exchange.HeldBeforeApp)
	conn.Close()
	waitNoneHeld(t, d)
	if f := ts.waitExchange(t, byPath("/echo")).Failure; f == nil || f.Kind != exchange.FailCancelled {
		t.Errorf("failure %+v, want cancelled", f)
	}
}

// A client that sends its body without waiting for 100 Continue (curl
// does after a second) has it read ahead: leaving releases the request,
// and staying gets the app's answer to the whole body.
func TestHeldExpectContinueBodySentAnyway(t *testing.T) {
	for _, leaves := range []bool{true, false} {
		t.Run(fmt.Sprintf("leaves=%v", leaves), func(t *testing.T) {
			ts := startStepping(t)
			d := ts.srv.Debugger()
			d.SetBreak(breakpoint(t, "POST /echo"))
			conn := ts.postRaw(t, "/echo", len("name=x"), "Expect: 100-continue\r\nConnection: close\r\n", "name=x")
			h := waitHeld(t, d, exchange.HeldBeforeApp)
			if leaves {
				conn.Close()
				waitNoneHeld(t, d)
				return
			}
			must(t, d.Continue(h.ID))
			answer := (&rawClient{conn: conn}).rest(t)
			if want := fmt.Sprintf("6 %x", sha256.Sum256([]byte("name=x"))); !strings.HasSuffix(answer, want) {
				t.Errorf("answer %q, want it to end in %s", answer, want)
			}
		})
	}
}
