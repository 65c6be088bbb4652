package pyrunner

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func appVersion(body string) string {
	return "import time\n\ndef application(environ, start_response):\n" +
		"    if environ.get('PATH_INFO') == '/slow':\n        time.sleep(0.5)\n" +
		"    start_response('200 OK', [('Content-Type', 'text/plain')])\n" +
		"    return [b'" + body + "']\n"
}

func callBody(t *testing.T, r *Runner, path string) (string, error) {
	t.Helper()
	return callEnviron(t, r, "REQUEST_METHOD", "GET", "PATH_INFO", path)
}

// callEnviron makes one call with these environ fields and returns its body.
func callEnviron(t *testing.T, r *Runner, environ ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	call, err := r.Call(ctx, CallRequest{Environ: environ})
	if err != nil {
		return "", err
	}
	var body strings.Builder
	for _, ev := range collect(t, call) {
		if ev.Kind == EventChunk {
			body.Write(ev.Data)
		}
		if ev.Kind == EventDone && ev.Failure != nil {
			return "", errors.New(ev.Failure.Message)
		}
	}
	return body.String(), nil
}

func reloadAndWait(t *testing.T, r *Runner) Reload {
	t.Helper()
	got := make(chan Reload, 1)
	if err := r.Reload([]string{"app.py"}, 5*time.Second, func(res Reload) { got <- res }); err != nil {
		t.Fatal(err)
	}
	select {
	case res := <-got:
		return res
	case <-time.After(20 * time.Second):
		t.Fatal("reload did not finish")
		return Reload{}
	}
}

func TestReloadSwitchesCodeAndRecoversFromBrokenSave(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.py")
	writeFile(t, app, appVersion("v1"))
	r := startRunner(t, AppSpec{File: app})
	if body, err := callBody(t, r, "/"); body != "v1" {
		t.Fatalf("got %q %v", body, err)
	}

	// A call in flight during the reload finishes on the old code.
	slow := make(chan string, 1)
	go func() {
		body, _ := callBody(t, r, "/slow")
		slow <- body
	}()
	waitFor(t, func() bool { return r.inFlight() > 0 })
	writeFile(t, app, appVersion("v2"))
	if res := reloadAndWait(t, r); res.Info == nil {
		t.Fatalf("reload failed: %+v", res.LoadErr)
	}
	if body, _ := callBody(t, r, "/"); body != "v2" {
		t.Fatalf("after reload got %q", body)
	}
	if body := <-slow; body != "v1" {
		t.Fatalf("in-flight call got %q, want the old code's v1", body)
	}

	writeFile(t, app, "def application(:\n")
	res := reloadAndWait(t, r)
	if res.LoadErr == nil || res.LoadErr.Kind != "SyntaxError" {
		t.Fatalf("want a SyntaxError, got %+v", res)
	}
	var le *LoadError
	if _, err := callBody(t, r, "/"); !errors.As(err, &le) {
		t.Fatalf("requests after a broken save should get the LoadError, got %v", err)
	}

	writeFile(t, app, appVersion("v3"))
	if res := reloadAndWait(t, r); res.Info == nil {
		t.Fatalf("recovery failed: %+v", res.LoadErr)
	}
	if body, _ := callBody(t, r, "/"); body != "v3" {
		t.Fatalf("after the fix got %q", body)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
