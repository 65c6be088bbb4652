package pyrunner

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

//go:embed python/*.py
var pythonFiles embed.FS

// installRunner writes the embedded Python runner into a folder named by its
// content hash, so the child imports real files (readable tracebacks, cached
// bytecode) and two wsgidev versions never share one.
func installRunner() (string, error) {
	entries, err := pythonFiles.ReadDir("python")
	if err != nil {
		return "", fmt.Errorf("pyrunner: embedded runner: %w", err)
	}
	h := sha256.New()
	files := map[string][]byte{}
	for _, e := range entries {
		data, _ := pythonFiles.ReadFile("python/" + e.Name())
		files[e.Name()] = data
		h.Write([]byte(e.Name()))
		h.Write(data)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "wsgidev", "runner-"+hex.EncodeToString(h.Sum(nil))[:16])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("pyrunner: install runner: %w", err)
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if old, err := os.ReadFile(path); err == nil && string(old) == string(data) {
			continue
		}
		tmp, err := os.CreateTemp(dir, name+".*")
		if err != nil {
			return "", fmt.Errorf("pyrunner: install runner: %w", err)
		}
		_, werr := tmp.Write(data)
		cerr := tmp.Close()
		if werr != nil || cerr != nil {
			os.Remove(tmp.Name())
			return "", fmt.Errorf("pyrunner: install runner %s: %v %v", path, werr, cerr)
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return "", fmt.Errorf("pyrunner: install runner: %w", err)
		}
	}
	return dir, nil
}
