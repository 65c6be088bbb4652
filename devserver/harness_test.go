package devserver_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// testServer is a real wsgidev server with a real Python child on a free
// loopback port, as the integration tests use it.
type testServer struct {
	URL    string
	runner *pyrunner.Runner
	srv    *devserver.Server

	mu        sync.Mutex
	exchanges []*exchange.Exchange
	output    []string // the child's stdout/stderr lines
	changed   chan struct{}
}

type serverOptions struct {
	python     string // default: python3 on PATH
	dir        string // default: testdata
	env        []string
	scriptName string
	raw        bool // serve spec as is, without wsgiref.validate
	lintClean  bool // every exchange must be free of lint warnings (always so without raw)
	threads    int
}

// startValidated serves the app module from testdata wrapped in
// wsgiref.validate.validator, with its warnings turned into errors.
func startValidated(t *testing.T, module string) *testServer {
	return startServer(t, module, serverOptions{})
}

func startServer(t *testing.T, spec string, o serverOptions) *testServer {
	t.Helper()
	if o.dir == "" {
		o.dir, _ = filepath.Abs("testdata")
	}
	env := o.env
	if !o.raw {
		env = append(env, "WSGIDEV_TEST_APP="+spec, "PYTHONWARNINGS=error::wsgiref.validate.WSGIWarning")
		spec = "validated.py"
	}
	py, err := pyrunner.FindPython(o.python, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := pyrunner.ParseAppSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{changed: make(chan struct{}, 1)}
	hub := exchange.NewHub()
	sub := hub.Subscribe()
	r, err := pyrunner.New(pyrunner.Config{
		Python: py, Spec: parsed, Dir: o.dir, Env: env, Threads: o.threads,
		OnOutput: func(out pyrunner.Output) { ts.note(nil, out.Line) },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	ts.runner = r
	srv, err := devserver.New(devserver.Config{Backend: r, Hub: hub, ScriptName: o.scriptName, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ts.srv = srv
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-sub.Wake():
				updates, _ := sub.Drain()
				for _, u := range updates {
					if u.Done != nil {
						ts.note(u.Done, "")
					}
				}
			case <-stop:
				return
			}
		}
	}()
	ts.URL = "http://" + l.Addr().String()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		srv.Shutdown(sctx)
		r.Stop(2 * time.Second)
		close(stop)
		if !o.raw {
			for _, c := range ts.validatorComplaints() {
				t.Error(c)
			}
		}
		if !o.raw || o.lintClean {
			for _, c := range ts.lintWarnings() {
				t.Error(c)
			}
		}
	})
	return ts
}

// validatorComplaints returns what wsgiref.validate said, in the child's
// output or in the traceback of a failed exchange.
func (ts *testServer) validatorComplaints() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var complaints []string
	for _, line := range ts.output {
		if strings.Contains(line, "wsgiref/validate.py") || strings.Contains(line, "AssertionError") {
			complaints = append(complaints, "wsgiref.validate complained in the child's output:\n"+strings.Join(ts.output, "\n"))
			break
		}
	}
	for _, ex := range ts.exchanges {
		if f := ex.Failure; f != nil && strings.Contains(f.Traceback, "wsgiref/validate.py") {
			complaints = append(complaints, "wsgiref.validate failed "+ex.Method+" "+ex.Target+":\n"+f.Traceback)
		}
	}
	return complaints
}

// lintWarnings lists the lint warnings of every finished exchange: an app
// wsgiref.validate accepts, or a framework's, must draw none.
func (ts *testServer) lintWarnings() []string {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	var found []string
	for _, ex := range ts.exchanges {
		for _, w := range ex.Lint {
			found = append(found, "lint on a clean app: "+ex.Method+" "+ex.Target+": "+w.Rule+": "+w.Message)
		}
	}
	return found
}

func (ts *testServer) note(ex *exchange.Exchange, line string) {
	ts.mu.Lock()
	if ex != nil {
		ts.exchanges = append(ts.exchanges, ex)
	} else {
		ts.output = append(ts.output, line)
	}
	ts.mu.Unlock()
	select {
	case ts.changed <- struct{}{}:
	default:
	}
}

// waitExchange waits (bounded) for a finished exchange matching ok.
func (ts *testServer) waitExchange(t *testing.T, ok func(*exchange.Exchange) bool) *exchange.Exchange {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		ts.mu.Lock()
		for _, ex := range ts.exchanges {
			if ok(ex) {
				ts.mu.Unlock()
				return ex
			}
		}
		ts.mu.Unlock()
		select {
		case <-ts.changed:
		case <-deadline:
			t.Fatal("no matching exchange within 10s")
			return nil
		}
	}
}

// waitOutput waits (bounded) for a child output line containing s.
func (ts *testServer) waitOutput(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		ts.mu.Lock()
		for _, line := range ts.output {
			if strings.Contains(line, s) {
				ts.mu.Unlock()
				return
			}
		}
		ts.mu.Unlock()
		select {
		case <-ts.changed:
		case <-deadline:
			t.Fatalf("no output line with %q within 10s", s)
		}
	}
}

func byPath(path string) func(*exchange.Exchange) bool {
	return func(ex *exchange.Exchange) bool { return ex.Target == path }
}

var client = &http.Client{Timeout: 30 * time.Second}

// get fetches path and returns the response with its body read.
func (ts *testServer) get(t *testing.T, path string, header ...string) (*http.Response, string) {
	t.Helper()
	return ts.do(t, "GET", path, nil, header...)
}

func (ts *testServer) do(t *testing.T, method, path string, body io.Reader, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return resp, string(data)
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}
