package capture

import (
	"bytes"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func answer(status int, body string, headers ...string) *exchange.Exchange {
	ex := &exchange.Exchange{Method: "GET", Target: "/", Status: status}
	for i := 0; i+1 < len(headers); i += 2 {
		ex.ResponseHeaders = append(ex.ResponseHeaders, exchange.Header{Name: headers[i], Value: headers[i+1]})
	}
	ex.ResponseBody.Append([]byte(body), 1<<20)
	return ex
}

// failed is an answer that is wsgidev's page for a failure of the app.
func failed(body, failure string, headers ...string) *exchange.Exchange {
	return answer(500, body, append(headers, FailureHeader, failure)...)
}

func TestCompare(t *testing.T) {
	boom, other := "exception: RuntimeError: boom", "exception: KeyError: 'x'"
	for _, tc := range []struct {
		name     string
		was, now *exchange.Exchange
		opts     CompareOptions
		want     string // Diff.What()
	}{
		{"same", answer(200, "x", "A", "1"), answer(200, "x", "a", "1"), CompareOptions{}, ""},
		{"status", answer(200, "x"), answer(500, "x"), CompareOptions{}, "status"},
		{"volatile", answer(200, "x", "Date", "Mon", "Server", "a", "Last-Modified", "x", "Expires", "0"),
			answer(200, "x", "Date", "Tue", "Server", "b"), CompareOptions{}, ""},
		{"hop-by-hop", answer(200, "x", "Transfer-Encoding", "chunked"), answer(200, "x", "Connection", "close"), CompareOptions{}, ""},
		{"cookie values", answer(200, "x", "Set-Cookie", "sid=1; Path=/", "Set-Cookie", "csrf=a"),
			answer(200, "x", "Set-Cookie", "csrf=b", "Set-Cookie", "sid=2; Path=/"), CompareOptions{}, ""},
		{"cookie names", answer(200, "x", "Set-Cookie", "sid=1"), answer(200, "x", "Set-Cookie", "session=1"), CompareOptions{}, "headers"},
		{"etag ignored", answer(200, "x", "ETag", `"a"`), answer(200, "x", "ETag", `"b"`), CompareOptions{}, ""},
		{"etag compared", answer(200, "x", "ETag", `"a"`), answer(200, "x", "ETag", `"b"`), CompareOptions{CompareETag: true}, "headers"},
		{"user volatile", answer(200, "x", "X-Request-Id", "1"), answer(200, "x", "x-request-id", "2"), CompareOptions{Volatile: []string{"X-Request-ID"}}, ""},
		{"header order within a name", answer(200, "x", "Vary", "a", "Vary", "b"), answer(200, "x", "Vary", "b", "Vary", "a"), CompareOptions{}, "headers"},
		{"header gone", answer(200, "x", "X-A", "1"), answer(200, "x"), CompareOptions{}, "headers"},
		{"content-length with the body", answer(200, "ab", "Content-Length", "2"), answer(200, "abc", "Content-Length", "3"), CompareOptions{}, "body"},
		{"content-length alone", answer(200, "ab", "Content-Length", "2"), answer(200, "ab", "Content-Length", "3"), CompareOptions{}, "headers"},
		{"no body to compare", answer(200, "a"), answer(200, "b"), CompareOptions{NoResponseBody: true}, ""},
		{"foreign encoding", answer(200, "a", "Content-Encoding", "gzip", "Content-Length", "9"), answer(200, "a", "Content-Length", "1"), CompareOptions{Foreign: true}, ""},
		{"all", answer(200, "a", "X", "1"), answer(404, "b", "X", "2"), CompareOptions{}, "status, headers, body"},
		{"error page, same failure, other locals", failed("x = <A at 0x1>", boom, "Content-Length", "14"),
			failed("x = <A at 0x7f02>", boom, "Content-Length", "17"), CompareOptions{}, ""},
		{"error page, another failure", failed("RuntimeError: boom", boom), failed("KeyError: 'x'", other), CompareOptions{}, "headers"},
		{"a page against the app's answer", failed("RuntimeError: boom", boom), answer(500, "Internal Server Error"), CompareOptions{}, "headers, body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Compare(tc.was, tc.now, tc.opts)
			if got := d.What(); got != tc.want || d.Match() != (tc.want == "") {
				var b strings.Builder
				d.Write(&b, "  ", 0)
				t.Errorf("What() = %q, Match() = %v, want %q\n%s", got, d.Match(), tc.want, b.String())
			}
		})
	}
}

func TestCompareCutBodies(t *testing.T) {
	full := strings.Repeat("0123456789", 10)
	cut := func(s string, n int) *exchange.Exchange {
		ex := answer(200, "")
		ex.ResponseBody = exchange.Body{}
		ex.ResponseBody.Append([]byte(s), n)
		return ex
	}
	// The capture kept 20 bytes: the same 100 bytes match.
	d := Compare(cut(full, 20), answer(200, full), CompareOptions{})
	if !d.Match() || len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "captured body was cut") || !strings.Contains(d.Notes[0], "first 20 bytes") {
		t.Errorf("same body: %+v", d)
	}
	// A change past the cut, same size: not seen, and said so.
	changed := full[:50] + "X" + full[51:]
	if d := Compare(cut(full, 20), answer(200, changed), CompareOptions{}); !d.Match() {
		t.Errorf("a change past the cut should not count: %+v", d)
	}
	// A change inside the kept part.
	if d := Compare(cut(full, 20), answer(200, "X"+full[1:]), CompareOptions{}); d.Body == nil || d.Body.Compared != 20 || d.Body.Unified == "" {
		t.Errorf("a change before the cut: %+v", d.Body)
	}
	// The same prefix, another size.
	if d := Compare(cut(full, 20), answer(200, full+"more"), CompareOptions{}); d.Body == nil || d.Body.NowSize != 104 || d.Body.Unified != "" {
		t.Errorf("another size: %+v", d.Body)
	}
	// The replayed side cut too.
	if d := Compare(cut(full, 20), cut(full, 10), CompareOptions{}); !d.Match() || !strings.Contains(d.Notes[0], "first 10 bytes") {
		t.Errorf("both cut: %+v", d)
	}
}

func TestCompareBinaryAndText(t *testing.T) {
	d := Compare(answer(200, "a\x00\xff"), answer(200, "b\x00\xff"), CompareOptions{})
	var out bytes.Buffer
	d.Write(&out, "", 0)
	if d.Body == nil || d.Body.Unified != "" || len(d.Body.WasSHA) != 64 || !strings.Contains(out.String(), "sha256") {
		t.Errorf("binary bodies: %+v\n%s", d.Body, out.String())
	}
	lines := strings.Repeat("same\n", 50)
	d = Compare(answer(200, lines+"old\n"), answer(200, lines+"new\n"), CompareOptions{})
	out.Reset()
	d.Write(&out, "> ", 3)
	want := "> body differs (254 bytes each)\n>   --- captured\n>   +++ replayed\n>   @@ -48,4 +48,4 @@\n>   … 5 more diff lines\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// A replay's diff goes to a terminal: an app's body cannot retitle or
// clear it (the escapes are shown, as the headless log shows them).
func TestDiffWriteEscapesControls(t *testing.T) {
	d := Compare(answer(200, "title\n"), answer(200, "\x1b]0;pwned\x07\n", "X-Evil", "\x1b[2J"), CompareOptions{})
	var b strings.Builder
	d.Write(&b, "", 0)
	if strings.ContainsAny(b.String(), "\x1b\x07") {
		t.Fatalf("the diff holds raw control characters:\n%q", b.String())
	}
	if !strings.Contains(b.String(), `\x1b]0;pwned\x07`) {
		t.Errorf("the diff does not show the body's escape as text:\n%s", b.String())
	}
}
