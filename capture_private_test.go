package main

// Capture files hold cookies and Authorization headers in clear: every file
// wsgidev writes them to is its owner's alone.

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestCaptureFilesArePrivate(t *testing.T) {
	t.Parallel()
	dir := captureApp(t)
	fresh := filepath.Join(dir, "fresh.jsonl")
	old := filepath.Join(dir, "old.jsonl")
	// A capture an earlier wsgidev made readable by everyone.
	if err := os.WriteFile(old, []byte(`{"wsgidev_capture":1,"started":"2026-01-01T00:00:00Z"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(old, 0o644) // whatever the umask
	for _, path := range []string{fresh, old} {
		p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0", "--no-reload", "--capture", path}})
		p.send(captureRequest{method: "GET", path: "/json", header: []string{"Cookie: session=secret", "Authorization: Bearer secret"}})
		p.signal(syscall.SIGTERM)
		if code := p.wait(); code != 0 {
			t.Fatalf("serve --capture %s exited %d\n%s", path, code, p.dump())
		}
		if path == old && !strings.Contains(p.stderr.String(), "old.jsonl could be read by others (-rw-r--r--); made it private (-rw-------)") {
			t.Errorf("serve does not say it made the old capture private:\n%s", p.dump())
		}
	}
	har := filepath.Join(dir, "out.har")
	if p, code := run(t, dir, "export", "--format", "har", "-o", har, fresh); code != 0 {
		t.Fatalf("export exited %d\n%s", code, p.dump())
	}
	for _, path := range []string{fresh, old, har} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %v, want -rw------- (it holds the Cookie and Authorization headers)", filepath.Base(path), mode)
		}
	}
}
