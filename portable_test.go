//go:build wsgidev_portable

package main

// Under -tags wsgidev_portable (.ci/run) the binary under test is built the
// same way: no warm reloads and no Linux-only ways of ending a child, so the
// process tests run the path macOS and Windows take.

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func init() { buildFlags = append(buildFlags, "-tags", "wsgidev_portable") }

// TestPortableBuildStartsPythonOnEveryReload: the tag reached the binary.
func TestPortableBuildStartsPythonOnEveryReload(t *testing.T) {
	t.Parallel()
	p, dir := serveProject(t)
	writeProjectFile(t, filepath.Join(dir, "app.py"), projectApp("v2"))
	p.waitBody("/", "v2")
	if ppid := parentPID(t, p.childPID()); ppid != p.cmd.Process.Pid {
		t.Errorf("the reloaded child is not wsgidev's own but %d's", ppid)
	}
	if strings.Contains(p.stdout.String(), "warm:") {
		t.Errorf("the banner speaks of warm reloads:\n%s", p.stdout.String())
	}
	p.waitOutput(regexp.MustCompile(`(?m)^ +each reload starts a fresh Python \(forking one .* is Linux-only\)$`))
}
