package inspector

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestPrettyJSON(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // the lines joined by newlines
		cut      bool
		err      string // part of the error, "" for none
	}{
		{"object", `{"a":1,"b":[true,null,"x"]}`, "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null,\n    \"x\"\n  ]\n}", false, ""},
		{"empty containers", `{"a":{},"b":[ ]}`, "{\n  \"a\": {},\n  \"b\": []\n}", false, ""},
		{"scalar", ` 42 `, "42", false, ""},
		{"escapes kept", `["a\"b\\","\u00e9"]`, "[\n  \"a\\\"b\\\\\",\n  \"\\u00e9\"\n]", false, ""},
		{"cut in a string", `{"user":{"name":"Ad`, "{\n  \"user\": {\n    \"name\": \"Ad", true, ""},
		{"cut after a comma", `[1,2,`, "[\n  1,\n  2,", true, ""},
		{"cut in a literal", `[tr`, "[\n  tr", true, ""},
		{"cut in a number", `{"n":-1.`, "{\n  \"n\": -1.", true, ""},
		{"cut after a key", `{"a"`, "{\n  \"a\"", true, ""},
		{"JSON lines", "{\"a\":1}\n{\"a\":2}\n", "{\n  \"a\": 1\n}\n{\n  \"a\": 2\n}", false, ""},
		{"not JSON", `{"a": nope}`, "", false, `"nope" is not a JSON value at byte 7`},
		{"trailing comma", `[1,]`, "", false, "unexpected ']' after a comma or colon"},
		{"mismatched close", `{"a":1]`, "", false, "unexpected ']'"},
		{"key not a string", `{1:2}`, "", false, "unexpected '1'"},
		{"bad number", `[01]`, "", false, `"01" is not a JSON value`},
		{"control in string", "[\"a\x01\"]", "", false, "a control character inside a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lines, res := prettyJSON([]byte(c.in), "  ")
			if c.err != "" {
				if res.err == nil || !strings.Contains(res.err.Error(), c.err) {
					t.Fatalf("err = %v, want one with %q", res.err, c.err)
				}
				return
			}
			if res.err != nil {
				t.Fatalf("err = %v", res.err)
			}
			if got := strings.Join(lines, "\n"); got != c.want || res.cut != c.cut {
				t.Errorf("got cut=%v\n%s\nwant cut=%v\n%s", res.cut, got, c.cut, c.want)
			}
		})
	}
}

// Every prefix of a JSON document is cut, never an error.
func TestPrettyJSONPrefixes(t *testing.T) {
	doc := `{"users":[{"name":"Ada","age":36,"tags":["x","y"],"ok":true,"n":-1.5e3}],"next":null}`
	for i := 1; i < len(doc); i++ {
		_, res := prettyJSON([]byte(doc[:i]), "  ")
		if res.err != nil || !res.cut {
			t.Fatalf("prefix %q: cut=%v err=%v, want cut", doc[:i], res.cut, res.err)
		}
	}
}

// A document nested deeper than maxIndent is indented no further, so its
// lines grow with its size, not with its square.
func TestPrettyJSONDeep(t *testing.T) {
	lines, res := prettyJSON([]byte(strings.Repeat("[", 100_000)), "  ")
	if !res.cut || len(lines) != 100_000 || len(lines[len(lines)-1]) != 2*maxIndent+1 {
		t.Errorf("%d lines, the last %d long, cut %v", len(lines), len(lines[len(lines)-1]), res.cut)
	}
}

func FuzzPrettyJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `[`, `"x`, `{"a":1}{"b":2}`, `[1,]`, `-0.5e+7`, "{\"\\u00e9\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, res := prettyJSON(data, "  ")
		got := strings.Join(lines, "\n")
		if json.Valid(data) && !deeper(data, maxIndent) {
			var want bytes.Buffer
			if err := json.Indent(&want, bytes.TrimSpace(data), "", "  "); err != nil {
				t.Fatal(err)
			}
			if res.err != nil || res.cut || got != want.String() {
				t.Fatalf("valid JSON %q: got cut=%v err=%v\n%s\nwant\n%s", data, res.cut, res.err, got, want.String())
			}
		}
		if res.err == nil && !sameOutsideSpace(got, string(data)) {
			t.Fatalf("%q printed as %q: bytes other than spacing changed", data, got)
		}
	})
}

// deeper reports whether data opens more than n brackets at once.
func deeper(data []byte, n int) bool {
	depth := 0
	for _, c := range data {
		switch c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
		if depth > n {
			return true
		}
	}
	return false
}

// sameOutsideSpace compares a and b with every space, tab, CR and LF left out.
func sameOutsideSpace(a, b string) bool {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	return strip(a) == strip(b)
}
