package pyrunner

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestOutputIsUTF8WhateverTheLocale: the app's output reaches the parent as
// UTF-8 even where a pipe's encoding is an ANSI code page, as on Windows
// (cp1252 here), in which print("→") would raise at import.
func TestOutputIsUTF8WhateverTheLocale(t *testing.T) {
	dir := t.TempDir()
	app := filepath.Join(dir, "app.py")
	writeFile(t, app, "import sys\nprint('arrow → done')\nsys.stderr.write('snow ☃\\n')\n"+appVersion("v1"))
	var mu sync.Mutex
	var lines []string
	r := startRunnerWith(t, Config{Spec: AppSpec{File: app}, Dir: dir, Env: []string{"PYTHONIOENCODING=cp1252"},
		OnOutput: func(o Output) {
			mu.Lock()
			lines = append(lines, o.Line)
			mu.Unlock()
		}})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := r.Loaded(ctx); err != nil {
		t.Fatalf("the app failed to import: %v", err)
	}
	waitFor(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(lines) >= 2
	})
	mu.Lock()
	defer mu.Unlock()
	want := map[string]bool{"arrow → done": true, "snow ☃": true}
	for _, l := range lines {
		delete(want, l)
	}
	if len(want) > 0 {
		t.Errorf("output %q, missing some of arrow and snow", lines)
	}
}
