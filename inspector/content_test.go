package inspector

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// contentUpdates are requests whose bodies each open in a content view
// of their own: a multipart upload, an HTML page, JSON cut by the
// capture cap, an XML feed, and a response of many chunks (ticks).
func contentUpdates(t testing.TB, ticks int) []exchange.Update {
	multi, ct := formBody(t)
	var u []exchange.Update
	u = append(u, begin(1, 1*time.Second, "POST", "/upload", exchange.Header{Name: "Content-Type", Value: ct},
		exchange.Header{Name: "Content-Length", Value: fmt.Sprint(len(multi))}).
		requestBody(string(multi)).environ(200*time.Microsecond).
		startResponse(1*ms, "303 See Other", "", exchange.Header{Name: "Location", Value: "/"}).
		done(2*ms)...)

	page := "<!doctype html><html><head><title>Shop</title></head><body><h1>Items</h1><ul><li>spam<li>eggs</ul>" +
		"<script>\n  let n = 1 < 2;\n</script><p>Total: <b>2</b> items</p></body></html>"
	u = append(u, begin(2, 2*time.Second, "GET", "/shop").environ(200*time.Microsecond).
		startResponse(1*ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/html; charset=utf-8"}).
		chunk(2*ms, page).done(3*ms)...)

	cut := begin(3, 3*time.Second, "GET", "/api/users").environ(200*time.Microsecond).
		startResponse(1*ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "application/json"}).
		chunk(2*ms, `{"users":[{"name":"Ada","langs":["en","fr"]},{"name":"Grace","bio":"Wrote the first comp`)
	cut.ex.ResponseBody.Size, cut.ex.ResponseBody.Truncated = 4096, true
	u = append(u, cut.done(3*ms)...)

	feed := `<?xml version="1.0"?><feed><title>News</title><entry id="1"><title>Spam is back</title><link href="/1"/></entry></feed>`
	u = append(u, begin(4, 4*time.Second, "GET", "/feed").environ(200*time.Microsecond).
		startResponse(1*ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "application/atom+xml"}).
		chunk(2*ms, feed).done(3*ms)...)

	stream := begin(5, 5*time.Second, "GET", "/ticks").environ(200*time.Microsecond).
		startResponse(1*ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"})
	for i := range ticks {
		gap := time.Duration(i) * 100 * time.Microsecond
		if i >= ticks*5/8 {
			gap += 2 * time.Second // the app stalled once
		}
		stream.chunk(2*ms+gap, fmt.Sprintf("tick %d\n", i))
	}
	return append(u, stream.done(5*time.Second)...)
}

func contentModel(t testing.TB, w, h int) Model {
	return send(newTestModel(w, h, testOptions()), UpdatesMsg(contentUpdates(t, 20000)))
}

func TestViewContent(t *testing.T) {
	cases := []struct {
		name string
		keys []string // from the list, following the newest row
	}{
		{"Multipart", []string{"g", "enter", "2", "G"}},
		{"MultipartSelected", []string{"g", "enter", "2", "]", "]", "["}},
		{"MultipartPartOpen", []string{"g", "enter", "2", "]", "enter"}},
		{"MultipartPartHex", []string{"g", "enter", "2", "]", "enter", "v"}},
		{"MultipartRaw", []string{"g", "enter", "2", "v", "G"}},
		{"HTML", []string{"g", "j", "enter", "4"}},
		{"JSONCut", []string{"g", "j", "j", "enter", "4"}},
		{"XML", []string{"k", "enter", "4"}},
		{"ChunkSummary", []string{"enter", "4"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forSizes(t, func(t *testing.T, w, h int) {
				checkView(t, press(contentModel(t, w, h), c.keys...))
			})
		})
	}
}

// A multipart body opens decoded: its field names and file name, no
// boundary lines; v shows it as it came.
func TestMultipartOpensDecoded(t *testing.T) {
	m := press(contentModel(t, 120, 40), "g", "enter", "2")
	screen := ansi.Strip(m.View())
	for _, want := range []string{"as parts", "title", `file "avatar.png"`, "image/png", "PNG image · 16 × 16 pixels", "meta", "hello"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the decoded body has no %q:\n%s", want, screen)
		}
	}
	for _, l := range strings.Split(screen, "\n") {
		if strings.HasPrefix(l, "--") {
			t.Errorf("the decoded body shows a boundary line %q:\n%s", l, screen)
		}
	}
	raw := ansi.Strip(press(m, "v").View())
	if !strings.Contains(raw, "------wsgidevBoundary7MA4YWxk") {
		t.Errorf("v does not show the body as it came:\n%s", raw)
	}
}

// v steps through the views that apply, each once, and the choice stays
// with the body it was made for.
func TestBodyViewBelongsToTheRequest(t *testing.T) {
	m := press(contentModel(t, 120, 40), "g", "j", "enter", "4") // #2, HTML
	heading := func(m Model) string {
		for _, l := range strings.Split(ansi.Strip(m.View()), "\n") {
			if strings.HasPrefix(l, "Content ") {
				return l
			}
		}
		return ""
	}
	first := heading(m)
	if !strings.Contains(first, "as HTML · v: text, hex") {
		t.Fatalf("the HTML page opens as %q", first)
	}
	seen := map[string]bool{}
	for range 3 {
		m = press(m, "v")
		seen[heading(m)] = true
	}
	if len(seen) != 3 || heading(m) != first {
		t.Errorf("three v gave %d views and ended on %q; want 3 views and back at %q", len(seen), heading(m), first)
	}
	m = press(m, "v") // #2 as text
	m = press(m, "J") // #3: its own default
	if h := heading(m); !strings.Contains(h, "as JSON") {
		t.Errorf("the next request opens as %q, not in its own view", h)
	}
	m = press(m, "K") // back to #2: still as text
	if h := heading(m); !strings.Contains(h, "as text") {
		t.Errorf("#2 went back to %q; the choice was text", h)
	}
}

// / in a body marks every match, n and N move between them and scroll to
// each, and the tab bar counts them.
func TestBodySearch(t *testing.T) {
	m := press(contentModel(t, 100, 20), "enter", "4") // 20,000 ticks: the content is long
	m = press(typeText(press(m, "/"), "tick 1999"), "enter")
	if !strings.Contains(ansi.Strip(m.View()), "/tick 1999 1/11") {
		t.Fatalf("no match count:\n%s", ansi.Strip(m.View()))
	}
	m = press(m, "n", "n")
	screen := ansi.Strip(m.View())
	if !strings.Contains(screen, "/tick 1999 3/11") || !strings.Contains(screen, "tick 19991") {
		t.Errorf("n n is not on the third match, in view:\n%s", screen)
	}
	m = press(m, "N", "N", "N")
	if screen := ansi.Strip(m.View()); !strings.Contains(screen, "/tick 1999 11/11") || !strings.Contains(screen, "tick 19999") {
		t.Errorf("N past the first is not on the last match:\n%s", screen)
	}
	// The list's / still filters.
	m = press(m, "esc", "esc", "/")
	m = press(typeText(m, "/feed"), "enter")
	if screen := ansi.Strip(m.View()); !strings.Contains(screen, "/feed  1 of 5") {
		t.Errorf("the list's / does not filter:\n%s", screen)
	}
}

func TestViewBodySearch(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) {
		m := press(contentModel(t, w, h), "g", "j", "enter", "4", "/")
		m = press(typeText(m, "spam"), "enter", "n")
		checkView(t, m)
	})
}

// The content views never draw a line wider than the screen, at any size.
func TestContentLayoutAnySize(t *testing.T) {
	updates := contentUpdates(t, 100)
	screens := [][]string{
		{"g", "enter", "2"}, {"g", "enter", "2", "]", "enter"}, {"g", "enter", "2", "v"},
		{"g", "j", "enter", "4"}, {"g", "j", "j", "enter", "4"}, {"k", "enter", "4"}, {"enter", "4"},
		{"enter", "4", "/", "t", "i", "c", "k", "enter", "n"},
	}
	for w := 20; w <= 200; w += 45 {
		for h := 6; h <= 60; h += 24 {
			for _, keys := range screens {
				m := press(send(newTestModel(w, h, testOptions()), UpdatesMsg(updates)), keys...)
				for i, l := range strings.Split(ansi.Strip(m.View()), "\n") {
					if lw := ansi.StringWidth(l); lw > w {
						t.Fatalf("%dx%d after %q: line %d is %d wide: %q", w, h, keys, i+1, lw, l)
					}
				}
			}
		}
	}
}

func TestFindMatches(t *testing.T) {
	lines := []string{"Needle in a NEEDLE-stack", "none", "caf\xe9 needle", "needleneedle"}
	got := fmt.Sprint(findMatches(lines, " needle "))
	want := "[{0 0 6} {0 12 18} {2 5 11} {3 0 6} {3 6 12}]"
	if got != want {
		t.Errorf("matches %s, want %s", got, want)
	}
	if findMatches(lines, "  ") != nil {
		t.Error("a blank search matches")
	}
}

// What an app or a client put in a body never reaches the terminal as a
// control sequence, whichever view draws it.
func TestContentViewsDrawSafely(t *testing.T) {
	evil := "\x1b]52;c;ZXZpbA==\x07\x1b[2J"
	multi := "--b\r\nContent-Disposition: form-data; name=\"" + evil + "\"; filename=\"" + evil + ".png\"\r\n" +
		"Content-Type: text/" + evil + "\r\n\r\n" + evil + "\r\n--b--\r\n"
	bodies := []struct{ ct, data string }{
		{"multipart/form-data; boundary=b", multi},
		{"text/html", "<p title='" + evil + "'>" + evil + "</p><script>" + evil + "</script>"},
		{"application/xml", "<?xml?><a>" + evil + "</a><!--" + evil + "-->"},
		{"application/json", `{"a": "` + evil + `"}`},
		{"application/json", `{"a": "\u001b[2J` + evil},
		{"image/png", evil},
		{"text/plain", evil},
	}
	for _, b := range bodies {
		u := begin(1, time.Second, "POST", "/x", exchange.Header{Name: "Content-Type", Value: b.ct}).
			requestBody(b.data).environ(time.Millisecond).
			startResponse(2*ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: b.ct}).
			chunk(3*ms, b.data).done(4 * ms)
		for _, keys := range [][]string{{"enter", "2"}, {"enter", "2", "enter"}, {"enter", "4"}, {"enter", "4", "v"}, {"enter", "4", "v", "v"}} {
			view := press(send(newTestModel(100, 40, testOptions()), UpdatesMsg(u)), keys...).View()
			if strings.ContainsAny(view, "\x1b\x07") {
				t.Errorf("%s after %q draws a control character:\n%q", b.ct, keys, view)
			}
		}
	}
}

// A request's body and its response's are chosen for apart.
func TestBodyViewBelongsToTheSide(t *testing.T) {
	m := press(sampleModel(120, 40), "g", "j", "enter", "2", "v") // #2's request body as text
	if screen := ansi.Strip(m.View()); !strings.Contains(screen, "Body  48 B · application/json · as text") {
		t.Fatalf("v did not show the request body as text:\n%s", screen)
	}
	if screen := ansi.Strip(press(m, "4").View()); !strings.Contains(screen, "Content  30 B · application/json · as JSON") {
		t.Errorf("the response body followed the request's choice:\n%s", screen)
	}
	if screen := ansi.Strip(press(m, "2").View()); !strings.Contains(screen, "as text") {
		t.Errorf("the request body lost its choice:\n%s", screen)
	}
}
