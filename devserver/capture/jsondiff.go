package capture

// Comparing two JSON bodies by their structure: which keys were added,
// removed or changed, at which path, instead of a text diff of one long
// line.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// maxJSONChanges is how many changes a JSON diff lists.
const maxJSONChanges = 200

// JSONChange is one difference between two JSON documents.
type JSONChange struct {
	Path string // $.user.name, $.items[2], $["content-type"]
	Was  string // the value before, as compact JSON; "" when the path was added
	Now  string // the value after; "" when the path was removed
}

// String is the change as one line: "~ $.a: 1 → 2", "+ $.b: true", "- $.c: null".
func (c JSONChange) String() string {
	switch {
	case c.Was == "":
		return "+ " + c.Path + ": " + c.Now
	case c.Now == "":
		return "- " + c.Path + ": " + c.Was
	}
	return "~ " + c.Path + ": " + c.Was + " → " + c.Now
}

// DiffJSON compares two JSON documents: objects key by key (in key
// order), arrays index by index. ok is false when either is not one JSON
// value; more counts the changes past maxJSONChanges.
func DiffJSON(a, b []byte) (changes []JSONChange, more int, ok bool) {
	va, okA := decodeJSON(a)
	vb, okB := decodeJSON(b)
	if !okA || !okB {
		return nil, 0, false
	}
	d := &jsonDiff{}
	d.walk("$", va, vb)
	return d.changes, d.more, true
}

// decodeJSON decodes one JSON value, numbers kept as written.
func decodeJSON(data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	var extra any
	return v, errors.Is(dec.Decode(&extra), io.EOF) // one value, and nothing after it
}

type jsonDiff struct {
	changes []JSONChange
	more    int
}

func (d *jsonDiff) add(path string, was, now any, hasWas, hasNow bool) {
	if len(d.changes) >= maxJSONChanges {
		d.more++
		return
	}
	c := JSONChange{Path: path}
	if hasWas {
		c.Was = compactJSON(was)
	}
	if hasNow {
		c.Now = compactJSON(now)
	}
	d.changes = append(d.changes, c)
}

func (d *jsonDiff) walk(path string, a, b any) {
	switch a := a.(type) {
	case map[string]any:
		if b, ok := b.(map[string]any); ok {
			d.objects(path, a, b)
			return
		}
	case []any:
		if b, ok := b.([]any); ok {
			d.arrays(path, a, b)
			return
		}
	}
	if !sameJSON(a, b) {
		d.add(path, a, b, true, true)
	}
}

func (d *jsonDiff) objects(path string, a, b map[string]any) {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		va, inA := a[k]
		vb, inB := b[k]
		p := path + jsonKey(k)
		switch {
		case inA && inB:
			d.walk(p, va, vb)
		case inA:
			d.add(p, va, nil, true, false)
		default:
			d.add(p, nil, vb, false, true)
		}
	}
}

func (d *jsonDiff) arrays(path string, a, b []any) {
	for i := range max(len(a), len(b)) {
		p := path + "[" + strconv.Itoa(i) + "]"
		switch {
		case i < len(a) && i < len(b):
			d.walk(p, a[i], b[i])
		case i < len(a):
			d.add(p, a[i], nil, true, false)
		default:
			d.add(p, nil, b[i], false, true)
		}
	}
}

// sameJSON compares two scalars (or an object or array with anything
// else); numbers compare by value, so 1.0 and 1 are the same.
func sameJSON(a, b any) bool {
	na, okA := a.(json.Number)
	nb, okB := b.(json.Number)
	if okA && okB {
		if na == nb || (isInteger(na) && isInteger(nb)) {
			return na == nb // integers by their digits: past 2^53 a float64 would merge them
		}
		fa, errA := na.Float64()
		fb, errB := nb.Float64()
		return errA == nil && errB == nil && fa == fb
	}
	if okA != okB {
		return false
	}
	switch a.(type) {
	case map[string]any, []any:
		return false // b is not of a's kind, or walk would have gone in
	}
	return a == b
}

func isInteger(n json.Number) bool { return !strings.ContainsAny(string(n), ".eE") }

// identifier is a key that reads plainly after a dot.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// jsonKey is a key's step in a path: .name, or ["content-type"].
func jsonKey(k string) string {
	if identifier.MatchString(k) {
		return "." + k
	}
	return "[" + compactJSON(k) + "]"
}

// maxValueShown bounds a value in a change's line.
const maxValueShown = 80

// compactJSON writes a value as compact JSON, cut with "…" when long.
func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	s := string(bytes.TrimRight(b.Bytes(), "\n"))
	if r := []rune(s); len(r) > maxValueShown {
		s = string(r[:maxValueShown-1]) + "…"
	}
	return s
}
