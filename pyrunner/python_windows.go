//go:build windows

package pyrunner

import "os"

var hostPython = windowsPython

// isProgram reports whether p is a file: Windows has no execute bit. Lstat,
// since the Store's python.exe aliases are reparse points that Stat may
// fail to follow.
func isProgram(p string) bool {
	info, err := os.Lstat(p)
	return err == nil && !info.IsDir()
}
