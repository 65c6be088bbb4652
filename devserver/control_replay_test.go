package devserver_test

// The Control a session hands the inspector: replays go to its own server
// with a real Python child, and come back recorded as replays.

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

const greetApp = `def application(environ, start_response):
    body = ("%s %s says %s\n" % (environ["REQUEST_METHOD"], environ["PATH_INFO"], GREETING)).encode()
    body += environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Seen-Headers", ",".join(sorted(k for k in environ if k.startswith("HTTP_"))))])
    return [body]

GREETING = "GREETING_VALUE"
`

// greetSession serves greetApp saying greeting and returns the session.
func greetSession(t *testing.T, greeting string) *testSession {
	t.Helper()
	return startSession(t, greetingApp(greeting), devserver.SessionConfig{})
}

func greetingApp(greeting string) string {
	return strings.Replace(greetApp, "GREETING_VALUE", greeting, 1)
}

// original makes a request as a client would and returns the session's
// record of it.
func original(t *testing.T, ts *testSession, method, path, body string) *exchange.Exchange {
	t.Helper()
	req, _ := http.NewRequest(method, ts.BaseURL()+path, strings.NewReader(body))
	req.Header.Set("X-Client", "test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return ts.next("the record of "+method+" "+path, func(u exchange.Update) bool { return u.Done != nil && u.Done.Target == path }).Done
}

func TestControlReplaysAgainstTheCurrentApp(t *testing.T) {
	t.Parallel()
	ts := greetSession(t, "hello")
	ctl := ts.Control()
	orig := original(t, ts, "POST", "/greet?x=1", "body!")

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
	writeApp(t, ts.dir, greetingApp("goodbye"))
	ctl.Reload()
	ts.reloaded()
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
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("curl is missing; .ci/run installs it")
		}
		t.Skip("curl is not installed")
	}
	ts := greetSession(t, "hello")
	orig := original(t, ts, "POST", "/curl?q=a%20b", "it's data")
	cmd := ts.Control().Curl(orig)
	out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
	if err != nil || string(out) != "POST /curl says hello\nit's data" {
		t.Errorf("%s\ngave %q (%v)", cmd, out, err)
	}
}

func TestControlReplayWhenTheServerIsGone(t *testing.T) {
	t.Parallel()
	ts := greetSession(t, "hello")
	orig := original(t, ts, "GET", "/x", "")
	ts.Stop()
	res := ts.Control().Replay(exchange.ReplayRequest{Request: orig, Of: orig.ID, Against: orig})
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

const userApp = `import json
def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(USER).encode()]

USER = USER_VALUE
`

// A JSON answer that changed is compared by its structure: what changed
// at which path, not a text diff of one long line.
func TestControlReplayDiffsJSONByPath(t *testing.T) {
	t.Parallel()
	app := func(user string) string { return strings.Replace(userApp, "USER_VALUE", user, 1) }
	ts := startSession(t, app(`{"user": {"name": "Ada", "roles": ["admin"]}, "debug": True}`), devserver.SessionConfig{})
	ctl := ts.Control()
	orig := original(t, ts, "GET", "/user", "")

	writeApp(t, ts.dir, app(`{"user": {"name": "Grace", "roles": ["admin", "dev"]}}`))
	ctl.Reload()
	ts.reloaded()
	res := ctl.Replay(exchange.ReplayRequest{Request: orig, Of: orig.ID, Against: orig})
	if res.Err != "" || !res.Changed || res.What != "body" {
		t.Fatalf("replay after the change: %+v", res)
	}
	diff := strings.Join(res.Diff, "\n")
	for _, want := range []string{`- $.debug: true`, `~ $.user.name: "Ada" → "Grace"`, `+ $.user.roles[1]: "dev"`} {
		if !strings.Contains(diff, want) {
			t.Errorf("the diff has no %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "@@") {
		t.Errorf("a JSON answer got a text diff:\n%s", diff)
	}
}
