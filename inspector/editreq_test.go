package inspector

import (
	"bytes"
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
