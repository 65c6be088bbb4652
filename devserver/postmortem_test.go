package devserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// failingApp raises with a local in its innermost frame; its caller's
// frame has a local of its own.
const failingApp = `def handler(path):
    marker = 'post-mortem-4711'
    raise ValueError("failed at " + path)

def application(environ, start_response):
    caller_local = 'caller-' + environ["PATH_INFO"]
    return handler(environ["PATH_INFO"])
`

// keeping is a session config whose child keeps n failures, with an
// inspector to answer pdb (without one, nor a terminal, stdin is at its end).
func keeping(n int) devserver.SessionConfig {
	return devserver.SessionConfig{Child: pyrunner.Config{KeepFailures: n}, Inspector: true}
}

// failed requests path, which must answer 500, and returns its exchange ID.
func (ts *testSession) failed(path string) uint64 {
	ts.t.Helper()
	resp, err := client.Get(ts.BaseURL() + path)
	if err != nil {
		ts.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError {
		ts.t.Fatalf("GET %s: %s, want 500", path, resp.Status)
	}
	return ts.next("the end of "+path, func(u exchange.Update) bool { return u.Done != nil && u.Done.Target == path }).Done.ID
}

// postMortem opens a post-mortem of request id, types commands at its
// prompts (then ctrl+d), and returns what the session showed and its end.
func (ts *testSession) postMortem(id uint64, commands ...string) (string, *exchange.PostMortem) {
	ts.t.Helper()
	if err := ts.Control().PostMortem(id); err != nil {
		ts.t.Fatal(err)
	}
	var out strings.Builder
	for {
		u := ts.next("the post-mortem's next step", func(u exchange.Update) bool { return u.PostMortem != nil && u.PostMortem.ID == id })
		pm := u.PostMortem
		out.WriteString(pm.Text)
		switch {
		case pm.End:
			return out.String(), pm
		case pm.Input && len(commands) == 0:
			ts.Control().Input(id, "", true)
		case pm.Input:
			out.WriteString(commands[0] + "\n")
			if err := ts.Control().Input(id, commands[0], false); err != nil {
				ts.t.Fatal(err)
			}
			commands = commands[1:]
		}
	}
}

func TestPostMortemOfAFailedRequest(t *testing.T) {
	ts := startSession(t, failingApp, keeping(10))
	id := ts.failed("/boom")
	out, end := ts.postMortem(id, "p marker", "up", "p caller_local", "where")
	for _, want := range []string{"ValueError: failed at /boom", "'post-mortem-4711'", "'caller-/boom'", "handler()"} {
		if !strings.Contains(out, want) {
			t.Errorf("the session lacks %q:\n%s", want, out)
		}
	}
	if end.Note != "" {
		t.Errorf("a session the user closed ends with the note %q", end.Note)
	}
	err := ts.Control().PostMortem(id)
	if err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("a post-mortem of a closed one: %v, want why (closed)", err)
	}
}

func TestPostMortemAfterAReload(t *testing.T) {
	ts := startSession(t, failingApp, keeping(10))
	id := ts.failed("/boom")
	ts.Control().Reload()
	ts.reloaded()
	err := ts.Control().PostMortem(id)
	if err == nil || !strings.Contains(err.Error(), "reloaded") {
		t.Errorf("a post-mortem after a reload: %v, want one saying the app was reloaded", err)
	}
}

func TestPostMortemBoundDropsTheOldest(t *testing.T) {
	ts := startSession(t, failingApp, keeping(2))
	first := ts.failed("/1")
	ts.failed("/2")
	third := ts.failed("/3")
	err := ts.Control().PostMortem(first)
	if err == nil || !strings.Contains(err.Error(), "dropped") {
		t.Errorf("the oldest of three with --keep-failures 2: %v, want one saying it was dropped", err)
	}
	if out, _ := ts.postMortem(third, "p marker"); !strings.Contains(out, "post-mortem-4711") {
		t.Errorf("the newest failure was not kept:\n%s", out)
	}
}

// TestReloadClosesAPostMortem: a session open at a reload ends, and says why.
func TestReloadClosesAPostMortem(t *testing.T) {
	ts := startSession(t, failingApp, keeping(10))
	id := ts.failed("/boom")
	if err := ts.Control().PostMortem(id); err != nil {
		t.Fatal(err)
	}
	ts.next("the post-mortem's prompt", func(u exchange.Update) bool { return u.PostMortem != nil && u.PostMortem.Input })
	ts.Control().Reload()
	end := ts.next("the post-mortem's end", func(u exchange.Update) bool { return u.PostMortem != nil && u.PostMortem.End }).PostMortem
	if !strings.Contains(end.Note, "reloaded") {
		t.Errorf("a session closed by a reload ends with %q, want why", end.Note)
	}
}
