//go:build unix

package pyrunner

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestOtherPythons(t *testing.T) {
	root := t.TempDir()
	usr := filepath.Join(root, "usr", "bin")
	local := filepath.Join(root, "local", "bin")
	for _, d := range []string{usr, local, filepath.Join(root, "app", ".venv", "bin")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, filepath.Join(usr, "python3"), "#!/bin/sh\n")
	writeFile(t, filepath.Join(local, "python3"), "#!/bin/sh\n")
	for _, p := range []string{filepath.Join(usr, "python3"), filepath.Join(local, "python3")} {
		os.Chmod(p, 0o755)
	}
	if err := os.Symlink(usr, filepath.Join(root, "bin")); err != nil { // /bin -> /usr/bin
		t.Fatal(err)
	}
	// A virtualenv's python links to the system's, yet it is another Python.
	if err := os.Symlink(filepath.Join(usr, "python3"), filepath.Join(root, "app", ".venv", "bin", "python")); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VIRTUAL_ENV", "")
	t.Setenv("PATH", filepath.Join(root, "bin")+string(os.PathListSeparator)+usr+string(os.PathListSeparator)+local+string(os.PathListSeparator)+"relative/bin")
	got := unixPython.otherPythons(filepath.Join(usr, "python3"), filepath.Join(root, "app"), hostFiles)
	want := []string{"./.venv/bin/python", filepath.Join(local, "python3")}
	if !slices.Equal(got, want) {
		t.Errorf("otherPythons = %q, want %q (the used one and its other path left out)", got, want)
	}
}
