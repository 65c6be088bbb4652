//go:build unix

package devserver_test

import (
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
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

// Over HTTPS too: the connection watched is the one under TLS. A client
// that leaves releases its request; one that sends its body anyway gets
// the app's answer once the request is continued.
func TestHeldExpectContinueHTTPS(t *testing.T) {
	cert, err := devserver.LocalCert(t.TempDir(), time.Now())
	must(t, err)
	ts := startSession(t, servingApp, devserver.SessionConfig{TLS: cert, Breaks: []devserver.Breakpoint{breakpoint(t, "POST /held*")}})
	roots := trusting(cert, nil).Transport.(*http.Transport).TLSClientConfig.RootCAs
	post := func(path, body string) (*tls.Conn, uint64) {
		conn, err := tls.Dial("tcp", strings.TrimPrefix(ts.BaseURL(), "https://"), &tls.Config{RootCAs: roots, ServerName: "127.0.0.1"})
		must(t, err)
		t.Cleanup(func() { conn.Close() })
		_, err = fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n%s", path, body)
		must(t, err)
		held := ts.next(path+" held", func(u exchange.Update) bool { return u.Event != nil && u.Event.Event.Kind == exchange.EventHeld })
		return conn, held.Event.ID
	}

	conn, _ := post("/held-gone", "")
	conn.Close()
	ex := ts.next("the end of /held-gone", func(u exchange.Update) bool { return u.Done != nil && u.Done.Target == "/held-gone" }).Done
	if f := ex.Failure; f == nil || f.Kind != exchange.FailCancelled {
		t.Errorf("a client gone: failure %+v, want cancelled", f)
	}

	conn, id := post("/held-stays", "name=x")
	must(t, ts.Control().Continue(id))
	conn.SetDeadline(time.Now().Add(sessionTimeout))
	answer, err := io.ReadAll(conn)
	if err != nil || !strings.Contains(string(answer), "299 Custom Reason") {
		t.Errorf("a client that sent its body anyway got %q (%v), want the app's answer", answer, err)
	}
}
