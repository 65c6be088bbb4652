package capture

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// sample is an exchange with every part filled: a text request body, a
// binary response body, an environ with bytes that are not UTF-8.
func sample(id uint64, target string) *exchange.Exchange {
	return &exchange.Exchange{
		ID: id, Start: time.Date(2026, 11, 22, 10, 0, 0, 123456789, time.UTC), Duration: 1500 * time.Microsecond,
		Remote: "127.0.0.1:50000", Method: "POST", Target: target, Proto: "HTTP/1.1",
		RequestHeaders: []exchange.Header{{Name: "Host", Value: "127.0.0.1:8000"}, {Name: "Content-Type", Value: "text/plain"}},
		RequestBody:    exchange.Body{Data: []byte("héllo"), Size: 6},
		Environ: []exchange.EnvVar{
			{Key: "REQUEST_METHOD", Value: "POST", Type: "str"},
			{Key: "PATH_INFO", Value: "/caf\xe9/\xc3\xa9", Type: "str"}, // %E9 and %C3%A9, decoded
			{Key: "wsgi.input", Value: "request body stream", Type: "Input"},
		},
		Events: []exchange.Event{
			{Offset: 10 * time.Microsecond, Kind: exchange.EventEnviron},
			{Offset: 900 * time.Microsecond, Kind: exchange.EventStartResponse, Status: "200 OK", Headers: []exchange.Header{{Name: "Content-Type", Value: "application/octet-stream"}}},
			{Offset: 1000 * time.Microsecond, Kind: exchange.EventChunk, Size: 4},
			{Offset: 1100 * time.Microsecond, Kind: exchange.EventClose},
		},
		Status:          200,
		ResponseHeaders: []exchange.Header{{Name: "Content-Type", Value: "application/octet-stream"}},
		ResponseBody:    exchange.Body{Data: []byte{0, 0xff, 'a', '\n'}, Size: 4},
		Lint:            []exchange.Warning{{Rule: "r", Message: "m"}},
		Done:            true,
	}
}

func TestExchangeLineRoundTrip(t *testing.T) {
	ex := sample(7, "/caf%E9/%C3%A9?q=<&>")
	ex.Failure = &exchange.Failure{Kind: "exception", Message: "boom", Traceback: "Traceback…"}
	line := EncodeExchange(ex, 1024)
	if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
		t.Fatalf("not one line: %q", line)
	}
	var raw map[string]any
	if err := json.Unmarshal(line, &raw); err != nil {
		t.Fatal(err)
	}
	if b := raw["request_body"].(map[string]any); b["encoding"] != "text" || b["data"] != "héllo" {
		t.Errorf("request body stored as %v, want text", b)
	}
	if b := raw["response_body"].(map[string]any); b["encoding"] != "base64" || b["data"] != "AP9hCg==" {
		t.Errorf("response body stored as %v, want base64", b)
	}
	if env := raw["environ"].([]any)[1].(map[string]any); env["value"] != "/café/Ã©" {
		t.Errorf("PATH_INFO stored as %q, want the str the app saw (latin-1)", env["value"])
	}
	if !bytes.Contains(line, []byte(`?q=<&>`)) {
		t.Errorf("HTML escaping in %s", line)
	}
	got, err := DecodeLine(line)
	if err != nil || got.Exchange == nil {
		t.Fatalf("DecodeLine: %v", err)
	}
	if again := EncodeExchange(got.Exchange, 1024); !bytes.Equal(again, line) {
		t.Errorf("round trip changed the line:\n%s\n%s", line, again)
	}
	if p := got.Exchange.Environ[1].Value; p != "/caf\xe9/\xc3\xa9" {
		t.Errorf("PATH_INFO read back as %q", p)
	}
}

func TestTruncatedBodySaysCap(t *testing.T) {
	ex := sample(1, "/")
	ex.ResponseBody = exchange.Body{}
	ex.ResponseBody.Append([]byte("0123456789"), 4)
	var rec struct {
		Body Body `json:"response_body"`
	}
	if err := json.Unmarshal(EncodeExchange(ex, 4), &rec); err != nil {
		t.Fatal(err)
	}
	want := Body{Encoding: "text", Data: "0123", Size: 10, Truncated: true, Cap: 4}
	if rec.Body != want {
		t.Errorf("stored %+v, want %+v", rec.Body, want)
	}
}

// A request body the app never read is stored with how much of it went
// unread; a line from before the field reads as read whole.
func TestUnreadRequestBody(t *testing.T) {
	ex := sample(1, "/ignores-its-body")
	ex.RequestBody = exchange.Body{Data: []byte("héllo"), Size: 6, Unread: 6}
	line := EncodeExchange(ex, 1024)
	if !bytes.Contains(line, []byte(`"request_body":{"encoding":"text","data":"héllo","size":6,"unread":6}`)) {
		t.Errorf("stored as %s", line)
	}
	got, err := DecodeLine(line)
	if err != nil || got.Exchange.RequestBody.Unread != 6 {
		t.Fatalf("read back %+v, %v", got.Exchange.RequestBody, err)
	}
	old := bytes.Replace(line, []byte(`,"unread":6`), nil, 1)
	if got, err := DecodeLine(old); err != nil || got.Exchange.RequestBody.Unread != 0 || string(got.Exchange.RequestBody.Data) != "héllo" {
		t.Errorf("a line without unread: %+v, %v", got.Exchange.RequestBody, err)
	}
	if _, err := DecodeLine(bytes.Replace(line, []byte(`"unread":6`), []byte(`"unread":7`), 1)); err == nil || !strings.Contains(err.Error(), "says 7 bytes unread of 6") {
		t.Errorf("more unread than its size: %v", err)
	}
}

func TestDecodeLineErrors(t *testing.T) {
	good := string(bytes.TrimSpace(EncodeExchange(sample(1, "/"), 0)))
	for _, tc := range []struct {
		name, line, want string
	}{
		{"empty", "   ", "empty line"},
		{"not json", "hello", "not valid JSON"},
		{"cut", good[:len(good)/2], "not valid JSON"},
		{"array", "[1,2]", "a JSON array where an object was expected"},
		{"no method", `{"id":1,"target":"/"}`, `without "method"`},
		{"no target", `{"id":1,"method":"GET"}`, `without "target"`},
		{"bad status", `{"method":"GET","target":"/","status":1000}`, "status 1000"},
		{"wrong type", `{"method":"GET","target":"/","status":"200"}`, "status should be int"},
		{"bad base64", strings.Replace(good, `"AP9hCg=="`, `"AP9h!!=="`, 1), "response_body is not valid base64"},
		{"unknown encoding", strings.Replace(good, `"encoding":"text"`, `"encoding":"rot13"`, 1), `request_body has unknown encoding "rot13"`},
		{"size too small", strings.Replace(good, `"size":6`, `"size":2`, 1), "request_body says size 2 but holds 6 bytes"},
		{"size not said cut", strings.Replace(good, `"size":6`, `"size":60`, 1), "not marked truncated"},
		{"data without encoding", `{"method":"GET","target":"/","request_body":{"data":"x","size":1}}`, `no "encoding"`},
		{"bad header", `{"wsgidev_capture":"one"}`, "capture header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeLine([]byte(tc.line))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("DecodeLine(%.60q) = %v, want an error with %q", tc.line, err, tc.want)
			}
		})
	}
}

func TestHeaderLine(t *testing.T) {
	h := Header{Started: time.Unix(0, 0).UTC(), App: "app.py", Dir: "/p", BodyMax: 10}
	line := EncodeHeader(h)
	if !bytes.HasPrefix(line, []byte(headerStart+"1,")) {
		t.Errorf("header line %s does not start with %s", line, headerStart)
	}
	l, err := DecodeLine(line)
	if err != nil || l.Header == nil || l.Header.Version != 1 || l.Header.App != "app.py" {
		t.Errorf("DecodeLine(header) = %+v, %v", l.Header, err)
	}
}

// FuzzDecodeLine: any bytes give a line or an error, never a panic, and a
// line that decodes encodes to one that decodes to the same.
func FuzzDecodeLine(f *testing.F) {
	f.Add(EncodeExchange(sample(1, "/x?y=1"), 10))
	f.Add(EncodeHeader(Header{App: "app.py"}))
	f.Add([]byte(`{"method":"GET","target":"/","response_body":{"encoding":"base64","data":"AA==","size":1}}`))
	f.Add([]byte(`{"method":"GET","target":"/","environ":[{"key":"PATH_INFO","value":"\u0100\u00ff","type":"str"}]}`))
	f.Add([]byte(`{"wsgidev_capture":2}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		l, err := DecodeLine(line)
		if err != nil || l.Exchange == nil {
			return
		}
		once := EncodeExchange(l.Exchange, 0)
		l2, err := DecodeLine(once)
		if err != nil {
			t.Fatalf("re-encoded line does not decode: %v\n%s", err, once)
		}
		if twice := EncodeExchange(l2.Exchange, 0); !bytes.Equal(once, twice) {
			t.Fatalf("not stable:\n%s\n%s", once, twice)
		}
	})
}

// The raw head is stored as a body is: text when it is UTF-8, base64 when
// not, with its cap when cut; a line without one (not recorded, or
// written before raw heads existed) reads as an exchange without one.
func TestRawHeadLine(t *testing.T) {
	for _, c := range []struct {
		name     string
		head     exchange.Body
		encoding string
	}{
		{"text", exchange.Body{Data: []byte("GET / HTTP/1.1\r\nhOsT: a\r\n\r\n"), Size: 27}, EncodingText},
		{"latin-1 bytes", exchange.Body{Data: []byte("GET / HTTP/1.1\r\nX: caf\xe9\r\n\r\n"), Size: 27}, EncodingBase64},
		{"cut at the cap", exchange.Body{Data: []byte("GET / HTTP/1.1\r\nX: "), Size: 100_000, Truncated: true}, EncodingText},
	} {
		ex := sample(1, "/")
		ex.RawHead = c.head
		line := EncodeExchange(ex, 1024)
		var raw struct {
			Head *Body `json:"raw_head"`
		}
		if err := json.Unmarshal(line, &raw); err != nil || raw.Head == nil || raw.Head.Encoding != c.encoding {
			t.Errorf("%s: stored as %+v (%v), want encoding %s", c.name, raw.Head, err, c.encoding)
			continue
		}
		if c.head.Truncated && (!raw.Head.Truncated || raw.Head.Cap != len(c.head.Data)) {
			t.Errorf("%s: stored as %+v, want truncated with cap %d", c.name, raw.Head, len(c.head.Data))
		}
		got, err := DecodeLine(line)
		if err != nil || !bytes.Equal(got.Exchange.RawHead.Data, c.head.Data) || got.Exchange.RawHead.Size != c.head.Size ||
			got.Exchange.RawHead.Truncated != c.head.Truncated {
			t.Errorf("%s: read back as %+v, %v", c.name, got.Exchange.RawHead, err)
		}
	}
	line := EncodeExchange(sample(2, "/"), 1024)
	if bytes.Contains(line, []byte("raw_head")) {
		t.Errorf("an exchange without a raw head wrote one: %s", line)
	}
	old := `{"id":3,"method":"GET","target":"/old","proto":"HTTP/1.1","request_headers":[{"name":"Host","value":"a"}],` +
		`"request_body":{"size":0},"status":200,"response_body":{"size":0},"done":true}`
	got, err := DecodeLine([]byte(old))
	if err != nil || got.Exchange.RawHead.Size != 0 || got.Exchange.RawHead.Data != nil {
		t.Errorf("a line from before raw heads: %+v, %v", got.Exchange, err)
	}
	bad := strings.Replace(old, `"done":true`, `"done":true,"raw_head":{"encoding":"base64","data":"%%%","size":3}`, 1)
	if _, err := DecodeLine([]byte(bad)); err == nil || !strings.Contains(err.Error(), "raw_head") {
		t.Errorf("a broken raw_head: %v, want an error that names raw_head", err)
	}
}

// HAR's request headersSize is the raw head's size when it was recorded,
// -1 (unknown) otherwise.
func TestHARHeadersSizeFromRawHead(t *testing.T) {
	ex := sample(1, "/")
	if got := harRequestOut(ex).HeadersSize; got != -1 {
		t.Errorf("without a raw head: headersSize %d, want -1", got)
	}
	ex.RawHead = exchange.Body{Data: []byte("POST / HTTP/1.1\r\nHost: a\r\n\r\n"), Size: 29}
	if got := harRequestOut(ex).HeadersSize; got != 29 {
		t.Errorf("with a 29-byte raw head: headersSize %d", got)
	}
}
