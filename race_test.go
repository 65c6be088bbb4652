//go:build race

package main

// Under `go test -race` the binary under test is race-checked as well.
func init() { buildFlags = append(buildFlags, "-race") }
