package inspector

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestFormatAndParseRequest(t *testing.T) {
	orig := &exchange.Exchange{ID: 4, Method: "POST", Target: "/login?next=%2F", Proto: "HTTP/1.1",
		RequestHeaders: []exchange.Header{{Name: "Host", Value: "localhost:8000"}, {Name: "Content-Length", Value: "9"},
			{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}, {Name: "X-Empty", Value: ""}},
		RequestBody: exchange.Body{Data: []byte("user=ann\n"), Size: 9}}
	text := formatRequest(orig)
	want := "POST /login?next=%2F HTTP/1.1\nHost: localhost:8000\nContent-Type: application/x-www-form-urlencoded\nX-Empty: \n\nuser=ann\n"
	if string(text) != want {
		t.Fatalf("formatted as\n%q\nwant\n%q", text, want)
	}
	got, err := parseRequest(text, orig)
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != "POST" || got.Target != orig.Target || string(got.RequestBody.Data) != "user=ann\n" || len(got.RequestHeaders) != 3 {
		t.Errorf("parsed back as %+v", got)
	}

	for _, tc := range []struct {
		name, text, body, err string
	}{
		{"editor's final newline taken off", "PUT /x HTTP/1.1\nA: b\n\nabc\n", "abc", ""},
		{"CRLF", "PUT /x HTTP/1.1\r\nA: b\r\n\r\nabc", "abc", ""},
		{"CRLF, blank lines in the body", "PUT /x HTTP/1.1\r\nA: b\r\n\r\na\n\nb", "a\n\nb", ""},
		{"no blank line, no body", "GET /x\nA: b\n", "", ""},
		{"empty", "\n\n", "", "the file is empty"},
		{"bad request line", "GET\n\n", "", "line 1: want a request line"},
		{"bad version", "GET / HTTPS\n\n", "", `line 1: "HTTPS" is not an HTTP version`},
		{"bad method", "G(T / HTTP/1.1\n\n", "", "line 1:"},
		{"bad header", "GET / HTTP/1.1\nA: b\nno colon\n\nbody", "", `line 3: want a header as "Name: value"`},
		{"space in a name", "GET / HTTP/1.1\nBad Name: x\n\n", "", "line 2:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseRequest([]byte(tc.text), &exchange.Exchange{ID: 1})
			switch {
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want one with %q", err, tc.err)
			case tc.err == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.err == "" && string(got.RequestBody.Data) != tc.body:
				t.Errorf("body %q, want %q", got.RequestBody.Data, tc.body)
			}
		})
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte("POST /x?y=1 HTTP/1.1\nHost: h\nA: b\n\nbody"), []byte("body"))
	f.Add([]byte("GET /\r\n\r\n"), []byte(""))
	f.Fuzz(func(t *testing.T, text, origBody []byte) {
		orig := &exchange.Exchange{ID: 1, RequestBody: exchange.Body{Data: origBody}}
		req, err := parseRequest(text, orig)
		if err != nil {
			return
		}
		// What parses, formatted again, parses to the same request.
		again, err := parseRequest(formatRequest(req), req)
		if err != nil {
			t.Fatalf("%q parsed, but its formatted form %q did not: %v", text, formatRequest(req), err)
		}
		if again.Method != req.Method || again.Target != req.Target || !bytes.Equal(again.RequestBody.Data, req.RequestBody.Data) ||
			!reflect.DeepEqual(again.RequestHeaders, req.RequestHeaders) {
			t.Fatalf("%q: %+v then %+v", text, req, again)
		}
	})
}

// An edit that does not parse is not lost: e, from the pane that says so
// or from the request again, reopens it with the error marked at the top
// (its line counted as the editor shows it), and once fixed it is sent.
func TestFlowEditDraftReopens(t *testing.T) {
	dir := t.TempDir()
	state, seen := filepath.Join(dir, "runs"), filepath.Join(dir, "seen")
	script := editorScript(t, `echo >> "`+state+`"
case $(wc -l < "`+state+`") in
1) printf 'POST /boom HTTP/1.1\nContent-Type application/json\n\n{"a": 1}\n' > "$1" ;;
2) cp "$1" "`+seen+`" ;;
*) cp "$1" "`+seen+`"; sed -i 's/^Content-Type /Content-Type: /' "$1" ;;
esac`)
	ctl := &replayControl{nextID: 6, answer: fixed}
	tm, _ := replayFlow(t, ctl, func(o *Options) { o.Editor = script })
	keys(tm, "e")
	waitFor(t, tm, "edit of #3: nothing replayed", `line 2: want a header as "Name: value"`, "e edit again")
	keys(tm, "e") // from the pane; saved unchanged, it fails again
	waitFor(t, tm, `line 5: want a header as "Name: value"`)
	want := "# wsgidev: this edit did not parse, so nothing was sent:\n" +
		`# line 5: want a header as "Name: value" (a blank line ends the headers), got "Content-Type application/json"` + "\n" +
		"# Fix it and save to send it; lines starting with # at the top are left out.\n" +
		"POST /boom HTTP/1.1\nContent-Type application/json\n\n{\"a\": 1}\n"
	if got, _ := os.ReadFile(seen); string(got) != want {
		t.Errorf("reopened as\n%s\nwant\n%s", got, want)
	}
	keys(tm, "esc", "e") // from the request: the draft again, fixed this time
	waitFor(t, tm, "edited replay of #3 GET /boom → #7")
	quit(t, tm)
	got := ctl.requests()
	if len(got) != 1 || got[0].Request.Method != "POST" || headerValue(got[0].Request.RequestHeaders, "Content-Type") != "application/json" {
		t.Fatalf("sent %+v; want the fixed draft once", got)
	}
}
