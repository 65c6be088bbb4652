package main

// Content views and search in a body, on the real binary serving a real
// app on a tmux terminal: a browser's file upload opens as its parts, and
// / with n finds its way through a long body.

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func TestInspectorBodiesInTmux(t *testing.T) {
	t.Parallel()
	m, base := serveInTmux(t, tmuxServe{dir: captureApp(t), ready: "/stream"})
	m.waitScreen("/stream", "1 request")

	// A form with a field and a file, as curl -F or a browser sends it.
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	form.WriteField("title", "holiday snaps")
	file, _ := form.CreateFormFile("upload", "notes.txt")
	file.Write([]byte("first line of the notes\nsecond line\n"))
	form.Close()
	resp, err := http.Post(base+"/echo", form.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m.waitScreen("POST", "/echo", "2 requests")
	m.keys("G", "Enter", "2")
	screen := m.waitScreen("#2 POST /echo", "as parts · v: text, hex", "2 parts",
		"1  title · ", "holiday snaps", `2  upload · file "notes.txt" · application/octet-stream`, "first line of the notes")
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "--"+form.Boundary()) {
			t.Fatalf("a boundary line is shown in the decoded body:\n%s", screen)
		}
	}
	m.keys("]", "Enter")
	m.waitScreen("part 2  upload", "q or esc: back to the parts", "second line")
	m.keys("q") // back one level: to the parts, not the list
	m.waitScreen("2 parts · [ and ] select")
	m.keys("Enter")
	m.waitScreen("part 2  upload", "second line")
	m.keys("Escape") // alone: Escape and a key in one write reach the program as alt+key
	m.waitScreen("2 parts · [ and ] select")
	m.keys("v")
	m.waitScreen("--" + form.Boundary())

	// /line 99 in a body of a thousand lines: 11 matches, n goes to each.
	resp, err = http.Get(base + "/big")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m.keys("Escape")
	m.waitScreen("/big", "3 requests", "METHOD")
	m.keys("G", "Enter", "4", "/")
	m.typeText("line 99")
	m.keys("Enter")
	m.waitScreen("[4 Body]", "/line 99 1/11", "line 99")
	m.keys("n")
	m.waitScreen("/line 99 2/11", "line 990")
	m.keys("n", "n", "n", "n", "n", "n", "n", "n", "n")
	m.waitScreen("/line 99 11/11", "line 999")
	m.keys("n")
	m.waitScreen("/line 99 1/11")
	m.keys("N")
	m.waitScreen("/line 99 11/11")
}
