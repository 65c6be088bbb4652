package templates

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	"testing"
	texttemplate "text/template"
)

// errorPage mirrors the data devserver passes to the error-page templates
// (devserver/pages.go, frames.go).
type errorPage struct {
	Status, Title, Summary, Rule, Traceback, Hint, Method, Path, Version string

	Frames   []frame
	AppFrame *frame
	Where    string
	Headers  []struct{ Name, Value string }
	Environ  []struct{ Key, Value string }
}

type frame struct {
	Kind, File, Function string
	Line, LocalsLeft     int
	Open                 bool
	Lines                []line
	Locals               []local
}

type line struct {
	Number  int
	Text    string
	Current bool
}

type local struct{ Name, Repr string }

// withFrames is full() with frames: an app frame whose local holds markup,
// then a library frame, and the request's headers.
func withFrames() errorPage {
	d := full()
	app := frame{Kind: "app", File: "/srv/app.py", Function: "<lambda>", Line: 3, Open: true, LocalsLeft: 2,
		Lines:  []line{{2, "def f():", false}, {3, "    return x < y", true}},
		Locals: []local{{"x", "'<b>bold</b>'"}}}
	lib := frame{Kind: "library", File: "/usr/lib/python3/json/decoder.py", Function: "decode", Line: 337}
	d.Frames, d.AppFrame, d.Where = []frame{app, lib}, &app, "app.py, line 3, in <lambda>"
	d.Headers = append(d.Headers, struct{ Name, Value string }{"User-Agent", "<curl>"})
	return d
}

const sampleTraceback = `Traceback (most recent call last):
  File "/srv/app.py", line 3, in <module>
    x = {"a": 1} < [2] & 'b'
TypeError: '<' not supported between instances of 'dict' and 'list'`

func full() errorPage {
	return errorPage{
		Status:    "500 Internal Server Error",
		Title:     "The app raised an exception",
		Summary:   "app.py raised TypeError before it called start_response.",
		Rule:      "An application must call start_response before it returns its body.",
		Traceback: sampleTraceback,
		Hint:      "Fix the line named at the bottom of the traceback and save; wsgidev reloads.",
		Method:    "GET",
		Path:      "/items?id=<7>",
		Version:   "v0.1.0",
	}
}

func renderHTML(t *testing.T, data errorPage) string {
	t.Helper()
	tmpl, err := htmltemplate.New("errorpage.html").Parse(ErrorPageHTML)
	if err != nil {
		t.Fatalf("parse html: %v", err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatalf("execute html: %v", err)
	}
	return b.String()
}

func renderText(t *testing.T, data errorPage) string {
	t.Helper()
	tmpl, err := texttemplate.New("errorpage.txt").Option("missingkey=error").Parse(ErrorPageText)
	if err != nil {
		t.Fatalf("parse text: %v", err)
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatalf("execute text: %v", err)
	}
	return b.String()
}

func TestErrorPageHTML(t *testing.T) {
	tests := []struct {
		name    string
		data    errorPage
		want    []string
		notWant []string
	}{
		{
			name: "all sections",
			data: full(),
			want: []string{
				"<title>500 Internal Server Error · The app raised an exception</title>",
				"The WSGI rule (PEP 3333)", "What to do", "<h2>Traceback</h2>",
				// escaped, with its line breaks and indentation kept
				"<pre>Traceback (most recent call last):\n  File &#34;/srv/app.py&#34;, line 3, in &lt;module&gt;\n    x = {&#34;a&#34;: 1} &lt; [2] &amp; &#39;b&#39;\n",
				"<code>GET /items?id=&lt;7&gt;</code>",
				"wsgidev v0.1.0 — development server; never expose it to the internet",
				"prefers-color-scheme: dark",
			},
			notWant: []string{"<module>", "<7>"},
		},
		{
			name: "frames",
			data: withFrames(),
			want: []string{
				`<details class="frame app" open>`, `<span class="tag">app</span> <code>/srv/app.py</code>, line 3, in <code>&lt;lambda&gt;</code>`,
				"    2  def f():\n<span class=\"current\">    3      return x &lt; y</span>\n",
				"<td><code>x</code></td><td><code>&#39;&lt;b&gt;bold&lt;/b&gt;&#39;</code></td>",
				"2 more locals not shown",
				`<details class="frame library">`, `<span class="tag">library</span>`,
				"<summary>The traceback as text</summary>",
				"<td><code>User-Agent</code></td><td><code>&lt;curl&gt;</code></td>",
			},
			notWant: []string{"<b>bold", "<lambda>", "<curl>", "<h2>Traceback</h2>"},
		},
		{
			name: "empty sections omitted",
			data: errorPage{Status: "502 Bad Gateway", Title: "The Python child died",
				Summary: "It exited with signal SIGKILL.", Method: "POST", Path: "/", Version: "dev"},
			want:    []string{"It exited with signal SIGKILL.", "wsgidev dev —"},
			notWant: []string{"PEP 3333", "What to do", "Traceback", "<pre>", `class="rule"`, `class="hint"`, "The request", "<details"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := renderHTML(t, tt.data)
			for _, s := range tt.want {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q\n%s", s, out)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(out, s) {
					t.Errorf("output has %q\n%s", s, out)
				}
			}
		})
	}
}

// The page must stand alone: no scripts and nothing fetched from elsewhere.
func TestErrorPageHTMLSelfContained(t *testing.T) {
	lower := strings.ToLower(ErrorPageHTML)
	for _, s := range []string{"<script", "src=", "href=", "@import", "url(", "http://", "https://"} {
		if strings.Contains(lower, s) {
			t.Errorf("errorpage.html contains %q", s)
		}
	}
}

func TestErrorPageText(t *testing.T) {
	out := renderText(t, full())
	want := "500 Internal Server Error: The app raised an exception\n" +
		"Request: GET /items?id=<7>\n" +
		"\n" +
		"app.py raised TypeError before it called start_response.\n" +
		"\n" +
		"The WSGI rule (PEP 3333):\n" +
		"An application must call start_response before it returns its body.\n" +
		"\n" +
		"What to do:\n" +
		"Fix the line named at the bottom of the traceback and save; wsgidev reloads.\n" +
		"\n" +
		"Traceback:\n" +
		sampleTraceback + "\n" +
		"\n" +
		"--\n" +
		"wsgidev v0.1.0 — development server; never expose it to the internet\n"
	if out != want {
		t.Errorf("text page:\n got:\n%s\nwant:\n%s", out, want)
	}

	if got := renderText(t, withFrames()); !strings.Contains(got, sampleTraceback+"\n\nLocals in app.py, line 3, in <lambda>:\n  x = '<b>bold</b>'\n\n--\n") {
		t.Errorf("the text page does not end with the app frame's locals:\n%s", got)
	}

	short := renderText(t, errorPage{Status: "502 Bad Gateway", Title: "The Python child died",
		Summary: "It exited with signal SIGKILL.", Method: "POST", Path: "/", Version: "dev"})
	want = "502 Bad Gateway: The Python child died\n" +
		"Request: POST /\n" +
		"\n" +
		"It exited with signal SIGKILL.\n" +
		"\n" +
		"--\n" +
		"wsgidev dev — development server; never expose it to the internet\n"
	if short != want {
		t.Errorf("text page without optional sections:\n got:\n%s\nwant:\n%s", short, want)
	}
}

func TestDemoApp(t *testing.T) {
	src := string(DemoApp)
	for _, s := range []string{"def application(environ, start_response):", "/stream", "/form", "wsgi.input"} {
		if !strings.Contains(src, s) {
			t.Errorf("demo/app.py lacks %q", s)
		}
	}
}
