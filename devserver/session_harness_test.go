package devserver_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// sessionTimeout bounds every wait of the session tests.
const sessionTimeout = 30 * time.Second

// testSession is a session on a real Python child serving app.py from a
// temporary folder, with a subscription that sees what a UI would.
type testSession struct {
	*devserver.Session
	t       *testing.T
	dir     string
	sub     *exchange.Subscription
	pending []exchange.Update
}

// startSession writes app as app.py into a new folder and runs a session
// on it, with cfg's settings and env added to the child's environment. It
// waits until the app is loaded; the session stops when the test ends.
func startSession(t *testing.T, app string, cfg devserver.SessionConfig, env ...string) *testSession {
	t.Helper()
	dir := t.TempDir()
	writeApp(t, dir, app)
	py, err := pyrunner.FindPython(cfg.Child.Python.Path, dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Child = pyrunner.Config{Python: py, Spec: pyrunner.AppSpec{File: "app.py"}, Dir: dir, Threads: 4,
		Env:          append([]string{"PYTHONDONTWRITEBYTECODE=1"}, env...),
		KeepFailures: cfg.Child.KeepFailures, PostMortem: cfg.Child.PostMortem}
	return runSession(t, dir, cfg)
}

// runSession starts a session with cfg (its version and body cap set for
// tests) on the app in dir, subscribed as a UI would be, and waits until
// the app is loaded; the session stops when the test ends.
func runSession(t *testing.T, dir string, cfg devserver.SessionConfig) *testSession {
	t.Helper()
	cfg.Version, cfg.BodyCap = "test", 1<<20
	sess, err := devserver.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testSession{Session: sess, t: t, dir: dir, sub: sess.Hub().Subscribe()}
	t.Cleanup(func() {
		sess.Stop()
		ts.sub.Close()
	})
	if _, err := sess.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.Loaded(); err != nil {
		t.Fatal(err)
	}
	return ts
}

func writeApp(t *testing.T, dir, app string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(app), 0o644); err != nil {
		t.Fatal(err)
	}
}

// next returns the first update that match accepts, skipping others.
func (ts *testSession) next(what string, match func(exchange.Update) bool) exchange.Update {
	ts.t.Helper()
	deadline := time.NewTimer(sessionTimeout)
	defer deadline.Stop()
	for {
		for len(ts.pending) > 0 {
			u := ts.pending[0]
			ts.pending = ts.pending[1:]
			if match(u) {
				return u
			}
		}
		select {
		case <-ts.sub.Wake():
			ts.pending, _ = ts.sub.Drain()
		case <-deadline.C:
			ts.t.Fatalf("never saw %s", what)
		}
	}
}

// held waits until a request is held at pos and returns its ID.
func (ts *testSession) held(pos string) uint64 {
	ts.t.Helper()
	u := ts.next("a request held at "+pos, func(u exchange.Update) bool {
		return u.Event != nil && u.Event.Event.Kind == exchange.EventHeld && u.Event.Event.Text == pos
	})
	return u.Event.ID
}

// done waits for the end of exchange id.
func (ts *testSession) done(id uint64) *exchange.Exchange {
	ts.t.Helper()
	return ts.next("the request's end", func(u exchange.Update) bool { return u.Done != nil && u.Done.ID == id }).Done
}

// notice waits for a notice that contains text.
func (ts *testSession) notice(text string) string {
	ts.t.Helper()
	return ts.next("a notice with "+text, func(u exchange.Update) bool {
		return u.Notice != nil && strings.Contains(u.Notice.Text, text)
	}).Notice.Text
}

// reloaded waits for the next reload and fails the test if it failed.
func (ts *testSession) reloaded() *exchange.Reload {
	ts.t.Helper()
	r := ts.next("a reload", func(u exchange.Update) bool { return u.Reload != nil }).Reload
	if !r.OK {
		ts.t.Fatalf("the reload failed: %s", r.Error)
	}
	return r
}

// text requests path and returns the body, failing unless the status is 200.
func (ts *testSession) text(path string) string {
	ts.t.Helper()
	resp, err := client.Get(ts.BaseURL() + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		ts.t.Fatalf("GET %s: %s %q (%v)", path, resp.Status, body, err)
	}
	return string(body)
}

// fetch requests path in the background and passes on the body, or the
// status code when it is not 200, or the error.
func (ts *testSession) fetch(path string) <-chan string {
	out := make(chan string, 1)
	go func() {
		resp, err := client.Get(ts.BaseURL() + path)
		if err != nil {
			out <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			out <- resp.Status
			return
		}
		out <- string(body)
	}()
	return out
}

// answer waits for what fetch passes on.
func answer(t *testing.T, c <-chan string) string {
	t.Helper()
	select {
	case s := <-c:
		return s
	case <-time.After(sessionTimeout):
		t.Fatal("no answer")
		return ""
	}
}
