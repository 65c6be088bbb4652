package inspector

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// base is the fixed time every fixture starts from, so views are stable.
var base = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func testOptions() Options {
	return Options{
		AppLabel: "app.py → application",
		Python:   "Python 3.11.7",
		URL:      "http://127.0.0.1:8000/",
		Watching: "app folder (*.py)",
		NoColor:  true,
	}
}

// newTestModel is a model with a fixed clock, sized w×h.
func newTestModel(w, h int, opts Options) Model {
	m := NewModel(opts)
	m.c.now = func() time.Time { return base.Add(90 * time.Second) }
	return send(m, tea.WindowSizeMsg{Width: w, Height: h})
}

func send(m Model, msgs ...tea.Msg) Model {
	for _, msg := range msgs {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	return m
}

// keyMsg makes the message for a key as bubbletea names it.
func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEsc}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "ctrl+u":
		return tea.KeyMsg{Type: tea.KeyCtrlU}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		m = send(m, keyMsg(k))
	}
	return m
}

func typeText(m Model, s string) Model {
	for _, r := range s {
		m = send(m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
	return m
}

// cgiEnviron is an environ as devserver records it.
func cgiEnviron(method, target string, headers []exchange.Header) []exchange.EnvVar {
	path, query, _ := strings.Cut(target, "?")
	env := []exchange.EnvVar{
		{Key: "REQUEST_METHOD", Value: method, Type: "str"},
		{Key: "SCRIPT_NAME", Value: "", Type: "str"},
		{Key: "PATH_INFO", Value: path, Type: "str"},
		{Key: "QUERY_STRING", Value: query, Type: "str"},
	}
	if ct := headerValue(headers, "Content-Type"); ct != "" {
		env = append(env, exchange.EnvVar{Key: "CONTENT_TYPE", Value: ct, Type: "str"})
	}
	if cl := headerValue(headers, "Content-Length"); cl != "" {
		env = append(env, exchange.EnvVar{Key: "CONTENT_LENGTH", Value: cl, Type: "str"})
	}
	env = append(env,
		exchange.EnvVar{Key: "SERVER_NAME", Value: "127.0.0.1", Type: "str"},
		exchange.EnvVar{Key: "SERVER_PORT", Value: "8000", Type: "str"},
		exchange.EnvVar{Key: "SERVER_PROTOCOL", Value: "HTTP/1.1", Type: "str"},
		exchange.EnvVar{Key: "REMOTE_ADDR", Value: "127.0.0.1", Type: "str"},
		exchange.EnvVar{Key: "REMOTE_PORT", Value: "51234", Type: "str"},
		exchange.EnvVar{Key: "REQUEST_URI", Value: target, Type: "str"},
		exchange.EnvVar{Key: "RAW_URI", Value: target, Type: "str"},
		exchange.EnvVar{Key: "wsgi.url_scheme", Value: "http", Type: "str"},
	)
	for _, h := range headers {
		if h.Name == "Content-Type" || h.Name == "Content-Length" {
			continue
		}
		env = append(env, exchange.EnvVar{Key: "HTTP_" + strings.ToUpper(strings.ReplaceAll(h.Name, "-", "_")), Value: h.Value, Type: "str"})
	}
	return append(env,
		exchange.EnvVar{Key: "wsgi.version", Value: "(1, 0)", Type: "tuple"},
		exchange.EnvVar{Key: "wsgi.input", Value: "request body stream (read, readline, readlines, iteration)", Type: "Input"},
		exchange.EnvVar{Key: "wsgi.errors", Value: "per-request error stream, shown by wsgidev", Type: "Errors"},
		exchange.EnvVar{Key: "wsgi.multithread", Value: "True", Type: "bool"},
		exchange.EnvVar{Key: "wsgi.multiprocess", Value: "False", Type: "bool"},
		exchange.EnvVar{Key: "wsgi.run_once", Value: "False", Type: "bool"},
		exchange.EnvVar{Key: "wsgi.file_wrapper", Value: "FileWrapper", Type: "type"},
		exchange.EnvVar{Key: "wsgi.input_terminated", Value: "True", Type: "bool"},
	)
}

// recorder builds an exchange step by step, as devserver does, and the
// updates the hub would carry.
type recorder struct {
	ex      *exchange.Exchange
	updates []exchange.Update
}

func begin(id uint64, at time.Duration, method, target string, headers ...exchange.Header) *recorder {
	ex := &exchange.Exchange{
		ID: id, Start: base.Add(at), Remote: "127.0.0.1:51234",
		Method: method, Target: target, Proto: "HTTP/1.1",
		RequestHeaders: append([]exchange.Header{{Name: "Host", Value: "127.0.0.1:8000"}}, headers...),
	}
	started := *ex
	return &recorder{ex: ex, updates: []exchange.Update{{Started: &started}}}
}

// rawHead sets the head as it came over the wire; devserver records it
// before the request is first published.
func (r *recorder) rawHead(head string) *recorder {
	r.ex.RawHead = exchange.Body{Data: []byte(head), Size: int64(len(head))}
	r.updates[0].Started.RawHead = r.ex.RawHead
	return r
}

func (r *recorder) event(at time.Duration, e exchange.Event) *recorder {
	return r.eventOf(at, exchange.EventOf{Event: e})
}

// eventOf records e and publishes it with the extras devserver attaches.
func (r *recorder) eventOf(at time.Duration, of exchange.EventOf) *recorder {
	of.ID = r.ex.ID
	of.Event.Offset = at
	r.ex.Events = append(r.ex.Events, of.Event)
	r.updates = append(r.updates, exchange.Update{Event: &of})
	return r
}

func (r *recorder) environ(at time.Duration) *recorder {
	r.ex.Environ = cgiEnviron(r.ex.Method, r.ex.Target, r.ex.RequestHeaders[1:])
	return r.eventOf(at, exchange.EventOf{Event: exchange.Event{Kind: exchange.EventEnviron}, Environ: r.ex.Environ})
}

func (r *recorder) startResponse(at time.Duration, status string, excInfo string, headers ...exchange.Header) *recorder {
	r.ex.ResponseHeaders = headers
	r.ex.Status = atoiPrefix(status)
	return r.event(at, exchange.Event{Kind: exchange.EventStartResponse, Status: status, Headers: headers, ExcInfo: excInfo})
}

func atoiPrefix(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func (r *recorder) chunk(at time.Duration, data string) *recorder {
	r.ex.ResponseBody.Append([]byte(data), 1<<20)
	return r.eventOf(at, exchange.EventOf{Event: exchange.Event{Kind: exchange.EventChunk, Size: len(data)}, Data: []byte(data)})
}

func (r *recorder) log(at time.Duration, stream, text string) *recorder {
	return r.event(at, exchange.Event{Kind: exchange.EventLog, Stream: stream, Text: text})
}

func (r *recorder) requestBody(data string) *recorder {
	r.ex.RequestBody.Append([]byte(data), 1<<20)
	return r
}

func (r *recorder) lint(at time.Duration, rule, msg string) *recorder {
	r.ex.Lint = append(r.ex.Lint, exchange.Warning{Rule: rule, Message: msg})
	return r.event(at, exchange.Event{Kind: exchange.EventLint, Rule: rule, Text: msg})
}

func (r *recorder) fail(at time.Duration, f *exchange.Failure) *recorder {
	r.ex.Failure = f
	return r.event(at, exchange.Event{Kind: exchange.EventError, Rule: f.Rule, Text: f.Message})
}

func (r *recorder) done(at time.Duration) []exchange.Update {
	r.event(at-time.Microsecond, exchange.Event{Kind: exchange.EventClose})
	return r.end(at)
}

// end finishes the exchange without close(): there was no iterable.
func (r *recorder) end(at time.Duration) []exchange.Update {
	r.ex.Duration = at
	r.ex.Done = true
	return append(r.updates, exchange.Update{Done: r.ex})
}

const ms = time.Millisecond

// sampleUpdates is a small day at the office: a page, a JSON API call that
// logs and bends a rule, a crash, a form post, a binary file, and a
// response still streaming.
func sampleUpdates() []exchange.Update {
	var u []exchange.Update
	u = append(u, exchange.Update{Child: &exchange.ChildState{At: base, Kind: "started", PID: 4242}},
		exchange.Update{Output: &exchange.Output{At: base, Stream: "stdout", Line: "loading settings from config.py"}},
		exchange.Update{Child: &exchange.ChildState{At: base.Add(200 * ms), Kind: "ready", PID: 4242}})

	u = append(u, begin(1, 1*time.Second, "GET", "/", exchange.Header{Name: "Accept", Value: "text/html"},
		exchange.Header{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"},
		exchange.Header{Name: "Cookie", Value: "session=d4f'9a; theme=dark"}).
		environ(300*time.Microsecond).
		startResponse(900*time.Microsecond, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/html; charset=utf-8"}, exchange.Header{Name: "Content-Length", Value: "52"}).
		chunk(1*ms, "<!doctype html>\n<h1>Hello, world!</h1>\n<p>café</p>\n").
		done(1200*time.Microsecond)...)

	body := `{"name":"spam","qty":3,"tags":["canned","meat"]}`
	u = append(u, begin(2, 3*time.Second, "POST", "/api/items?debug=1", exchange.Header{Name: "Content-Length", Value: "48"},
		exchange.Header{Name: "Content-Type", Value: "application/json"}, exchange.Header{Name: "X-Trace", Value: "a"},
		exchange.Header{Name: "X-Trace", Value: "b  c"}, exchange.Header{Name: "X-Note", Value: "caf\xe9\t\x01"}).
		rawHead("POST /api/items?debug=1 HTTP/1.1\r\nhost: 127.0.0.1:8000\r\nx-trace: a\r\nCONTENT-type:   application/json\r\n"+
			"X-Trace: b  c \r\nContent-Length: 48\r\nX-Note: caf\xe9\t\x01\r\n\r\n").
		requestBody(body).
		environ(400*time.Microsecond).
		log(2*ms, "wsgi.errors", "validating item 'spam'\nqty ok\n").
		log(3*ms, "stdout", "INSERT INTO items VALUES (?, ?)").
		startResponse(4*ms, "201 Created", "", exchange.Header{Name: "Content-Type", Value: "application/json"}, exchange.Header{Name: "Location", Value: "/api/items/7"}).
		chunk(4500*time.Microsecond, `{"id":7,"name":"spam",`).
		chunk(5*ms, `"qty":3}`).
		lint(5200*time.Microsecond, "content-length-missing", "the app sent a body without Content-Length; wsgidev used chunked encoding").
		done(5400*time.Microsecond)...)

	u = append(u, begin(3, 5*time.Second, "GET", "/boom").
		environ(200*time.Microsecond).
		log(1*ms, "stderr", "about to divide by zero").
		startResponse(1500*time.Microsecond, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		startResponse(2*ms, "500 Internal Server Error", "Traceback (most recent call last):\n  File \"app.py\", line 14, in application\n    return [str(1 / 0).encode()]\nZeroDivisionError: division by zero\n", exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		chunk(2100*time.Microsecond, "Internal Server Error\n").
		fail(2200*time.Microsecond, &exchange.Failure{Kind: "exception", Message: "ZeroDivisionError: division by zero",
			Traceback: "Traceback (most recent call last):\n  File \"app.py\", line 14, in application\n    return [str(1 / 0).encode()]\nZeroDivisionError: division by zero\n"}).
		done(2500*time.Microsecond)...)

	u = append(u, begin(4, 7*time.Second, "POST", "/login", exchange.Header{Name: "Content-Length", Value: "38"},
		exchange.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}).
		requestBody("user=alice&password=s3cret%21&next=%2F").
		environ(300*time.Microsecond).
		startResponse(800*time.Microsecond, "302 Found", "", exchange.Header{Name: "Location", Value: "/"}, exchange.Header{Name: "Set-Cookie", Value: "session=0a1b2c; HttpOnly; Path=/"}).
		done(1*ms)...)

	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
	u = append(u, begin(5, 8*time.Second, "GET", "/static/logo.png").
		environ(200*time.Microsecond).
		startResponse(600*time.Microsecond, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "image/png"}).
		chunk(700*time.Microsecond, png).
		done(800*time.Microsecond)...)

	live := begin(6, 80*time.Second, "GET", "/events?topic=builds").
		environ(300*time.Microsecond).
		startResponse(1*ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/event-stream"}).
		chunk(2*ms, "data: build 1 started\n\n").
		chunk(2*time.Second, "data: build 1 passed\n\n")
	u = append(u, live.updates...)
	return u
}
