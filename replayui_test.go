package main

// Replay and pins in the inspector, end to end: the real binary in tmux,
// a real app edited on disk, the answer read off the screen.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const versionApp = `def application(environ, start_response):
    body = b"answer VERSION\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
`

func writeVersionApp(t *testing.T, dir, version string) {
	t.Helper()
	// Written to a temp file and renamed, as editors save: the reloader
	// never reads half a file.
	tmp := filepath.Join(dir, ".app.py.tmp")
	if err := os.WriteFile(tmp, []byte(strings.Replace(versionApp, "VERSION", version, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "app.py")); err != nil {
		t.Fatal(err)
	}
}

func TestInspectorPinsAndReplayInTmux(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeVersionApp(t, dir, "one")
	editor := filepath.Join(t.TempDir(), "edit.sh")
	if err := os.WriteFile(editor, []byte("#!/bin/sh\nsed -i '1s|from=tmux|from=editor|' \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	m, _ := serveInTmux(t, tmuxServe{dir: dir, env: []string{"EDITOR=" + editor}, ready: "/x?from=tmux"})
	m.run("set-option", "-g", "set-clipboard", "on")
	m.waitScreen("/x?from=tmux", "200", "1 request")

	m.run("send-keys", "-t", "tui", "p")
	m.waitScreen("◆ /x?from=tmux", "1 pinned · 1 request")

	// Fix the handler: the reload replays the pin, whose answer changed.
	writeVersionApp(t, dir, "two")
	m.waitScreen("1 pinned: 1 changed", "↻#1 /x?from=tmux", "2 requests")
	m.run("send-keys", "-t", "tui", "P")
	m.waitScreen("pinned requests: 1 pinned: 1 changed", "◆ #1 GET /x?from=tmux → #2: changed", "-answer one", "+answer two")

	// r replays the original by hand and shows the same diff.
	m.run("send-keys", "-t", "tui", "Escape")
	m.waitScreen("METHOD", "PATH")
	m.run("send-keys", "-t", "tui", "g", "r")
	m.waitScreen("replay of #1 GET /x?from=tmux → #3", "differs: body", "+answer two")

	// e edits it first: the editor runs on the terminal, then the edit is sent.
	m.run("send-keys", "-t", "tui", "Escape")
	m.waitScreen("METHOD", "PATH")
	m.run("send-keys", "-t", "tui", "g", "e")
	m.waitScreen("edited replay of #1 GET /x?from=tmux → #4", "sent as edited: GET /x?from=editor")

	// y copies it as curl: on the screen, and with OSC 52 into tmux's buffer.
	m.run("send-keys", "-t", "tui", "Escape")
	m.waitScreen("METHOD", "PATH")
	m.run("send-keys", "-t", "tui", "g", "y")
	m.waitScreen("curl command for #1", "copied the curl command for #1 to the clipboard")
	if buf := m.run("show-buffer"); !strings.HasPrefix(buf, "curl -sS") || !strings.Contains(buf, "/x?from=tmux") {
		t.Errorf("tmux's clipboard holds %q, want the curl command", buf)
	}
}
