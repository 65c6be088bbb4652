//go:build unix

package pyrunner

import "os"

// hostPython: Linux and macOS look alike (Homebrew, python.org and pyenv
// all put a python3 on PATH).
var hostPython = unixPython

// isProgram reports whether p is a file with an execute bit.
func isProgram(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular() && info.Mode()&0o111 != 0
}
