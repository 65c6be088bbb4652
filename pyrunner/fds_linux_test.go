package pyrunner

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// openPipes counts this process's open pipe ends.
func openPipes(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if link, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(link, "pipe:") {
			n++
		}
	}
	return n
}

// TestReloadsLeaveNoPipesBehind: a replaced child's pipes are closed once
// it is reaped, not when the garbage collector finds them. The collector
// is off here, so only what the runner closes counts.
func TestReloadsLeaveNoPipesBehind(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	app := filepath.Join(t.TempDir(), "app.py")
	writeFile(t, app, appVersion("v1"))
	r := startRunner(t, AppSpec{File: app})
	if body, err := callBody(t, r, "/"); body != "v1" {
		t.Fatalf("got %q %v", body, err)
	}
	before := openPipes(t)
	const reloads = 20
	for range reloads {
		if res := reloadAndWait(t, r); res.LoadErr != nil {
			t.Fatal(res.LoadErr)
		}
	}
	// The replaced children retire in the background: wait for them.
	deadline := time.Now().Add(15 * time.Second)
	for openPipes(t) > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if after := openPipes(t); after > before {
		t.Errorf("%d pipe ends open after %d reloads, %d before", after, reloads, before)
	}
}
