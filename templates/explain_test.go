package templates

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wsgidev/wsgidev/devserver/wsgi"
)

// maxLine is the longest text explain mode shows on one line of a wide
// terminal; longer texts are cut there.
const maxLine = 200

func TestExplainFilesParse(t *testing.T) {
	for name, load := range map[string]func() (table, error){
		"environ.txt": environTable, "start_response.txt": startResponseTable, "body.txt": bodyTable,
	} {
		tab, err := load()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(tab.order) == 0 {
			t.Errorf("%s has no entries", name)
		}
		for _, e := range tab.order {
			for field, text := range map[string]string{"means": e.Means, "wsgidev": e.Wsgidev} {
				if n := utf8.RuneCountInString(text); n > maxLine {
					t.Errorf("%s [%s] %s: %d characters, keep it under %d", name, e.Key, field, n, maxLine)
				}
			}
			if e.Origin.Kind == OriginHeader && e.Origin.Header == "" && !strings.HasPrefix(e.Key, "HTTP_*") {
				t.Errorf("%s [%s]: a header origin must name the header", name, e.Key)
			}
		}
	}
}

func TestExplainEnviron(t *testing.T) {
	tests := []struct {
		key            string
		origin         string // Origin.String()
		section        string
		meansHas       string
		wsgidevHas     string
		notExplainedOK bool
	}{
		{key: "REQUEST_METHOD", origin: "the method in the request line", section: "environ Variables", meansHas: `"GET" or "POST"`},
		{key: "SCRIPT_NAME", origin: "the path in the request line", section: "environ Variables", meansHas: "virtual", wsgidevHas: "--script-name"},
		{key: "PATH_INFO", origin: "the path in the request line", section: "environ Variables", meansHas: "trailing slash", wsgidevHas: "latin-1"},
		{key: "QUERY_STRING", origin: "the query in the request line (after ?)", section: "environ Variables", meansHas: `"?"`},
		{key: "CONTENT_TYPE", origin: "the Content-Type request header", section: "environ Variables", meansHas: "Content-Type"},
		{key: "CONTENT_LENGTH", origin: "the Content-Length request header", section: "environ Variables", wsgidevHas: "chunked"},
		{key: "SERVER_NAME", origin: "the TCP connection", section: "environ Variables", meansHas: "HTTP_HOST"},
		{key: "SERVER_PROTOCOL", origin: "the HTTP version in the request line", section: "environ Variables", meansHas: "HTTP/1.1"},
		{key: "SERVER_SOFTWARE", origin: "set by the server", section: "environ Variables", wsgidevHas: "wsgidev/"},
		{key: "REQUEST_URI", origin: "the target in the request line (path and query)", section: "environ Variables", meansHas: "not portable"},
		{key: "HTTP_HOST", origin: "the Host request header", section: "URL Reconstruction", meansHas: "SERVER_NAME"},
		{key: "HTTP_USER_AGENT", origin: "the User-Agent request header", section: "environ Variables", meansHas: "The User-Agent request header"},
		{key: "HTTP_X_FORWARDED_FOR", origin: "the X-Forwarded-For request header", section: "environ Variables", meansHas: "X-Forwarded-For"},
		{key: "HTTP_DNT", origin: "the DNT request header", section: "environ Variables"},
		{key: "HTTP_CONNECTION", origin: "the Connection request header", section: "Other HTTP Features", meansHas: "hop-by-hop"},
		{key: "HTTP_TE", origin: "the TE request header", section: "Other HTTP Features", meansHas: "The TE request header"},
		{key: "HTTP_TRANSFER_ENCODING", origin: "the Transfer-Encoding request header", section: "Other HTTP Features", wsgidevHas: "decoded"},
		{key: "HTTP_EXPECT", origin: "the Expect request header", section: "HTTP 1.1 Expect/Continue", meansHas: "100-continue"},
		{key: "wsgi.version", origin: "set by the server", section: "environ Variables", meansHas: "(1, 0)"},
		{key: "wsgi.input", origin: "the request body", section: "Input and Error Streams", meansHas: "CONTENT_LENGTH"},
		{key: "wsgi.errors", origin: "set by the server", section: "Input and Error Streams", meansHas: "never close it"},
		{key: "wsgi.file_wrapper", origin: "set by the server", section: "Optional Platform-Specific File Handling", meansHas: "file-like"},
		{key: "wsgi.input_terminated", origin: "set by the server", section: "Input and Error Streams", meansHas: "Not in PEP 3333"},
		{key: "HTTP_", notExplainedOK: true},
		{key: "myapp.session", notExplainedOK: true},
		{key: "request_method", notExplainedOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			e, ok := ExplainEnviron(tt.key, wsgi.IsHopByHop)
			if tt.notExplainedOK {
				if ok {
					t.Fatalf("ExplainEnviron(%q) = %+v, want no explanation", tt.key, e)
				}
				return
			}
			if !ok {
				t.Fatalf("ExplainEnviron(%q): no explanation", tt.key)
			}
			if e.Key != tt.key {
				t.Errorf("Key = %q, want %q", e.Key, tt.key)
			}
			if got := e.Origin.String(); got != tt.origin {
				t.Errorf("origin %q, want %q", got, tt.origin)
			}
			if e.Section != tt.section {
				t.Errorf("section %q, want %q", e.Section, tt.section)
			}
			if !strings.Contains(e.Means, tt.meansHas) || strings.Contains(e.Means, "{header}") {
				t.Errorf("means %q, want it to say %q", e.Means, tt.meansHas)
			}
			if !strings.Contains(e.Wsgidev, tt.wsgidevHas) {
				t.Errorf("wsgidev %q, want it to say %q", e.Wsgidev, tt.wsgidevHas)
			}
		})
	}
}

func TestExplainStartResponseAndBody(t *testing.T) {
	tests := []struct {
		name  string
		got   []Explanation
		first string
		keys  []string
	}{
		{"start_response", ExplainStartResponse(), "start_response",
			[]string{"status", "response_headers", "exc_info", "write", "called twice", "headers are sent later"}},
		{"body", ExplainBody(), "body",
			[]string{"iteration", "close", "Content-Length", "streaming", "bytes", "len"}},
		{"layers", ExplainLayers(), "server",
			[]string{"middleware", "application", "environ +", "environ ~", "environ -", "environ wsgi.url_scheme",
				"environ REMOTE_ADDR", "environ SCRIPT_NAME", "environ PATH_INFO", "status", "header +", "header ~",
				"header -", "body", "raised"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) == 0 || tt.got[0].Key != tt.first {
				t.Fatalf("first entry %+v, want %q", tt.got, tt.first)
			}
			have := map[string]Explanation{}
			for _, e := range tt.got {
				have[e.Key] = e
			}
			for _, k := range tt.keys {
				if _, ok := have[k]; !ok {
					t.Errorf("no [%s] entry", k)
				}
			}
		})
	}
	// What a caller does to the slice it got stays with it.
	ExplainBody()[0].Means = "changed"
	if ExplainBody()[0].Means == "changed" {
		t.Error("ExplainBody hands out its own table")
	}
}

func TestEnvironKeys(t *testing.T) {
	keys := EnvironKeys()
	seen := map[string]bool{}
	for _, k := range keys {
		if strings.Contains(k, "*") {
			t.Errorf("EnvironKeys lists the pattern %q", k)
		}
		if _, ok := ExplainEnviron(k, wsgi.IsHopByHop); !ok {
			t.Errorf("EnvironKeys lists %q, which has no explanation", k)
		}
		seen[k] = true
	}
	for _, k := range []string{"REQUEST_METHOD", "wsgi.input", "HTTP_HOST"} {
		if !seen[k] {
			t.Errorf("EnvironKeys lacks %q", k)
		}
	}
}

func TestParseExplainRejects(t *testing.T) {
	const good = "origin: server\nsection: environ Variables\nmeans: m\n"
	tests := []struct {
		name, text, want string
	}{
		{"field before any key", "means: m\n", "want [KEY]"},
		{"no colon", "[K]\nmeans m\n", "want [KEY]"},
		{"unknown field", "[K]\n" + good + "colour: red\n", `unknown field "colour"`},
		{"no means", "[K]\norigin: server\nsection: environ Variables\n", "no means"},
		{"bad origin", "[K]\norigin: somewhere\nsection: environ Variables\nmeans: m\n", `origin "somewhere"`},
		{"name after a non-header origin", "[K]\norigin: server Host\nsection: environ Variables\nmeans: m\n", "only a header origin"},
		{"section not in the PEP", "[K]\norigin: server\nsection: Environ variables\nmeans: m\n", `"Environ variables" is not the title`},
		{"key twice", "[K]\n" + good + "[K]\n" + good, "[K] again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseExplain("x.txt", tt.text)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "templates: explain/x.txt") {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	tab, err := parseExplain("x.txt", "# comment\n\n[A]\n"+good+"wsgidev: w\n[B]\n"+good)
	if err != nil || len(tab.order) != 2 || tab.order[0].Key != "A" || tab.byKey["A"].Wsgidev != "w" {
		t.Fatalf("parse of a good file: %+v, %v", tab, err)
	}
}
