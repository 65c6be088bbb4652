package pyrunner

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func startRunner(t *testing.T, spec AppSpec) *Runner {
	t.Helper()
	return startRunnerWith(t, Config{Spec: spec, Dir: "testdata"})
}

func startRunnerWith(t *testing.T, cfg Config) *Runner {
	t.Helper()
	if cfg.Python.Path == "" {
		py, err := FindPython("", t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		cfg.Python = py
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop(time.Second) })
	return r
}

func collect(t *testing.T, call *Call) []Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var evs []Event
	for {
		ev, err := call.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
		if ev.Kind == EventDone {
			return evs
		}
	}
}

func TestRunnerCall(t *testing.T) {
	r := startRunner(t, AppSpec{File: "hello.py"})
	info, err := r.Loaded(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Callable != "application" {
		t.Errorf("callable %q", info.Callable)
	}
	call, err := r.Call(context.Background(), CallRequest{Environ: []string{"REQUEST_METHOD", "GET", "PATH_INFO", "/caf\xc3\xa9"}})
	if err != nil {
		t.Fatal(err)
	}
	evs := collect(t, call)
	if len(evs) != 3 || evs[0].Kind != EventStart || evs[1].Kind != EventChunk || evs[2].Failure != nil {
		t.Fatalf("events %+v", evs)
	}
	if r := evs[1].Result; r == nil || r.Type != "list" || r.Len != 1 || r.Close || !strings.HasPrefix(r.Repr, "[b'hello /caf") {
		t.Errorf("the chunk carries the result %+v, want a list of one item without close()", r)
	}
	if got := string(evs[1].Data); got != "hello /caf\xc3\xa9" {
		t.Errorf("body %q: PATH_INFO bytes did not round-trip", got)
	}
}

func TestRunnerLoadError(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "broken.py"), "def application(:\n")
	r := startRunner(t, AppSpec{File: filepath.Join(dir, "broken.py")})
	_, err := r.Call(context.Background(), CallRequest{})
	var le *LoadError
	if !errors.As(err, &le) || le.Kind != "SyntaxError" || le.Line != 1 {
		t.Fatalf("got %v", err)
	}
}
