package capture

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/textproto"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/devserver/wsgi"
)

// CompareOptions says what a replay compares.
type CompareOptions struct {
	Volatile    []string // more header names left out of the comparison
	CompareETag bool     // compare ETag too (left out by default)
	// NoResponseBody: the capture holds no response body (a HAR saved
	// without content), so bodies are not compared.
	NoResponseBody bool
	// Foreign: the capture is another tool's HAR, whose bodies are decoded
	// and whose headers are the wire's; Content-Encoding and Content-Length
	// are then left out.
	Foreign bool
}

// volatileHeaders change from one run to the next by design.
var volatileHeaders = []string{"Date", "Server", "Last-Modified", "Expires", "Age"}

// Diff is how a replayed answer differs from the captured one.
type Diff struct {
	StatusWas, StatusNow int // set when the statuses differ
	Headers              []HeaderDiff
	Body                 *BodyDiff // nil when the bodies match (or were not compared)
	Notes                []string  // what was not compared, or only in part, and why
}

// HeaderDiff is one header whose values differ (in order, all of them).
type HeaderDiff struct {
	Name     string
	Was, Now []string
}

// BodyDiff says how two bodies differ.
type BodyDiff struct {
	WasSize, NowSize int64
	Compared         int          // bytes compared when a side was cut at the cap; 0 for all
	JSON             []JSONChange // when both are whole JSON documents: what changed, by path
	JSONMore         int          // changes past those listed
	Unified          string       // a unified diff when both are text (and not JSON that differs)
	WasSHA, NowSHA   string       // sha256 of the compared bytes, for binary bodies
}

// Match reports whether nothing that was compared differs.
func (d Diff) Match() bool {
	return d.StatusWas == d.StatusNow && len(d.Headers) == 0 && d.Body == nil
}

// What names what differs: "status, headers, body".
func (d Diff) What() string {
	var parts []string
	if d.StatusWas != d.StatusNow {
		parts = append(parts, "status")
	}
	if len(d.Headers) > 0 {
		parts = append(parts, "headers")
	}
	if d.Body != nil {
		parts = append(parts, "body")
	}
	return strings.Join(parts, ", ")
}

// Compare compares the answer in got with the one captured in want.
func Compare(want, got *exchange.Exchange, opts CompareOptions) Diff {
	var d Diff
	if want.Status != got.Status {
		d.StatusWas, d.StatusNow = want.Status, got.Status
	}
	var body *BodyDiff
	errorPages := isFailurePage(want) && isFailurePage(got)
	switch {
	case opts.NoResponseBody:
		d.Notes = append(d.Notes, "the capture has no response body; bodies not compared")
	case errorPages:
		d.Notes = append(d.Notes, "wsgidev's error page: compared what failed ("+FailureHeader+"), not the page, whose locals change from run to run")
	default:
		body, d.Notes = compareBodies(want.ResponseBody, got.ResponseBody)
	}
	ignore := append(append([]string{}, volatileHeaders...), opts.Volatile...)
	if !opts.CompareETag {
		ignore = append(ignore, "ETag")
	}
	if body != nil || opts.Foreign || errorPages {
		ignore = append(ignore, "Content-Length")
	}
	if opts.Foreign {
		ignore = append(ignore, "Content-Encoding")
	}
	d.Headers = compareHeaders(want.ResponseHeaders, got.ResponseHeaders, ignore)
	d.Body = body
	return d
}

// FailureHeader marks an answer that is wsgidev's own error page and says
// what failed ("exception: KeyError: 'x'"). Such a page shows the failing
// frames' locals and the request, whose reprs carry addresses and ports
// that change from run to run, so a replay compares this header, like any
// other, instead of the page.
const FailureHeader = "X-Wsgidev-Failure"

func isFailurePage(ex *exchange.Exchange) bool {
	return headerValue(ex.ResponseHeaders, FailureHeader) != ""
}

func compareHeaders(was, now []exchange.Header, ignore []string) []HeaderDiff {
	skip := map[string]bool{}
	for _, name := range ignore {
		skip[textproto.CanonicalMIMEHeaderKey(name)] = true
	}
	var order []string
	values := map[string]*[2][]string{}
	add := func(hs []exchange.Header, side int) {
		for _, h := range hs {
			name := textproto.CanonicalMIMEHeaderKey(h.Name)
			if skip[name] || wsgi.IsHopByHop(name) { // they belong to one connection, not to the answer
				continue
			}
			v := strings.TrimSpace(h.Value)
			if name == "Set-Cookie" {
				v = CookieName(v) + "=…" // values change by design (sessions, CSRF); names do not
			}
			if values[name] == nil {
				values[name] = &[2][]string{}
				order = append(order, name)
			}
			values[name][side] = append(values[name][side], v)
		}
	}
	add(was, 0)
	add(now, 1)
	var out []HeaderDiff
	for _, name := range order {
		v := values[name]
		a, b := v[0], v[1]
		if name == "Set-Cookie" {
			slices.Sort(a)
			slices.Sort(b)
		}
		if !slices.Equal(a, b) {
			out = append(out, HeaderDiff{Name: name, Was: a, Now: b})
		}
	}
	return out
}

// compareBodies compares what both sides kept; a side cut at its cap
// limits the other to as many bytes, and the sizes are compared as well.
func compareBodies(was, now exchange.Body) (*BodyDiff, []string) {
	var notes []string
	a, b := was.Data, now.Data
	n := -1 // bytes compared, when a side was cut
	if was.Truncated {
		n = len(was.Data)
	}
	if now.Truncated && (n < 0 || len(now.Data) < n) {
		n = len(now.Data)
	}
	if n >= 0 {
		a, b = a[:min(len(a), n)], b[:min(len(b), n)]
	}
	if n >= 0 {
		notes = append(notes, fmt.Sprintf("the %s body was cut at the capture cap: compared the first %d bytes and the sizes", cutSide(was, now), n))
	}
	if bytes.Equal(a, b) && was.Size == now.Size {
		return nil, notes
	}
	d := &BodyDiff{WasSize: was.Size, NowSize: now.Size, Compared: max(n, 0)}
	if bytes.Equal(a, b) {
		return d, notes // only the sizes differ, past what was kept
	}
	if n < 0 { // whole documents on both sides
		changes, more, ok := DiffJSON(a, b)
		if len(changes) > 0 {
			d.JSON, d.JSONMore = changes, more
			return d, notes
		}
		if ok {
			notes = append(notes, "the bodies hold the same JSON value, written differently")
		}
	}
	if utf8.Valid(a) && utf8.Valid(b) {
		d.Unified = UnifiedDiff("captured", "replayed", string(a), string(b))
	} else {
		d.WasSHA, d.NowSHA = sha(a), sha(b)
	}
	return d, notes
}

func cutSide(was, now exchange.Body) string {
	switch {
	case was.Truncated && now.Truncated:
		return "captured and the replayed"
	case was.Truncated:
		return "captured"
	}
	return "replayed"
}

func sha(p []byte) string {
	s := sha256.Sum256(p)
	return hex.EncodeToString(s[:])
}

// Write prints the differences, each line indented, a body diff at most
// maxLines lines long (0: no limit). What came from the app is printed
// with its control characters escaped, since it goes to a terminal.
func (d Diff) Write(w io.Writer, indent string, maxLines int) {
	if d.StatusWas != d.StatusNow {
		fmt.Fprintf(w, "%sstatus: captured %d, replayed %d\n", indent, d.StatusWas, d.StatusNow)
	}
	for _, h := range d.Headers {
		fmt.Fprintf(w, "%sheader %s: captured %s, replayed %s\n", indent, exchange.Printable(h.Name), quoteList(h.Was), quoteList(h.Now))
	}
	if b := d.Body; b != nil {
		what := "body"
		if b.Compared > 0 {
			what = fmt.Sprintf("body (first %d bytes compared)", b.Compared)
		}
		if b.WasSize != b.NowSize {
			fmt.Fprintf(w, "%s%s: captured %d bytes, replayed %d bytes\n", indent, what, b.WasSize, b.NowSize)
		} else {
			fmt.Fprintf(w, "%s%s differs (%d bytes each)\n", indent, what, b.WasSize)
		}
		switch {
		case len(b.JSON) > 0:
			writeLimited(w, indent+"  ", jsonChangeLines(b), maxLines)
		case b.Unified != "":
			writeLimited(w, indent+"  ", b.Unified, maxLines)
		case b.WasSHA != "":
			fmt.Fprintf(w, "%s  binary: sha256 captured %s\n%s          sha256 replayed %s\n", indent, b.WasSHA, indent, b.NowSHA)
		}
	}
	for _, n := range d.Notes {
		fmt.Fprintf(w, "%snote: %s\n", indent, exchange.Printable(n))
	}
}

// jsonChangeLines are a JSON diff's changes, a line each.
func jsonChangeLines(b *BodyDiff) string {
	var s strings.Builder
	for _, c := range b.JSON {
		s.WriteString(c.String() + "\n")
	}
	if b.JSONMore > 0 {
		fmt.Fprintf(&s, "… %d more changes\n", b.JSONMore)
	}
	return s.String()
}

func writeLimited(w io.Writer, indent, text string, maxLines int) {
	lines := strings.SplitAfter(strings.TrimSuffix(text, "\n"), "\n")
	for i, l := range lines {
		if maxLines > 0 && i == maxLines {
			fmt.Fprintf(w, "%s… %d more diff lines\n", indent, len(lines)-i)
			return
		}
		fmt.Fprintf(w, "%s%s\n", indent, exchange.Printable(strings.TrimSuffix(l, "\n")))
	}
}

func quoteList(vs []string) string {
	if len(vs) == 0 {
		return "(none)"
	}
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
