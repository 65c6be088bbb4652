//go:build windows

package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// enableVT makes the console f interpret colour escape sequences
// (ENABLE_VIRTUAL_TERMINAL_PROCESSING, Windows 10 and later; Windows
// Terminal has it on already), and reports whether it does. A console that
// refuses gets the log without colour rather than raw escapes.
func enableVT(f *os.File) bool {
	h := windows.Handle(f.Fd())
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}
