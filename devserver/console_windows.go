//go:build windows

package devserver

// quietBackgroundReads has nothing to do: a Windows console has no
// background jobs that a read would stop.
func quietBackgroundReads() {}
