package pyrunner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pyenvPython returns a pyenv interpreter of the given minor version, if this
// machine has one (the image ships 2.7 and 3.6 to 3.13).
func pyenvPython(t *testing.T, version string) string {
	home, _ := os.UserHomeDir()
	matches, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", version+".*", "bin", "python"))
	if len(matches) == 0 {
		t.Skipf("no Python %s under ~/.pyenv on this machine", version)
	}
	return matches[0]
}

// supportedPythons are the minor versions wsgidev runs on.
var supportedPythons = []string{"3.8", "3.9", "3.10", "3.11", "3.12", "3.13"}

// runOn starts a runner on py for a file in testdata, stopped when the test
// ends, and a context that bounds the test.
func runOn(t *testing.T, py, file string) (*Runner, context.Context) {
	t.Helper()
	r, err := New(Config{Python: Python{Path: py}, Spec: AppSpec{File: file}, Dir: "testdata"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	if _, err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Stop(time.Second) })
	return r, ctx
}

// TestRunnerOnEveryPython runs a call that uses every part of the runner on
// each supported CPython.
func TestRunnerOnEveryPython(t *testing.T) {
	for _, v := range supportedPythons {
		t.Run(v, func(t *testing.T) {
			r, ctx := runOn(t, pyenvPython(t, v), "features.py")
			call, err := r.Call(ctx, CallRequest{
				Environ: []string{"REQUEST_METHOD", "POST", "PATH_INFO", "/"},
				Body:    strings.NewReader("line one\nthe rest"),
			})
			if err != nil {
				t.Fatal(err)
			}
			var body, logs strings.Builder
			var statuses []string
			for _, ev := range collect(t, call) {
				switch ev.Kind {
				case EventStart:
					statuses = append(statuses, ev.Status)
				case EventChunk, EventWrite:
					body.Write(ev.Data)
				case EventLog:
					logs.WriteString(string(ev.Stream) + ":" + ev.Text)
				case EventDone:
					if ev.Failure != nil {
						t.Fatalf("call failed: %+v", ev.Failure)
					}
				}
			}
			if want := "w:line one\nthe rest" + v; body.String() != want {
				t.Errorf("body %q, want %q", body.String(), want)
			}
			if strings.Join(statuses, ",") != "500 Oops,200 OK" {
				t.Errorf("start_response calls %q", statuses)
			}
			if !strings.Contains(logs.String(), "e:errors line") || !strings.Contains(logs.String(), "o:stdout line") {
				t.Errorf("logs %q", logs.String())
			}
		})
	}
}

// TestTooOldPythonRefused starts real old interpreters: the bootstrap must
// refuse them with our message, not a SyntaxError from the runner.
func TestTooOldPythonRefused(t *testing.T) {
	for _, v := range []string{"2.7", "3.6", "3.7"} {
		t.Run(v, func(t *testing.T) {
			py := pyenvPython(t, v)
			r, err := New(Config{Python: Python{Path: py}, Spec: AppSpec{File: "hello.py"}, Dir: "testdata"})
			if err != nil {
				t.Fatal(err)
			}
			_, err = r.Start(context.Background())
			if err == nil || !strings.Contains(err.Error(), "is Python "+v) || !strings.Contains(err.Error(), "needs Python 3.8 or newer") {
				t.Fatalf("got %v", err)
			}
		})
	}
}
