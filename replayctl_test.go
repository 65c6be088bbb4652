package main

// The inspector's Control as serve wires it: replays go to a real server
// with a real Python child, and come back recorded as replays.

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

const greetApp = `def application(environ, start_response):
    body = ("%s %s says %s\n" % (environ["REQUEST_METHOD"], environ["PATH_INFO"], GREETING)).encode()
    body += environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Seen-Headers", ",".join(sorted(k for k in environ if k.startswith("HTTP_"))))])
    return [body]

GREETING = "GREETING_VALUE"
`

// controlServer serves app.py (greetApp saying greeting) from a temp
// folder and returns the control serve would hand the inspector.
func controlServer(t *testing.T, greeting string) (*control, string) {
	t.Helper()
	dir := t.TempDir()
	writeGreeting(t, dir, greeting)
	return serveControl(t, dir), dir
}

// serveControl serves the app.py in dir, with env added to the child's
// environment, on a real child and loopback HTTP, and returns the control
// serve would hand the inspector; the server stops when the test ends.
func serveControl(t *testing.T, dir string, env ...string) *control {
	t.Helper()
	py, err := pyrunner.FindPython("", dir)
	if err != nil {
		t.Fatal(err)
	}
	hub := exchange.NewHub()
	runner, err := pyrunner.New(pyrunner.Config{Python: py, Spec: pyrunner.AppSpec{File: "app.py"}, Dir: dir,
		Env: append([]string{"PYTHONDONTWRITEBYTECODE=1"}, env...)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if _, err := runner.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := runner.Loaded(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := devserver.New(devserver.Config{Backend: runner, Hub: hub, BodyCap: 1 << 20, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		srv.Shutdown(sctx)
		runner.Stop(2 * time.Second)
	})
	reloads := &reloader{runner: runner, hub: hub, held: srv.Debugger(), ctx: context.Background()}
	return &control{reloader: reloads, srv: srv, hub: hub, base: strings.TrimSuffix(serverURL(l.Addr(), ""), "/")}
}

func writeGreeting(t *testing.T, dir, greeting string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "app.py"), []byte(strings.Replace(greetApp, "GREETING_VALUE", greeting, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// original makes a request as a client would and returns the server's
// record of it.
func original(t *testing.T, ctl *control, method, path, body string) *exchange.Exchange {
	t.Helper()
	sub := ctl.hub.Subscribe()
	defer sub.Close()
	req, _ := http.NewRequest(method, ctl.base+path, strings.NewReader(body))
	req.Header.Set("X-Client", "test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deadline := time.After(startTimeout)
	for {
		updates, _ := sub.Drain()
		for _, u := range updates {
			if u.Done != nil && u.Done.Target == path {
				return u.Done
			}
		}
		select {
		case <-sub.Wake():
		case <-deadline:
			t.Fatalf("the server never recorded %s %s", method, path)
		}
	}
}

func TestControlReplaysAgainstTheCurrentApp(t *testing.T) {
	ctl, dir := controlServer(t, "hello")
	orig := original(t, ctl, "POST", "/greet?x=1", "body!")

	same := ctl.Replay(exchange.ReplayRequest{Request: orig, Of: orig.ID, Against: orig})
	if same.Err != "" || same.Changed || same.New == nil {
		t.Fatalf("replay of an unchanged app: %+v", same)
	}
	if same.New.ReplayOf != orig.ID || same.New.ID == orig.ID || same.New.Environ == nil {
		t.Errorf("the new exchange #%d is a replay of #%d (environ %v); want the server's record of a replay of #%d",
			same.New.ID, same.New.ReplayOf, same.New.Environ != nil, orig.ID)
	}
	if got := headerOf(same.New.ResponseHeaders, "X-Seen-Headers"); got != headerOf(orig.ResponseHeaders, "X-Seen-Headers") {
		t.Errorf("the app saw headers %q in the replay, %q in the original", got, headerOf(orig.ResponseHeaders, "X-Seen-Headers"))
	}

	// The app changes: the next replay, compared with the last, differs in the body only.
	writeGreeting(t, dir, "goodbye")
	reloaded := make(chan pyrunner.Reload, 1)
	if err := ctl.runner.Reload(nil, time.Second, func(r pyrunner.Reload) { reloaded <- r }); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-reloaded:
		if r.LoadErr != nil {
			t.Fatalf("reload: %v", r.LoadErr)
		}
	case <-time.After(startTimeout):
		t.Fatal("the reload never finished")
	}
	changed := ctl.Replay(exchange.ReplayRequest{Request: orig, Of: orig.ID, Against: same.New})
	if changed.Err != "" || !changed.Changed || changed.What != "body" {
		t.Fatalf("replay after the change: %+v", changed)
	}
	diff := strings.Join(changed.Diff, "\n")
	if !strings.Contains(diff, "-POST /greet says hello") || !strings.Contains(diff, "+POST /greet says goodbye") {
		t.Errorf("the diff does not show the change:\n%s", diff)
	}

	// An edited request is sent as edited, and still linked to the original.
	edited := *orig
	edited.Method, edited.Target = "PUT", "/edited"
	edited.RequestBody = exchange.Body{Data: []byte("new body"), Size: 8}
	edited.RequestHeaders = nil // as the edit leaves them: no Content-Length
	for _, h := range orig.RequestHeaders {
		if h.Name != "Content-Length" {
			edited.RequestHeaders = append(edited.RequestHeaders, h)
		}
	}
	res := ctl.Replay(exchange.ReplayRequest{Request: &edited, Of: orig.ID, Against: orig})
	if res.New == nil || res.New.ReplayOf != orig.ID || string(res.New.ResponseBody.Data) != "PUT /edited says goodbye\nnew body" {
		t.Errorf("edited replay: %+v", res)
	}
}

func TestControlCurlRuns(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is missing; .ci/run installs it")
		}
		t.Skip("curl is not installed")
	}
	ctl, _ := controlServer(t, "hello")
	orig := original(t, ctl, "POST", "/curl?q=a%20b", "it's data")
	cmd := ctl.Curl(orig)
	out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
	if err != nil || string(out) != "POST /curl says hello\nit's data" {
		t.Errorf("%s\ngave %q (%v)", cmd, out, err)
	}
}

func TestControlReplayWhenTheServerIsGone(t *testing.T) {
	ctl, _ := controlServer(t, "hello")
	orig := original(t, ctl, "GET", "/x", "")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ctl.srv.Shutdown(sctx)
	res := ctl.Replay(exchange.ReplayRequest{Request: orig, Of: orig.ID, Against: orig})
	if res.Err == "" || !res.Changed || res.New != nil {
		t.Errorf("replay to a server that is gone: %+v", res)
	}
}

func headerOf(hs []exchange.Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}
