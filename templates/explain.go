package templates

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// The texts of explain mode, one file per subject so that a teacher edits
// the one they mean; the format is described at the top of environ.txt.
var (
	//go:embed explain/environ.txt
	environText string
	//go:embed explain/start_response.txt
	startResponseText string
	//go:embed explain/body.txt
	bodyText string
	//go:embed explain/layers.txt
	layersText string
)

// Explanation is what one environ key, or one rule of start_response or of
// the body iterable, means. Every field but Wsgidev is set; each is one line.
type Explanation struct {
	Key     string // "PATH_INFO", "HTTP_USER_AGENT", "status", "close"
	Means   string // what PEP 3333 says it is
	Origin  Origin // where the value comes from
	Section string // the title of the PEP 3333 section that defines it
	Wsgidev string // how wsgidev fills it where the PEP leaves a choice; may be empty
}

// OriginKind names where a value comes from.
type OriginKind string

const (
	OriginMethod     OriginKind = "method"     // the request line's method
	OriginPath       OriginKind = "path"       // the path of the request line's target
	OriginQuery      OriginKind = "query"      // the query of the request line's target
	OriginTarget     OriginKind = "target"     // the whole request target, path and query
	OriginProtocol   OriginKind = "protocol"   // the request line's HTTP version
	OriginHeader     OriginKind = "header"     // a request header; Origin.Header names it
	OriginBody       OriginKind = "body"       // the request body
	OriginConnection OriginKind = "connection" // the TCP connection's addresses
	OriginServer     OriginKind = "server"     // set by the server
	OriginApp        OriginKind = "app"        // given by the app
)

// Origin is where a value comes from.
type Origin struct {
	Kind   OriginKind
	Header string // for OriginHeader: the header's name, e.g. "User-Agent"
}

// String says the origin in words: "the path in the request line".
func (o Origin) String() string {
	switch o.Kind {
	case OriginMethod:
		return "the method in the request line"
	case OriginPath:
		return "the path in the request line"
	case OriginQuery:
		return "the query in the request line (after ?)"
	case OriginTarget:
		return "the target in the request line (path and query)"
	case OriginProtocol:
		return "the HTTP version in the request line"
	case OriginHeader:
		return "the " + o.Header + " request header"
	case OriginBody:
		return "the request body"
	case OriginConnection:
		return "the TCP connection"
	case OriginServer:
		return "set by the server"
	case OriginApp:
		return "given by the app"
	}
	return string(o.Kind)
}

// ExplainEnviron explains an environ key. Any HTTP_* key is explained, by
// its own entry or as the request header it came from: HTTP_USER_AGENT is
// "the User-Agent request header", and a header hopByHop names (by its
// usual spelling, "Keep-Alive") as one that belongs to the connection.
// ok is false for keys wsgidev has no text for (an app's or a
// middleware's own keys).
func ExplainEnviron(key string, hopByHop func(header string) bool) (Explanation, bool) {
	t, err := environTable()
	if err != nil {
		return Explanation{}, false
	}
	if e, ok := t.byKey[key]; ok {
		return e, true
	}
	header, ok := strings.CutPrefix(key, "HTTP_")
	if !ok || header == "" {
		return Explanation{}, false
	}
	name := headerName(header)
	generic := genericHeaderKey
	if hopByHop != nil && hopByHop(name) {
		generic = hopByHopHeaderKey
	}
	e := t.byKey[generic]
	e.Key = key
	e.Means = strings.ReplaceAll(e.Means, "{header}", name)
	e.Wsgidev = strings.ReplaceAll(e.Wsgidev, "{header}", name)
	e.Origin = Origin{Kind: OriginHeader, Header: name}
	return e, true
}

// EnvironKeys lists the environ keys with texts of their own, in the
// order of environ.txt; any other HTTP_* key is explained too.
func EnvironKeys() []string {
	t, err := environTable()
	if err != nil {
		return nil
	}
	var keys []string
	for _, e := range t.order {
		if !strings.Contains(e.Key, "*") {
			keys = append(keys, e.Key)
		}
	}
	return keys
}

// ExplainStartResponse explains start_response: the callable, its
// arguments and the write() callable it returns, in teaching order.
func ExplainStartResponse() []Explanation { return ordered(startResponseTable) }

// ExplainBody explains the iterable the app returns: iteration, close(),
// Content-Length and streaming, in teaching order.
func ExplainBody() []Explanation { return ordered(bodyTable) }

// ExplainLayers explains the layers of an app's stack and each kind of
// change a layer makes: "server", "middleware", "application", "environ
// +" (a key added), "environ wsgi.url_scheme" (that key changed), "header
// -", "status", "body", "raised".
func ExplainLayers() []Explanation { return ordered(layersTable) }

func ordered(load func() (table, error)) []Explanation {
	t, err := load()
	if err != nil {
		return nil
	}
	return append([]Explanation(nil), t.order...)
}

// The entries that stand for every header without one of its own.
const (
	genericHeaderKey  = "HTTP_*"
	hopByHopHeaderKey = "HTTP_* hop-by-hop"
)

// headerName turns an HTTP_* suffix back into a header name as it is
// usually written: USER_AGENT → User-Agent.
func headerName(suffix string) string {
	switch suffix {
	case "TE", "DNT":
		return suffix
	}
	words := strings.Split(suffix, "_")
	for i, w := range words {
		if w != "" {
			words[i] = w[:1] + strings.ToLower(w[1:])
		}
	}
	return strings.Join(words, "-")
}

// table is one parsed explain file.
type table struct {
	byKey map[string]Explanation
	order []Explanation
}

// The files are parsed once, on first use; a broken file explains nothing
// (templates_test.go fails on it, so it never ships).
var (
	environTable       = sync.OnceValues(func() (table, error) { return parseExplain("environ.txt", environText) })
	startResponseTable = sync.OnceValues(func() (table, error) { return parseExplain("start_response.txt", startResponseText) })
	bodyTable          = sync.OnceValues(func() (table, error) { return parseExplain("body.txt", bodyText) })
	layersTable        = sync.OnceValues(func() (table, error) { return parseExplain("layers.txt", layersText) })
)

// pep3333Sections are the titles of PEP 3333's sections that an entry may
// name, spelled as in the PEP.
var pep3333Sections = map[string]bool{
	"Specification Overview": true, "A Note On String Types": true, "The Application/Framework Side": true,
	"The Server/Gateway Side": true, "Middleware: Components that Play Both Sides": true,
	"Specification Details": true, "environ Variables": true, "Input and Error Streams": true,
	"The start_response() Callable": true, "Handling the Content-Length Header": true,
	"Buffering and Streaming": true, "Middleware Handling of Block Boundaries": true,
	"The write() Callable": true, "Unicode Issues": true, "Error Handling": true,
	"HTTP 1.1 Expect/Continue": true, "Other HTTP Features": true, "Thread Support": true,
	"Server Extension APIs": true, "Application Configuration": true, "URL Reconstruction": true,
	"Optional Platform-Specific File Handling": true,
}

var originKinds = map[OriginKind]bool{
	OriginMethod: true, OriginPath: true, OriginQuery: true, OriginTarget: true, OriginProtocol: true,
	OriginHeader: true, OriginBody: true, OriginConnection: true, OriginServer: true, OriginApp: true,
}

// parseExplain reads the [KEY] / "field: value" format of the explain files.
func parseExplain(file, text string) (table, error) {
	t := table{byKey: map[string]Explanation{}}
	var cur *Explanation
	finish := func() error {
		if cur == nil {
			return nil
		}
		if err := checkEntry(cur); err != nil {
			return fmt.Errorf("templates: explain/%s: [%s]: %w", file, cur.Key, err)
		}
		t.byKey[cur.Key] = *cur
		t.order = append(t.order, *cur)
		return nil
	}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if key, ok := strings.CutPrefix(line, "["); ok && strings.HasSuffix(key, "]") {
			if err := finish(); err != nil {
				return table{}, err
			}
			key = strings.TrimSuffix(key, "]")
			if _, dup := t.byKey[key]; dup {
				return table{}, fmt.Errorf("templates: explain/%s:%d: [%s] again", file, i+1, key)
			}
			cur = &Explanation{Key: key}
			continue
		}
		field, value, ok := strings.Cut(line, ":")
		if !ok || cur == nil {
			return table{}, fmt.Errorf("templates: explain/%s:%d: want [KEY] or field: value, got %q", file, i+1, line)
		}
		if err := setField(cur, field, strings.TrimSpace(value)); err != nil {
			return table{}, fmt.Errorf("templates: explain/%s:%d: %w", file, i+1, err)
		}
	}
	if err := finish(); err != nil {
		return table{}, err
	}
	return t, nil
}

func setField(e *Explanation, field, value string) error {
	switch field {
	case "origin":
		kind, header, _ := strings.Cut(value, " ")
		e.Origin = Origin{Kind: OriginKind(kind), Header: strings.TrimSpace(header)}
	case "section":
		e.Section = value
	case "means":
		e.Means = value
	case "wsgidev":
		e.Wsgidev = value
	default:
		return fmt.Errorf("unknown field %q: use origin, section, means or wsgidev", field)
	}
	return nil
}

func checkEntry(e *Explanation) error {
	switch {
	case e.Means == "":
		return fmt.Errorf("no means: line")
	case !originKinds[e.Origin.Kind]:
		return fmt.Errorf("origin %q is none of method, path, query, target, protocol, header, body, connection, server, app", e.Origin.Kind)
	case e.Origin.Header != "" && e.Origin.Kind != OriginHeader:
		return fmt.Errorf("origin %q: only a header origin names something after its kind", e.Origin.Kind)
	case !pep3333Sections[e.Section]:
		return fmt.Errorf("section %q is not the title of a PEP 3333 section", e.Section)
	}
	return nil
}
