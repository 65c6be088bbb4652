package inspector

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func TestPyStrRepr(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "''"},
		{"/api/items", "'/api/items'"},
		{"it's", `"it's"`},
		{`say "hi" it's`, `'say "hi" it\'s'`},
		{`back\slash`, `'back\\slash'`},
		{"tab\tnew\nline\r", `'tab\tnew\nline\r'`},
		{"\x00\x1f\x7f", `'\x00\x1f\x7f'`},
		{"caf\xc3\xa9", "'cafÃ©'"}, // UTF-8 bytes read as latin-1, as PEP 3333 has it
		{"\x80\xa0\xad\xff", `'\x80\xa0\xadÿ'`},
	} {
		if got := pyStrRepr(c.in); got != c.want {
			t.Errorf("pyStrRepr(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for _, c := range []struct {
		in   time.Duration
		want string
	}{
		{830 * time.Microsecond, "830µs"},
		{1400 * time.Microsecond, "1.4ms"},
		{2100 * time.Millisecond, "2.10s"},
		{185 * time.Second, "3m05s"},
		{-time.Millisecond, "-1.0ms"},
	} {
		if got := formatDuration(c.in); got != c.want {
			t.Errorf("formatDuration(%v) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestFormatSizeAndCount(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"}, {5 << 20, "5.0 MiB"}, {3 << 30, "3.0 GiB"}} {
		if got := formatSize(c.in); got != c.want {
			t.Errorf("formatSize(%d) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		in   int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {123456, "123,456"}, {-1234567, "-1,234,567"}} {
		if got := formatCount(c.in); got != c.want {
			t.Errorf("formatCount(%d) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestSanitize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\x1b[31mred", "a·[31mred"},
		{"tab\there", "tab    here"},
		{"bad\xffbyte", "bad�byte"},
		{"ünïcode", "ünïcode"},
	} {
		if got := sanitize(c.in); got != c.want {
			t.Errorf("sanitize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHangingWrap(t *testing.T) {
	got := hangingWrap("abcdefghij", 4, 3)
	want := []string{"abcd", "efg", "hij"}
	if len(got) != len(want) {
		t.Fatalf("hangingWrap = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("hangingWrap = %q, want %q", got, want)
		}
	}
}

// The views 'v' steps through: those that apply to the body, the one it
// opens in first, each once.
func TestViewsFor(t *testing.T) {
	multi, multiCT := formBody(t)
	for _, c := range []struct {
		name, data, ct string
		want           string
	}{
		{"json", `{"a":1}`, "application/json", "JSON text hex"},
		{"json sniffed", `[1,2]`, "text/plain", "JSON text hex"},
		{"json cut", `{"a":[1,2`, "application/json", "JSON text hex"},
		{"declared json that is not", `nope`, "application/json", "text hex"},
		{"form", `a=1&b=2`, "application/x-www-form-urlencoded", "form-fields text hex"},
		{"multipart", string(multi), multiCT, "parts text hex"},
		{"html", "<!doctype html><p>x", "", "HTML text hex"},
		{"html declared", "<p>x</p>", "text/html; charset=utf-8", "HTML text hex"},
		{"xml", `<?xml version="1.0"?><a/>`, "", "XML text hex"},
		{"svg", `<svg/>`, "image/svg+xml", "XML text hex"},
		{"png", tinyPNG, "image/png", "image hex"},
		{"png sniffed", tinyPNG, "application/octet-stream", "image hex"},
		{"text", "hello\nworld", "", "text hex"},
		{"binary", "\x00\x01\x02\x03", "", "hex"},
		{"empty", "", "text/plain", ""},
	} {
		var got []string
		for _, v := range viewsFor([]byte(c.data), c.ct) {
			got = append(got, strings.ReplaceAll(v.String(), " ", "-"))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: views %q, want %q", c.name, got, c.want)
		}
	}
}

func TestEscapeRaw(t *testing.T) {
	for in, want := range map[string]string{
		"Host: a":                    "Host: a",
		"X: caf\xc3\xa9":             "X: café", // UTF-8 that prints stays
		"X: caf\xe9":                 `X: caf\xe9`,
		"a\tb\rc\\d\x00\x7f\x1b[31m": `a\tb\rc\\d\x00\x7f\x1b[31m`,
		"X: \xc2\x85":                `X: \xc2\x85`, // a C1 control, though valid UTF-8
	} {
		if got := escapeRaw([]byte(in)); got != want {
			t.Errorf("escapeRaw(%q) = %q, want %q", in, got, want)
		}
	}
}

// A request body the app did not read is shown, with how much it read.
func TestUnreadRequestBodyNote(t *testing.T) {
	r := begin(1, 0, "POST", "/ignores-it")
	r.ex.RequestBody = exchange.Body{Data: []byte("a=1&b=2"), Size: 7, Unread: 7}
	m := press(send(newTestModel(100, 30, testOptions()), UpdatesMsg(r.done(ms))), "enter", "2")
	view := ansi.Strip(m.View())
	for _, want := range []string{"a=1&b=2", "the app read 0 B of it; wsgidev read the rest after the app"} {
		if !strings.Contains(view, want) {
			t.Errorf("the request tab lacks %q:\n%s", want, view)
		}
	}
}

// A head cut at the cap, or with bare LF line ends, says so under it.
func TestRawHeadNotes(t *testing.T) {
	r := begin(1, 0, "GET", "/x")
	r.ex.RawHead = exchange.Body{Data: []byte("GET /x HTTP/1.1\nHost: a\nX-Big: vvvv"), Size: 70_000, Truncated: true}
	r.updates[0].Started.RawHead = r.ex.RawHead
	m := press(send(newTestModel(100, 30, testOptions()), UpdatesMsg(r.done(ms))), "enter", "2")
	view := ansi.Strip(m.View())
	for _, want := range []string{"as sent, 68.4 KiB", "X-Big: vvvv\n", "The head goes on: only its first 35 B were kept.", "Some lines end in a bare LF, not CRLF."} {
		if !strings.Contains(view, want) {
			t.Errorf("the request tab lacks %q:\n%s", want, view)
		}
	}
}
