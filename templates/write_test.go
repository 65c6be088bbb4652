package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A write that fails midway leaves nothing behind: not the files written
// before it, not the folders made for them.
func TestWriteStarterRollsBack(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	files := []File{{Name: "app.py", Data: []byte("x")}, {Name: "missing/x.txt", Data: []byte("y")}}
	err := WriteStarter(dir, files)
	if err == nil || !strings.Contains(err.Error(), "writing "+filepath.Join(dir, "missing", "x.txt")) {
		t.Fatalf("WriteStarter: %v, want an error naming the file it could not write", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Errorf("left behind in %s: %v", root, entries)
	}
}
