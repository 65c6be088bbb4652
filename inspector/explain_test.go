package inspector

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// testExplainer stands in for package main's texts from templates (the
// inspector never imports templates); its wording is kept close to them.
type testExplainer struct{}

var testEnvironTexts = map[string]Explanation{
	"REQUEST_METHOD": {Means: `The HTTP request method, such as "GET" or "POST"; it can never be empty, so it is always present.`,
		Origin: "from the method in the request line", Section: "environ Variables"},
	"SCRIPT_NAME": {Means: `The initial part of the URL path that corresponds to the app, its virtual "location"; empty if the app is at the server's root.`,
		Origin: "from the path in the request line", Section: "environ Variables", Wsgidev: `The --script-name prefix, else "" (the app owns every path).`},
	"PATH_INFO": {Means: "The rest of the URL path after SCRIPT_NAME: where the request points inside the app; empty for the app's root without a trailing slash.",
		Origin: "from the path in the request line", Section: "environ Variables", Wsgidev: `Percent-decoded (%2F too), its bytes as a latin-1 str; decode it with .encode("latin-1").decode("utf-8").`},
	"QUERY_STRING": {Means: `The part of the request URL after the "?", if any; may be empty or absent.`,
		Origin: "from the query in the request line (after ?)", Section: "environ Variables"},
	"SERVER_NAME": {Means: "With SERVER_PORT, the default host for rebuilding the URL when HTTP_HOST is not set; a required str, never empty.",
		Origin: "from the TCP connection", Section: "environ Variables"},
	"SERVER_PORT": {Means: `The port for rebuilding the URL when HTTP_HOST is not set, a str such as "8000"; required, never empty.`,
		Origin: "from the TCP connection", Section: "environ Variables"},
	"SERVER_PROTOCOL": {Means: `The protocol version the client used to send the request, such as "HTTP/1.1".`,
		Origin: "from the HTTP version in the request line", Section: "environ Variables"},
	"wsgi.input": {Means: "A file-like object to read the request body bytes from: read(size), readline(), readlines(hint), iteration.",
		Origin: "from the request body", Section: "Input and Error Streams"},
}

func (testExplainer) Environ(key string) (Explanation, bool) {
	if e, ok := testEnvironTexts[key]; ok {
		e.Key = key
		return e, true
	}
	if name, ok := strings.CutPrefix(key, "HTTP_"); ok {
		return Explanation{Key: key, Means: "The " + name + " request header as the client sent it.",
			Origin: "from the " + name + " request header", Section: "environ Variables"}, true
	}
	return Explanation{}, false
}

func (testExplainer) StartResponse() []Explanation {
	return []Explanation{
		{Key: "start_response", Means: "The callable the server passes as the app's second argument: start_response(status, response_headers, exc_info=None).", Origin: "set by the server", Section: "The start_response() Callable"},
		{Key: "status", Means: `A str like "200 OK": a status code and a reason phrase separated by a single space.`, Origin: "given by the app", Section: "The start_response() Callable"},
		{Key: "response_headers", Means: "A Python list of (header_name, header_value) tuples.", Origin: "given by the app", Section: "The start_response() Callable"},
		{Key: "called twice", Means: "The app may call start_response more than once only with exc_info.", Origin: "given by the app", Section: "The start_response() Callable"},
		{Key: "write", Means: "write(body_data), returned by start_response.", Origin: "set by the server", Section: "The write() Callable"},
	}
}

func (testExplainer) Body() []Explanation {
	return []Explanation{
		{Key: "body", Means: "The app must return an iterable yielding zero or more bytestrings.", Origin: "given by the app", Section: "Specification Details"},
		{Key: "iteration", Means: "The server sends each bytestring to the client unbuffered.", Origin: "set by the server", Section: "Specification Details"},
		{Key: "close", Means: "If the iterable has a close() method, the server must call it when the request ends.", Origin: "set by the server", Section: "Specification Details"},
		{Key: "bytes", Means: "Each value the iterable yields must be of type bytes in Python 3, never str.", Origin: "given by the app", Section: "Unicode Issues"},
	}
}

func (testExplainer) Layers() []Explanation {
	mw := "Middleware: Components that Play Both Sides"
	return []Explanation{
		{Key: "server", Means: "The server calls the app once per request, with environ and start_response.", Origin: "set by the server", Section: "The Server/Gateway Side"},
		{Key: "middleware", Means: "Middleware plays both sides: to the layer above it is an app; to the layer below it is a server.", Origin: "given by the app", Section: mw},
		{Key: "application", Means: "The application at the bottom makes the response: it calls start_response and returns the body.", Origin: "given by the app", Section: "The Application/Framework Side"},
		{Key: "environ +", Means: "The layer added a key before calling the layer below.", Origin: "given by the app", Section: "environ Variables"},
		{Key: "environ ~", Means: "The layer replaced a value before calling the layer below.", Origin: "given by the app", Section: mw},
		{Key: "environ wsgi.url_scheme", Means: "The layer set the scheme from a header a proxy sent, X-Forwarded-Proto, as werkzeug's ProxyFix does.", Origin: "given by the app", Section: "URL Reconstruction"},
		{Key: "environ SCRIPT_NAME", Means: "The layer moved the front of the path into SCRIPT_NAME, as a dispatcher does when it mounts an app at a prefix.", Origin: "given by the app", Section: "URL Reconstruction"},
		{Key: "environ PATH_INFO", Means: "The layer took the mount prefix off the front of PATH_INFO.", Origin: "given by the app", Section: "URL Reconstruction"},
		{Key: "header +", Means: "The layer added a response header on the way out.", Origin: "given by the app", Section: mw},
		{Key: "body", Means: "The layer returned a body iterable of its own in place of the one it got from below.", Origin: "given by the app", Section: mw},
	}
}

func explainOptions() Options {
	o := testOptions()
	o.Explain = testExplainer{}
	return o
}

func explainModel(w, h int, opts Options) Model {
	return send(newTestModel(w, h, opts), UpdatesMsg(sampleUpdates()), UpdatesMsg(wireUpdates()))
}

// wireUpdates is a request that shows every rule of the wire view: a
// mount prefix, a percent-encoded path, repeated and underscored headers.
func wireUpdates() []exchange.Update {
	target := "/shop/caf%C3%A9/a%2Fb?q=caf%C3%A9&page=2"
	r := begin(7, 85*time.Second, "POST", target,
		exchange.Header{Name: "Accept", Value: "text/html"},
		exchange.Header{Name: "Accept", Value: "application/json"},
		exchange.Header{Name: "Content-Length", Value: "7"},
		exchange.Header{Name: "Content-Type", Value: "text/plain"},
		exchange.Header{Name: "Cookie", Value: "a=1"},
		exchange.Header{Name: "Cookie", Value: "b=2"},
		exchange.Header{Name: "X_Forwarded_For", Value: "10.0.0.1"},
	).rawHead("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1:8000\r\naccept: text/html\r\nContent-Length: 7\r\n" +
		"Content-Type:  text/plain\r\nCookie: a=1\r\nAccept: application/json\r\nX_Forwarded_For: 10.0.0.1\r\nCookie: b=2\r\n\r\n").
		requestBody("hello!\n")
	env := []exchange.EnvVar{
		{Key: "REQUEST_METHOD", Value: "POST", Type: "str"},
		{Key: "SCRIPT_NAME", Value: "/shop", Type: "str"},
		{Key: "PATH_INFO", Value: "/caf\xc3\xa9/a/b", Type: "str"},
		{Key: "QUERY_STRING", Value: "q=caf%C3%A9&page=2", Type: "str"},
		{Key: "CONTENT_TYPE", Value: "text/plain", Type: "str"},
		{Key: "CONTENT_LENGTH", Value: "7", Type: "str"},
		{Key: "SERVER_NAME", Value: "127.0.0.1", Type: "str"},
		{Key: "SERVER_PORT", Value: "8000", Type: "str"},
		{Key: "SERVER_PROTOCOL", Value: "HTTP/1.1", Type: "str"},
		{Key: "SERVER_SOFTWARE", Value: "wsgidev/dev", Type: "str"},
		{Key: "REMOTE_ADDR", Value: "127.0.0.1", Type: "str"},
		{Key: "REMOTE_PORT", Value: "51234", Type: "str"},
		{Key: "REQUEST_URI", Value: target, Type: "str"},
		{Key: "RAW_URI", Value: target, Type: "str"},
		{Key: "wsgi.url_scheme", Value: "http", Type: "str"},
		{Key: "HTTP_HOST", Value: "127.0.0.1:8000", Type: "str"},
		{Key: "HTTP_ACCEPT", Value: "text/html,application/json", Type: "str"},
		{Key: "HTTP_COOKIE", Value: "a=1; b=2", Type: "str"},
		{Key: "wsgi.version", Value: "(1, 0)", Type: "tuple"},
		{Key: "wsgi.input", Value: "request body stream (read, readline, readlines, iteration)", Type: "Input"},
	}
	r.ex.Environ = env
	r.eventOf(300*time.Microsecond, exchange.EventOf{Event: exchange.Event{Kind: exchange.EventEnviron}, Environ: env})
	return r.startResponse(time.Millisecond, "204 No Content", "").done(2 * ms)
}

func TestViewExplainEnviron(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(explainModel(w, h, explainOptions()), "g", "enter", "X"))
	})
}

// From 160 columns the explanations stand in a column beside the values.
func TestViewExplainColumn(t *testing.T) {
	m := press(explainModel(170, 30, explainOptions()), "g", "enter", "X")
	checkView(t, m)
	if v := ansi.Strip(m.View()); !strings.Contains(v, "'GET'") || !strings.Contains(v, "│ The HTTP request method") {
		t.Errorf("want REQUEST_METHOD's explanation beside its value:\n%s", v)
	}
}

func TestViewExplainFlag(t *testing.T) {
	opts := explainOptions()
	opts.ExplainOn = true
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(explainModel(w, h, opts), "g", "j", "j", "enter", "3"))
	})
}

func TestViewWire(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(explainModel(w, h, testOptions()), "enter", "7"))
	})
}

// An exchange without a recorded head (replayed, imported) is mapped from
// its parsed request line and headers, and says so.
func TestWireWithoutRawHead(t *testing.T) {
	m := press(explainModel(100, 30, testOptions()), "g", "j", "j", "j", "enter", "7")
	v := ansi.Strip(m.View())
	for _, want := range []string{"#4 POST /login", "rebuilt from the parsed request", "Content-Type: application/x-www-form-urlencoded", "CONTENT_TYPE = "} {
		if !strings.Contains(v, want) {
			t.Errorf("the wire view of a head-less exchange lacks %q:\n%s", want, v)
		}
	}
}

func TestViewWireScrolled(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		checkView(t, press(explainModel(w, h, testOptions()), "enter", "7", "G"))
	})
}

func TestViewLarge(t *testing.T) {
	opts := explainOptions()
	opts.Large = true
	forSizes(t, func(t *testing.T, w, h int) {
		t.Run("list", func(t *testing.T) { checkView(t, explainModel(w, h, opts)) })
		t.Run("environ", func(t *testing.T) { checkView(t, press(explainModel(w, h, opts), "g", "enter")) })
	})
}

// TestLayoutExplainAndWire checks explain mode and the wire view fill the
// screen and never overflow a line, from 80×24 up, and do not break below.
func TestLayoutExplainAndWire(t *testing.T) {
	screens := [][]string{
		{"g", "enter", "X"}, {"g", "j", "j", "enter", "X", "3"}, {"g", "j", "enter", "X", "4"},
		{"g", "j", "enter", "X", "6", "G"}, {"enter", "7"}, {"enter", "7", "X", "G"}, {"g", "enter", "7"},
	}
	for _, large := range []bool{false, true} {
		opts := explainOptions()
		opts.Large = large
		for w := 20; w <= 200; w += 13 {
			for h := 6; h <= 60; h += 9 {
				for _, keys := range screens {
					m := press(explainModel(w, h, opts), keys...)
					lines := strings.Split(ansi.Strip(m.View()), "\n")
					for i, l := range lines {
						if lw := ansi.StringWidth(l); lw > w {
							t.Fatalf("%dx%d large=%v after %q: line %d is %d wide: %q", w, h, large, keys, i+1, lw, l)
						}
					}
					if w >= 80 && h >= 24 && len(lines) != h {
						t.Fatalf("%dx%d large=%v after %q: %d lines", w, h, large, keys, len(lines))
					}
				}
			}
		}
	}
}

// The key X does nothing (and is not offered) without texts.
func TestExplainNeedsTexts(t *testing.T) {
	m := press(sampleModel(80, 24), "g", "enter", "X")
	if m.c.explain || m.c.keys.Explain.Enabled() {
		t.Errorf("explain on=%v, key enabled=%v without an Explainer; want both false", m.c.explain, m.c.keys.Explain.Enabled())
	}
	m = press(explainModel(80, 24, explainOptions()), "g", "enter")
	if !m.c.keys.Explain.Enabled() || !strings.Contains(ansi.Strip(m.View()), "X explain") {
		t.Errorf("with texts, X should be offered in the help:\n%s", ansi.Strip(m.View()))
	}
	m = press(m, "X", "/")
	m = typeText(m, "percent-decoded")
	if v := ansi.Strip(m.View()); !strings.Contains(v, "PATH_INFO") || strings.Contains(v, "REQUEST_METHOD") {
		t.Errorf("a search should find the explanation texts: PATH_INFO's, not REQUEST_METHOD's:\n%s", v)
	}
}

// The large theme has no grey and nothing faint or italic: on a projector
// they wash out. Every style is bold, and the default theme's greys are
// gone.
func TestLargeStylesNoGrey(t *testing.T) {
	r := newRenderer(true)
	def, large := DefaultStyles(r), LargeStyles(r)
	greys := map[string]bool{}
	for _, c := range []any{def.Dim.GetForeground(), def.Faint.GetForeground(), def.Help.ShortDesc.GetForeground()} {
		greys[fmt.Sprint(c)] = true
	}
	v := reflect.ValueOf(large)
	for i := range v.NumField() {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		st, ok := v.Field(i).Interface().(lipgloss.Style)
		if !ok {
			continue
		}
		name := v.Type().Field(i).Name
		if st.GetFaint() || st.GetItalic() || !st.GetBold() {
			t.Errorf("large %s: faint=%v italic=%v bold=%v; want bold only", name, st.GetFaint(), st.GetItalic(), st.GetBold())
		}
		if fg := fmt.Sprint(st.GetForeground()); greys[fg] {
			t.Errorf("large %s is grey (%s)", name, fg)
		}
	}
	if !large.Spacious || def.Spacious {
		t.Errorf("spacious: large %v, default %v; want only large", large.Spacious, def.Spacious)
	}
}

func TestFlowExplainAndWire(t *testing.T) {
	tm := startFlow(t, explainOptions())
	tm.Send(UpdatesMsg(append(sampleUpdates(), wireUpdates()...)))
	waitFor(t, tm, "7 requests")
	keys(tm, "enter") // #7 POST /shop/…
	waitFor(t, tm, "[1 Environ]", "PATH_INFO")
	keys(tm, "X")
	waitFor(t, tm, "Explain mode", "▸ REQUEST_METHOD", "← from the method in the request line", "PEP 3333: environ Variables")
	keys(tm, "j", "j") // the whole text is PATH_INFO's now, REQUEST_METHOD's a line
	waitFor(t, tm, "▸ PATH_INFO", "← from the path in the request line", ".encode(\"latin-1\").decode(\"utf-8\")")
	keys(tm, "3")
	waitFor(t, tm, "[3 Response]", "The callable the server passes")
	keys(tm, "7")
	waitFor(t, tm, "[7 Wire]", "as received", "accept: text/html", "HTTP_ACCEPT = 'text/html,application/json'")
	keys(tm, "X", "1")
	waitFor(t, tm, "[1 Environ]", "X explain ")

	m := quit(t, tm)
	if m.c.explain || m.detail.tab != tabEnviron {
		t.Errorf("explain %v on tab %v; want explain off on Environ", m.c.explain, m.detail.tab)
	}
}
