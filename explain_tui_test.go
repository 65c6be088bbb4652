package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// rawRequest sends raw, a request exactly as written, and returns the
// response's status code.
func rawRequest(addr, raw string) (int, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(startTimeout))
	if _, err := io.WriteString(conn, raw); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

// wsgidev serve --explain opens the environ with PEP 3333's words beside
// each key, and tab 7 maps each header line to its HTTP_* key, as the
// real server and child built them.
func TestInspectorExplainAndWireInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveInTmux(t, tmuxServe{args: []string{"--explain", "--script-name", "/mnt", "app.py"}})
	addr := strings.TrimPrefix(base, "http://")
	raw := "GET /mnt/x%2Fy%20z?lang=en HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: tmux-test/1.0\r\n" +
		"Accept: text/plain\r\nAccept: text/html\r\nX_Secret: smuggled\r\n\r\n"
	if status, err := rawRequest(addr, raw); err != nil || status != http.StatusNotFound {
		t.Fatalf("the request got %d, %v; want the probe app's 404", status, err)
	}
	m.waitScreen("/mnt/x%2Fy%20z?lang=en", "2 requests")

	m.run("send-keys", "-t", "tui", "Enter")
	m.waitScreen("[1 Environ]", "Explain mode", "REQUEST_METHOD", "'GET'",
		"from the method in the request line", "PEP 3333: environ Variables")

	m.run("send-keys", "-t", "tui", "7")
	s := m.waitScreen("[7 Wire]", "as received", "X_Secret: smuggled", "GET /mnt/x%2Fy%20z?lang=en HTTP/1.1",
		"SCRIPT_NAME = '/mnt'", "PATH_INFO = '/x/y z'", "QUERY_STRING = 'lang=en'",
		"User-Agent: tmux-test/1.0", "HTTP_USER_AGENT = 'tmux-test/1.0'",
		"HTTP_ACCEPT = 'text/plain,text/html'", "joined into HTTP_ACCEPT above", "smuggled", "dropped")
	// The wire view's rules agree with the environ the child really got.
	if strings.Contains(s, "expected '") || strings.Contains(s, "not in the environ") {
		t.Errorf("the wire view disagrees with the real environ:\n%s", s)
	}

	m.run("send-keys", "-t", "tui", "X", "1")
	m.waitScreen("[1 Environ]", "X explain ")
	if s := m.screen(); strings.Contains(s, "PEP 3333:") {
		t.Errorf("X should turn explain mode off:\n%s", s)
	}
	m.run("send-keys", "-t", "tui", "Escape")
	m.waitScreen("TIME", "METHOD", "PATH") // the list: TIME is in no Environ tab
	m.run("send-keys", "-t", "tui", "q")
	waitDown(t, m, "http://"+addr, "q")
}

// --large with NO_COLOR still starts, and spaces the environ out.
func TestInspectorLargeInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveInTmux(t, tmuxServe{env: []string{"NO_COLOR=1"}, args: []string{"--large", "app.py"}})
	m.waitScreen("GET", "/x", "1 request")
	m.run("send-keys", "-t", "tui", "Enter")
	s := m.waitScreen("[1 Environ]", "REQUEST_METHOD")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, "REQUEST_METHOD") && (i+1 >= len(lines) || strings.TrimSpace(lines[i+1]) != "") {
			t.Errorf("--large should put a blank line after each environ key:\n%s", s)
		}
	}
	if styled := m.run("capture-pane", "-p", "-e", "-t", "tui"); strings.Contains(styled, "\x1b[") {
		t.Errorf("NO_COLOR: the large theme still styles the screen: %q", styled)
	}
	m.run("send-keys", "-t", "tui", "Escape")
	m.waitScreen("TIME", "METHOD", "PATH") // the list: TIME is in no Environ tab
	m.run("send-keys", "-t", "tui", "q")
	waitDown(t, m, base, "q")
}
