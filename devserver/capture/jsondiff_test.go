package capture

import (
	"strings"
	"testing"
)

func TestDiffJSON(t *testing.T) {
	cases := []struct {
		name, a, b string
		want       []string // the changes' lines
		notJSON    bool
	}{
		{"same", `{"a":1,"b":[1,2]}`, `{"b":[1,2], "a":1}`, nil, false},
		{"changed value", `{"user":{"name":"Ada","age":36}}`, `{"user":{"name":"Grace","age":36}}`,
			[]string{`~ $.user.name: "Ada" → "Grace"`}, false},
		{"added and removed keys", `{"a":1,"debug":true}`, `{"a":1,"email":"g@x.org"}`,
			[]string{`- $.debug: true`, `+ $.email: "g@x.org"`}, false},
		{"arrays by index", `{"items":[1,2,3]}`, `{"items":[1,5]}`,
			[]string{`~ $.items[1]: 2 → 5`, `- $.items[2]: 3`}, false},
		{"array grows", `[1]`, `[1,{"id":2}]`, []string{`+ $[1]: {"id":2}`}, false},
		{"type changes", `{"n":1,"o":{"x":1}}`, `{"n":"1","o":[1]}`,
			[]string{`~ $.n: 1 → "1"`, `~ $.o: {"x":1} → [1]`}, false},
		{"numbers by value", `{"n":1.0,"big":12345678901234567890}`, `{"n":1,"big":12345678901234567891}`,
			[]string{`~ $.big: 12345678901234567890 → 12345678901234567891`}, false},
		{"keys that are not names", `{"content-type":"a","a b":{"1":null}}`, `{"content-type":"b","a b":{"1":false}}`,
			[]string{`~ $["a b"]["1"]: null → false`, `~ $["content-type"]: "a" → "b"`}, false},
		{"long values cut", `{"t":"` + strings.Repeat("x", 100) + `"}`, `{"t":1}`,
			[]string{`~ $.t: "` + strings.Repeat("x", 78) + `… → 1`}, false},
		{"html not escaped", `{"h":"<b>"}`, `{"h":"<i>"}`, []string{`~ $.h: "<b>" → "<i>"`}, false},
		{"not JSON", `{"a":1}`, `<html>`, nil, true},
		{"two values", `{"a":1} {"b":2}`, `{"a":2}`, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			changes, more, ok := DiffJSON([]byte(c.a), []byte(c.b))
			if ok == c.notJSON || more != 0 {
				t.Fatalf("ok = %v, more = %d", ok, more)
			}
			var got []string
			for _, ch := range changes {
				got = append(got, ch.String())
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestDiffJSONBounded(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("[")
	b.WriteString("[")
	for i := range 250 {
		if i > 0 {
			a.WriteString(",")
			b.WriteString(",")
		}
		a.WriteString("1")
		b.WriteString("2")
	}
	a.WriteString("]")
	b.WriteString("]")
	changes, more, ok := DiffJSON([]byte(a.String()), []byte(b.String()))
	if !ok || len(changes) != maxJSONChanges || more != 250-maxJSONChanges {
		t.Errorf("%d changes and %d more, want %d and %d", len(changes), more, maxJSONChanges, 250-maxJSONChanges)
	}
}

// A replay whose JSON answer changed says which paths changed, not a
// text diff of one long line.
func TestCompareJSONBodies(t *testing.T) {
	was := answer(200, `{"user":{"name":"Ada","roles":["admin"]},"debug":true}`)
	now := answer(200, `{"user":{"name":"Grace","roles":["admin","dev"]}}`)
	d := Compare(was, now, CompareOptions{})
	if d.Body == nil || len(d.Body.JSON) != 3 || d.Body.Unified != "" {
		t.Fatalf("body diff %+v, want 3 JSON changes and no text diff", d.Body)
	}
	var out strings.Builder
	d.Write(&out, "", 0)
	for _, want := range []string{`  - $.debug: true`, `  ~ $.user.name: "Ada" → "Grace"`, `  + $.user.roles[1]: "dev"`} {
		if !strings.Contains(out.String(), want+"\n") {
			t.Errorf("no %q in\n%s", want, out.String())
		}
	}
	// The same value written differently falls back to the text diff.
	d = Compare(answer(200, `{"a":1,"b":2}`), answer(200, `{"b":2,"a":1}`), CompareOptions{})
	if d.Body == nil || d.Body.Unified == "" || !strings.Contains(strings.Join(d.Notes, ";"), "same JSON value") {
		t.Errorf("reordered keys: %+v, notes %q", d.Body, d.Notes)
	}
}
