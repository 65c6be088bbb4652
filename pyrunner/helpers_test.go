package pyrunner

import (
	"os"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// inFlight counts the current child's calls that have not ended.
func (r *Runner) inFlight() int {
	r.mu.Lock()
	c := r.cur
	r.mu.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.calls)
}
