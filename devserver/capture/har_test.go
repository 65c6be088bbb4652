package capture

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestHARRoundTrip(t *testing.T) {
	cut := sample(2, "/big?x=%20y&x=2&flag")
	cut.Method, cut.RequestBody = "GET", exchange.Body{}
	cut.ResponseBody = exchange.Body{}
	cut.ResponseBody.Append(bytes.Repeat([]byte("abc\n"), 100), 10)
	cut.ResponseHeaders = append(cut.ResponseHeaders, exchange.Header{Name: "Set-Cookie", Value: "sid=1; Path=/; HttpOnly"})
	entries := []Entry{{Exchange: sample(1, "/caf%E9")}, {Exchange: cut}}
	var buf bytes.Buffer
	hdr := Header{App: "app.py", Dir: "/proj", BodyMax: 10}
	if err := WriteHAR(&buf, entries, HAROptions{Version: "9.9", Header: &hdr, BodyMax: 10}); err != nil {
		t.Fatal(err)
	}
	var har map[string]any
	if err := json.Unmarshal(buf.Bytes(), &har); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	e1 := har["log"].(map[string]any)["entries"].([]any)[1].(map[string]any)
	req := e1["request"].(map[string]any)
	if q, _ := json.Marshal(req["queryString"]); string(q) != `[{"name":"x","value":" y"},{"name":"x","value":"2"},{"name":"flag","value":""}]` {
		t.Errorf("queryString %s", q)
	}
	if c, _ := json.Marshal(e1["response"].(map[string]any)["cookies"]); string(c) != `[{"httpOnly":true,"name":"sid","path":"/","value":"1"}]` {
		t.Errorf("cookies %s", c)
	}

	src := read(t, buf.Bytes())
	if src.Format != FormatHAR || len(src.Problems) != 0 || len(src.Entries) != 2 {
		t.Fatalf("format %q, %d entries, problems %v", src.Format, len(src.Entries), src.Problems)
	}
	if spec, dir := src.App(); spec != "app.py" || dir != "/proj" {
		t.Errorf("App() = %q %q", spec, dir)
	}
	for i, e := range src.Entries {
		want := entries[i].Exchange
		if e.Foreign || e.NoResponseBody {
			t.Errorf("entry %d: foreign %v, no body %v", i, e.Foreign, e.NoResponseBody)
		}
		// Durations and times go through milliseconds; the rest is exact.
		got := *e.Exchange
		got.Start, got.Duration = want.Start, want.Duration
		if a, b := EncodeExchange(&got, 10), EncodeExchange(want, 10); !bytes.Equal(a, b) {
			t.Errorf("entry %d changed through HAR:\n%s\n%s", i, b, a)
		}
	}
}

// browserHAR is what a browser's devtools save, trimmed: HTTP/2 pseudo
// headers, a form post as params, a base64 image, a body not saved.
const browserHAR = `{
  "log": {
    "version": "1.2",
    "creator": {"name": "WebInspector", "version": "537.36"},
    "pages": [],
    "entries": [
      {
        "startedDateTime": "2026-11-22T10:00:00.000Z",
        "time": 12.5,
        "request": {
          "method": "POST",
          "url": "https://example.test/login?next=%2Fhome",
          "httpVersion": "http/2.0",
          "headers": [
            {"name": ":authority", "value": "example.test"},
            {"name": ":method", "value": "POST"},
            {"name": "content-type", "value": "application/x-www-form-urlencoded"}
          ],
          "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 9,
          "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "u", "value": "a b"}]}
        },
        "response": {
          "status": 302, "statusText": "", "httpVersion": "http/2.0",
          "headers": [{"name": "location", "value": "/home"}],
          "cookies": [], "content": {"size": 0, "mimeType": "x-unknown"},
          "redirectURL": "/home", "headersSize": -1, "bodySize": 0
        },
        "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 2.5}
      },
      {
        "startedDateTime": "2026-11-22T10:00:01.000Z",
        "time": 3,
        "request": {"method": "GET", "url": "https://example.test/dot.png", "httpVersion": "http/2.0",
                    "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 200, "statusText": "", "httpVersion": "http/2.0", "headers": [], "cookies": [],
                     "content": {"size": 3, "mimeType": "image/png", "text": "iVBO", "encoding": "base64"},
                     "redirectURL": "", "headersSize": -1, "bodySize": 3},
        "cache": {}, "timings": {"send": 0, "wait": 2, "receive": 1}
      }
    ]
  }
}`

func TestHARFromBrowser(t *testing.T) {
	src := read(t, []byte(browserHAR))
	if len(src.Problems) != 0 || len(src.Entries) != 2 {
		t.Fatalf("%d entries, problems %v", len(src.Entries), src.Problems)
	}
	login, png := src.Entries[0], src.Entries[1]
	ex := login.Exchange
	if ex.Method != "POST" || ex.Target != "/login?next=%2Fhome" || ex.Status != 302 || login.Line != 7 || !login.Foreign {
		t.Errorf("login: %s %s %d at line %d, foreign %v", ex.Method, ex.Target, ex.Status, login.Line, login.Foreign)
	}
	if h := ex.RequestHeaders; len(h) != 2 || h[0] != (exchange.Header{Name: "Host", Value: "example.test"}) {
		t.Errorf("headers %v: want Host from :authority first, no pseudo-headers", h)
	}
	if string(ex.RequestBody.Data) != "u=a+b" {
		t.Errorf("body from params %q", ex.RequestBody.Data)
	}
	if !login.NoResponseBody {
		t.Error("a response without content text should not be compared")
	}
	if d := png.Exchange.ResponseBody; !bytes.Equal(d.Data, []byte{0x89, 'P', 'N'}) || d.Size != 3 || png.Line != 30 {
		t.Errorf("png body %v at line %d", d, png.Line)
	}
}

func TestHARProblems(t *testing.T) {
	bad := strings.NewReplacer(
		`"url": "https://example.test/login?next=%2Fhome",`, ``, // entry 0: no url
		`"text": "iVBO"`, `"text": "iV!!"`, // entry 1: bad base64
		`"version": "1.2",`, ``,
	).Replace(browserHAR)
	src := read(t, []byte(bad))
	if len(src.Entries) != 0 {
		t.Errorf("entries %s, want none", targets(src))
	}
	want := []string{
		"line 7: log.entries[0].request: has no url; skipped",
		"line 30: log.entries[1].response.content.text: is not valid base64",
		"line 1: log: has no version",
	}
	if len(src.Problems) != len(want) {
		t.Fatalf("problems %v", src.Problems)
	}
	for i, w := range want {
		if !strings.HasPrefix(src.Problems[i].String(), w) {
			t.Errorf("problem %d = %q, want %q…", i, src.Problems[i], w)
		}
	}
}

func TestHARMissingOptionalParts(t *testing.T) {
	har := `{"log": {"version": "1.2", "entries": [
{"request": {"method": "GET", "url": "http://h/x"}, "response": {"status": 200}}]}}`
	src := read(t, []byte(har))
	if len(src.Entries) != 1 || src.HasErrors() {
		t.Fatalf("entries %s, problems %v", targets(src), src.Problems)
	}
	var msgs []string
	for _, p := range src.Problems {
		msgs = append(msgs, p.String())
	}
	all := strings.Join(msgs, "\n")
	for _, w := range []string{"line 2: log.entries[0]: has no startedDateTime", "request: has no headers", "response: has no content"} {
		if !strings.Contains(all, w) {
			t.Errorf("no warning %q in:\n%s", w, all)
		}
	}
}

func TestHARCutShort(t *testing.T) {
	var buf bytes.Buffer
	WriteHAR(&buf, []Entry{{Exchange: sample(1, "/a")}, {Exchange: sample(2, "/b")}}, HAROptions{})
	second := bytes.Index(buf.Bytes(), []byte(`"startedDateTime"`)) + 1
	second += bytes.Index(buf.Bytes()[second:], []byte(`"startedDateTime"`))
	src := read(t, buf.Bytes()[:second+40])
	if got := targets(src); got != "/a@10" {
		t.Errorf("entries %s, want the first only", got)
	}
	if len(src.Problems) != 1 || !strings.Contains(src.Problems[0].Message, "ends in the middle") {
		t.Errorf("problems %v", src.Problems)
	}
	// A syntax error stops reading where it is, with its line.
	broken := bytes.Replace(buf.Bytes(), []byte(`"method": "POST"`), []byte(`"method": POST`), 2)
	src = read(t, broken)
	if len(src.Entries) != 0 || len(src.Problems) != 1 || src.Problems[0].Line != 14 || !strings.Contains(src.Problems[0].Message, "not valid JSON") {
		t.Errorf("entries %s, problems %v", targets(src), src.Problems)
	}
}
