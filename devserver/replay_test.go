package devserver_test

// Replay against a real server with a real Python child: what was
// recorded, sent again, matches; what changes by itself is reported.

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// hubServer is rules.py behind a devserver whose hub the test holds.
type hubServer struct {
	URL string
	hub *exchange.Hub
	srv *devserver.Server
}

func startHubServer(t *testing.T) *hubServer {
	t.Helper()
	dir, _ := filepath.Abs("testdata")
	py, err := pyrunner.FindPython("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := pyrunner.New(pyrunner.Config{Python: py, Spec: pyrunner.AppSpec{File: "rules.py"}, Dir: dir, Threads: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hs := &hubServer{hub: exchange.NewHub()}
	srv, err := devserver.New(devserver.Config{Backend: r, Hub: hs.hub, Version: "test", BodyCap: 1024})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	hs.srv = srv
	hs.URL = "http://" + l.Addr().String()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		srv.Shutdown(sctx)
		r.Stop(2 * time.Second)
	})
	return hs
}

// record sends requests made by hand and returns what the server recorded.
func (hs *hubServer) record(t *testing.T, reqs []*exchange.Exchange) []*exchange.Exchange {
	t.Helper()
	sub := hs.hub.Subscribe()
	defer sub.Close()
	var out []*exchange.Exchange
	for _, req := range reqs {
		res := devserver.Replay(context.Background(), devserver.ReplayTarget{URL: hs.URL, Recorded: sub}, req, capture.CompareOptions{})
		if res.Err != nil || res.New == nil || res.New.Environ == nil {
			t.Fatalf("%s %s: %v (recorded: %v)", req.Method, req.Target, res.Err, res.Notes)
		}
		out = append(out, res.New)
	}
	return out
}

func request(method, target string, body string, headers ...string) *exchange.Exchange {
	ex := &exchange.Exchange{Method: method, Target: target, RequestBody: exchange.Body{Data: []byte(body), Size: int64(len(body))}}
	for i := 0; i+1 < len(headers); i += 2 {
		ex.RequestHeaders = append(ex.RequestHeaders, exchange.Header{Name: headers[i], Value: headers[i+1]})
	}
	// A status, so that the first send is compared (and differs) instead of skipped.
	ex.Status = 999
	return ex
}

func TestReplayRecordedExchanges(t *testing.T) {
	hs := startHubServer(t)
	recorded := hs.record(t, []*exchange.Exchange{
		request("POST", "/upload", "some\x00bytes", "Content-Type", "application/octet-stream", "X-Trace", "1"),
		request("GET", "/echo-path/caf%C3%A9/%2F?x=%zz&y", ""), // an odd target, sent byte for byte
		request("GET", "/write", ""),
		request("GET", "/headers", ""),
		request("HEAD", "/no-length", ""),
		request("GET", "/status?code=204", ""),
		request("GET", "/environ", ""), // REMOTE_PORT changes with every connection
	})
	if got := recorded[1].Target; got != "/echo-path/caf%C3%A9/%2F?x=%zz&y" {
		t.Errorf("the target went out as %q", got)
	}
	if got := recorded[0].RequestHeaders; len(got) != 4 || got[3].Name != "X-Trace" {
		t.Errorf("request headers recorded: %v (want Host, Content-Length, Content-Type, X-Trace and no User-Agent)", got)
	}
	for _, via := range []string{"hub", "http"} {
		t.Run(via, func(t *testing.T) {
			target := devserver.ReplayTarget{URL: hs.URL}
			if via == "hub" {
				target.Recorded = hs.hub.Subscribe()
				defer target.Recorded.Close()
			}
			for i, ex := range recorded {
				res := devserver.Replay(context.Background(), target, ex, capture.CompareOptions{})
				if res.Err != nil {
					t.Fatalf("%s: %v", ex.Target, res.Err)
				}
				var diff strings.Builder
				res.Diff.Write(&diff, "  ", 0)
				if i == len(recorded)-1 {
					if res.Match() || res.Diff.What() != "body" || len(res.Diff.Body.JSON) != 1 || !strings.Contains(diff.String(), "~ $.REMOTE_PORT: ") {
						t.Errorf("%s should differ in REMOTE_PORT only:\n%s", ex.Target, diff.String())
					}
					continue
				}
				if !res.Match() {
					t.Errorf("%s %s differs:\n%s%v", ex.Method, ex.Target, diff.String(), res.Notes)
				}
				if (via == "hub") != (res.New.Environ != nil) {
					t.Errorf("%s: environ %v from the %s", ex.Target, res.New.Environ != nil, via)
				}
			}
		})
	}
}

func TestReplayNotes(t *testing.T) {
	hs := startHubServer(t)
	cut := request("POST", "/upload", "0123456789", "Content-Length", "30")
	cut.RequestBody = exchange.Body{}
	cut.RequestBody.Append([]byte(strings.Repeat("x", 30)), 10)
	res := devserver.Replay(context.Background(), devserver.ReplayTarget{URL: hs.URL}, cut, capture.CompareOptions{})
	if res.Err != nil || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "sent its first 10 of 30 bytes") {
		t.Errorf("cut body: %v %v", res.Err, res.Notes)
	}
	unread := request("POST", "/write", "abc", "Content-Length", "3000")
	res = devserver.Replay(context.Background(), devserver.ReplayTarget{URL: hs.URL}, unread, capture.CompareOptions{})
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "the app read 3") {
		t.Errorf("body the app did not read: %v", res.Notes)
	}
	noAnswer := request("GET", "/write", "")
	noAnswer.Status = 0
	if res := devserver.Replay(context.Background(), devserver.ReplayTarget{URL: hs.URL}, noAnswer, capture.CompareOptions{}); res.Skipped == "" || res.Match() {
		t.Errorf("an exchange without an answer: skipped %q", res.Skipped)
	}
}

func TestReplayServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String()
	l.Close()
	res := devserver.Replay(context.Background(), devserver.ReplayTarget{URL: url}, request("GET", "/", ""), capture.CompareOptions{})
	if !res.Down || res.Err == nil || !strings.Contains(res.Err.Error(), "is down (connection refused)") || res.Match() {
		t.Errorf("down: %v, err %v", res.Down, res.Err)
	}
	res = devserver.Replay(context.Background(), devserver.ReplayTarget{URL: "ftp://x"}, request("GET", "/", ""), capture.CompareOptions{})
	if res.Err == nil || res.Down {
		t.Errorf("a bad URL: %v", res.Err)
	}
}

// A replay made with the server's ReplayClient is recorded as a replay of
// the exchange it names, and the app sees the same environ as for any
// other request: no header or key gives it away.
func TestReplayClientMarksReplays(t *testing.T) {
	hs := startHubServer(t)
	plain := hs.record(t, []*exchange.Exchange{request("GET", "/environ?x=1", "", "X-Trace", "7")})[0]
	sub := hs.hub.Subscribe()
	defer sub.Close()
	client := hs.srv.ReplayClient(plain.ID, 10*time.Second)
	target := devserver.ReplayTarget{URL: hs.URL, Recorded: sub, Client: client, KeepHost: true}
	res := devserver.Replay(context.Background(), target, plain, capture.CompareOptions{})
	client.CloseIdleConnections()
	if res.Err != nil || res.New == nil || res.New.Environ == nil {
		t.Fatalf("replay: %v %v", res.Err, res.Notes)
	}
	if res.New.ReplayOf != plain.ID || res.New.ID == plain.ID {
		t.Errorf("the replay #%d is marked as a replay of #%d; want #%d", res.New.ID, res.New.ReplayOf, plain.ID)
	}
	keys := func(env []exchange.EnvVar) string {
		var ks []string
		for _, e := range env {
			if e.Key != "REMOTE_PORT" {
				ks = append(ks, e.Key+"="+e.Value)
			}
		}
		return strings.Join(ks, "\n")
	}
	if a, b := keys(plain.Environ), keys(res.New.Environ); a != b {
		t.Errorf("the app saw a different environ for the replay:\n%s\n---\n%s", a, b)
	}
	// The mark goes with the connection: a later request from anyone else is no replay.
	after := hs.record(t, []*exchange.Exchange{request("GET", "/environ", "")})[0]
	if after.ReplayOf != 0 {
		t.Errorf("a plain request after the replay is marked as a replay of #%d", after.ReplayOf)
	}
}
