package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pdbProjectApp stops in pdb on /pdb; the answer says whether the line after
// the breakpoint ran.
const pdbProjectApp = `def application(environ, start_response):
    seen = []
    if environ["PATH_INFO"] == "/pdb":
        breakpoint()
        seen.append("stepped")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [",".join(seen).encode() or b"ok"]
`

// Headless on a terminal, breakpoint() in the app is a pdb session on
// wsgidev's own terminal, as under flask run: n, p and c work and the
// request then finishes.
func TestPdbOnWsgidevsTerminal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), pdbProjectApp)
	p := startServing(t, launch{dir: dir, tty: true, typing: true,
		args: []string{"serve", "--no-tui", "--no-reload", "--port", "0"}})
	answer := make(chan string, 1)
	go func() {
		resp, err := p.client.Get(p.base + "/pdb")
		if err != nil {
			answer <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answer <- resp.Status + " " + string(body)
	}()
	p.waitOutput(regexp.MustCompile(`\[GET /pdb\] > .*app\.py\(5\)application\(\)`))
	p.waitOutput(regexp.MustCompile(`\(Pdb\) `))
	p.typeLine("n")
	p.waitOutput(regexp.MustCompile(`(?s)\(Pdb\) .*\(Pdb\) `))
	p.typeLine("p seen")
	p.waitOutput(regexp.MustCompile(`\['stepped'\]`))
	p.typeLine("c")
	got := <-answer
	if got != "200 OK stepped" {
		t.Fatalf("the request after c: %q\n%s", got, p.dump())
	}
}

// Without a terminal nobody can type: pdb gets the end of input and quits,
// and the request fails with a traceback instead of hanging.
func TestPdbWithoutATerminalQuits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeProjectFile(t, filepath.Join(dir, "app.py"), pdbProjectApp)
	p := startServing(t, launch{dir: dir, args: []string{"serve", "--no-tui", "--no-reload", "--port", "0"}})
	resp, body := p.get("/pdb")
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, "BdbQuit") {
		t.Fatalf("status %d, body:\n%s", resp.StatusCode, body)
	}
	p.getText("/", http.StatusOK) // and the server goes on
}
