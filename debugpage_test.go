package main

// The debug page: each frame of a failing request with its source and
// locals, the app's frames apart from the libraries', in the HTML page,
// the text page and the capture.

import (
	"html"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/capture"
)

const raisingApp = `import json


class Opaque:
    def __repr__(self):
        raise ValueError("no repr for you")


def parse(text):
    token = "tok-<42>"
    odd = Opaque()
    return json.loads(text)


def application(environ, start_response):
    user = {"name": "Ada"}
    parse("{not json")
`

func TestDebugPageShowsFramesAndLocals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"app.py": raisingApp})
	capturePath := filepath.Join(dir, "capture.jsonl")
	p := startServing(t, launch{dir: dir, args: []string{"serve", "app.py", "--port", "0", "--capture", capturePath}})

	resp, page := p.get("/x", "Accept: text/html", "X-Probe: <probe>")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("GET /x: %d, want 500\n%s", resp.StatusCode, page)
	}
	text := html.UnescapeString(page)
	for _, want := range []string{
		"token", "'tok-<42>'", // the failing app frame's local
		"user", "{'name': 'Ada'}", // an outer app frame's local
		"<repr() of this Opaque raised ValueError: no repr for you>",
		`    return json.loads(text)`, // the frame's source line
		"X-Probe", "<probe>",          // the request
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the HTML page does not show %q", want)
		}
	}
	if strings.Contains(page, "tok-<42>") || strings.Contains(page, "<probe>") {
		t.Errorf("the HTML page has the app's text unescaped")
	}
	appFrame := regexp.MustCompile(`<details class="frame app" open>\s*<summary><span class="tag">app</span> <code>[^<]*app\.py</code>, line 12, in <code>parse</code>`)
	libFrame := regexp.MustCompile(`<details class="frame library"( open)?>\s*<summary><span class="tag">library</span> <code>[^<]*json/[a-z_]+\.py</code>`)
	if !appFrame.MatchString(page) || !libFrame.MatchString(page) {
		t.Errorf("the page does not mark parse() as the app's and json's frames as a library's:\n%s", page)
	}

	plain := p.getText("/x", http.StatusInternalServerError) // curl: the compact page
	if !strings.Contains(plain, "Locals in app.py, line 12, in parse:\n  text = '{not json'\n  token = 'tok-<42>'\n") {
		t.Errorf("the text page does not end with the failing app frame's locals:\n%s", plain)
	}

	p.signal(syscall.SIGTERM)
	p.wait()
	src, err := capture.ReadFile(capturePath)
	if err != nil || len(src.Entries) != 2 {
		t.Fatalf("the capture: %v, %d entries", err, len(src.Entries))
	}
	f := src.Entries[0].Exchange.Failure
	if f == nil || f.AppFrame() == nil || f.AppFrame().Function != "parse" || f.AppFrame().Locals[1].Repr != "'tok-<42>'" {
		t.Errorf("the capture does not keep the frames with their locals: %+v", f)
	}
}
