package inspector

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func (f fakeControl) Replay(exchange.ReplayRequest) exchange.ReplayResult {
	return exchange.ReplayResult{Err: "not in this test"}
}
func (f fakeControl) Curl(ex *exchange.Exchange) string { return "curl " + ex.Target }
func (c *replayControl) Reload()                        {}
func (c *replayControl) Curl(ex *exchange.Exchange) string {
	return "curl -sS --path-as-is 'http://127.0.0.1:8000'" + ex.Target
}

// replayControl answers replays as a server would: each gets a new ID and
// an answer from answer; what was asked is kept.
type replayControl struct {
	mu     sync.Mutex
	nextID uint64
	asked  []exchange.ReplayRequest
	answer func(n int, req exchange.ReplayRequest) exchange.ReplayResult
}

func (c *replayControl) Replay(req exchange.ReplayRequest) exchange.ReplayResult {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.asked = append(c.asked, req)
	res := c.answer(len(c.asked), req)
	if res.New != nil {
		c.nextID++
		res.New.ID, res.New.ReplayOf = c.nextID, req.Of
	}
	return res
}

func (c *replayControl) requests() []exchange.ReplayRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]exchange.ReplayRequest(nil), c.asked...)
}

// fixed answers 200 "fixed" to every replay, which differs from /boom's 500.
func fixed(_ int, req exchange.ReplayRequest) exchange.ReplayResult {
	ex := &exchange.Exchange{Method: req.Request.Method, Target: req.Request.Target, Status: 200, Done: true, Start: base.Add(100 * time.Second)}
	return exchange.ReplayResult{New: ex, Changed: true, What: "status, body", Diff: []string{
		"status: captured 500, replayed 200",
		"body: captured 22 bytes, replayed 6 bytes",
		"  --- captured", "  +++ replayed", "  @@ -1 +1 @@", "  -Internal Server Error", "  +fixed",
	}}
}

func replayFlow(t *testing.T, ctl *replayControl, edit func(*Options)) (*teatest.TestModel, *replayControl) {
	t.Helper()
	opts := testOptions()
	opts.Control = ctl
	if edit != nil {
		edit(&opts)
	}
	tm := startFlow(t, opts)
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "6 requests")
	keys(tm, "k", "k", "k") // #3 GET /boom
	waitFor(t, tm, "›✗ 10:00:05")
	return tm, ctl
}

func TestFlowReplay(t *testing.T) {
	ctl := &replayControl{nextID: 6, answer: fixed}
	tm, _ := replayFlow(t, ctl, nil)
	keys(tm, "r")
	waitFor(t, tm, "replay of #3 GET /boom → #7", "differs: status, body", "status: captured 500, replayed 200", "-Internal Server Error", "+fixed")
	// The server publishes the replay's exchange; the list marks it.
	tm.Send(UpdatesMsg(begin(7, 100*time.Second, "GET", "/boom").done(ms)))
	keys(tm, "esc")
	waitFor(t, tm, "TIME")
	quitModel := quit(t, tm)
	if got := ctl.requests(); len(got) != 1 || got[0].Of != 3 || got[0].Against.ID != 3 || got[0].Request.Target != "/boom" {
		t.Errorf("asked for %+v; want one replay of #3 against #3", got)
	}
	if quitModel.state != stateList {
		t.Errorf("esc left the pane for state %v", quitModel.state)
	}
}

// Keys typed faster than they are read arrive as one message: "gr"
// replays the request g went to, not the one selected before.
func TestFastKeysActOnWhatTheKeyBeforeSelected(t *testing.T) {
	ctl := &replayControl{nextID: 6, answer: fixed}
	opts := testOptions()
	opts.Control = ctl
	m := send(newTestModel(100, 30, opts), UpdatesMsg(sampleUpdates()))
	m = press(m, "k") // #5, finished
	_, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("gr")})
	if cmd == nil {
		t.Fatal("gr did nothing")
	}
	runAll(cmd)
	if got := ctl.requests(); len(got) != 1 || got[0].Of != 1 {
		t.Errorf("asked for %+v; want one replay of #1", got)
	}
}

// is:pinned follows the pins: pinning a row under -is:pinned hides it.
func TestFilterFollowsPins(t *testing.T) {
	opts := testOptions()
	opts.Control = &replayControl{answer: fixed}
	m := send(newTestModel(100, 30, opts), UpdatesMsg(sampleUpdates()))
	m = press(typeText(press(m, "/"), "-is:pinned"), "enter", "k", "p")
	if n := m.c.store.len(); n != 5 {
		t.Fatalf("%d rows shown after pinning one of 6 under -is:pinned; want 5", n)
	}
	m = press(m, "esc", "/")
	m = press(typeText(m, "is:pinned"), "enter")
	if n := m.c.store.len(); n != 1 || m.c.store.at(0).ex.ID != 5 {
		t.Errorf("is:pinned shows %d rows; want #5 alone", n)
	}
}

// runAll runs a command and the batches it holds, as bubbletea would.
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if batch, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range batch {
			runAll(c)
		}
	}
}

func TestFlowReplayLinksTheNewExchange(t *testing.T) {
	ctl := &replayControl{nextID: 6, answer: fixed}
	tm, _ := replayFlow(t, ctl, nil)
	keys(tm, "r")
	waitFor(t, tm, "→ #7", "enter open replay")
	replayed := begin(7, 100*time.Second, "GET", "/boom")
	replayed.ex.ReplayOf = 3
	tm.Send(UpdatesMsg(replayed.done(ms)))
	keys(tm, "esc")
	waitFor(t, tm, "↻#3 /boom")
	keys(tm, "G", "r")
	waitFor(t, tm, "replay of #7 GET /boom → #8")
	again := begin(8, 101*time.Second, "GET", "/boom")
	again.ex.ReplayOf = 7
	tm.Send(UpdatesMsg(again.done(ms)))
	keys(tm, "enter")
	waitFor(t, tm, "#8 GET /boom", "↻ replay of #7", "[1 Environ]")
	quit(t, tm)
}

func TestFlowReplayLiveRowIsNotReplayed(t *testing.T) {
	ctl := &replayControl{answer: fixed}
	tm, _ := replayFlow(t, ctl, nil)
	keys(tm, "G", "r", "y", "p", "L") // #6 is still streaming
	waitFor(t, tm, "loading settings")
	quit(t, tm)
	if n := len(ctl.requests()); n != 0 {
		t.Errorf("%d replays of a request still running", n)
	}
}

// editorScript writes a shell script that edits the request file.
func editorScript(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "edit.sh")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFlowEditAndReplay(t *testing.T) {
	ctl := &replayControl{nextID: 6, answer: fixed}
	script := editorScript(t, `sed -i -e '1s|GET /boom|PUT /boom?safe=1|' -e 's|^$|X-Edited: yes\n|' "$1" && printf 'a=1\n' >> "$1"`)
	tm, _ := replayFlow(t, ctl, func(o *Options) { o.Editor = script })
	keys(tm, "e")
	waitFor(t, tm, "edited replay of #3 GET /boom → #7", "sent as edited: PUT /boom?safe=1")
	quit(t, tm)
	got := ctl.requests()
	if len(got) != 1 {
		t.Fatalf("%d replays, want 1", len(got))
	}
	req := got[0].Request
	if req.Method != "PUT" || req.Target != "/boom?safe=1" || string(req.RequestBody.Data) != "a=1" || got[0].Of != 3 {
		t.Errorf("sent %s %s body %q as a replay of #%d", req.Method, req.Target, req.RequestBody.Data, got[0].Of)
	}
	if len(req.RequestHeaders) == 0 || req.RequestHeaders[len(req.RequestHeaders)-1] != (exchange.Header{Name: "X-Edited", Value: "yes"}) {
		t.Errorf("headers sent: %v", req.RequestHeaders)
	}
}

func TestFlowEditErrors(t *testing.T) {
	for name, tc := range map[string]struct{ script, want string }{
		"editor fails": {`exit 3`, "the editor edit.sh failed: exit status 3"},
		"bad header":   {`printf 'GET / HTTP/1.1\nno colon here\n\n' > "$1"`, `line 2: want a header as "Name: value"`},
		"bad line":     {`printf 'GET\n' > "$1"`, `line 1: want a request line like`},
		"empty":        {`: > "$1"`, "the file is empty"},
	} {
		t.Run(name, func(t *testing.T) {
			ctl := &replayControl{answer: fixed}
			tm, _ := replayFlow(t, ctl, func(o *Options) { o.Editor = editorScript(t, tc.script) })
			keys(tm, "e")
			waitFor(t, tm, "edit of #3: nothing replayed", tc.want)
			quit(t, tm)
			if n := len(ctl.requests()); n != 0 {
				t.Errorf("%d replays after a failed edit", n)
			}
		})
	}
}

func TestFlowCopyCurl(t *testing.T) {
	copied := make(chan string, 1)
	ctl := &replayControl{answer: fixed}
	tm, _ := replayFlow(t, ctl, func(o *Options) {
		o.Clipboard = func(s string) error { copied <- s; return nil }
	})
	keys(tm, "y")
	waitFor(t, tm, "curl command for #3", "curl -sS --path-as-is 'http://127.0.0.1:8000'/boom", "copied the curl command for #3 to the clipboard")
	select {
	case s := <-copied:
		if !strings.HasPrefix(s, "curl -sS") || !strings.HasSuffix(s, "/boom") {
			t.Errorf("copied %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing reached the clipboard")
	}
	quit(t, tm)
}

func TestFlowPins(t *testing.T) {
	ctl := &replayControl{nextID: 6, answer: func(n int, req exchange.ReplayRequest) exchange.ReplayResult {
		if n == 1 {
			return fixed(n, req)
		}
		return exchange.ReplayResult{New: &exchange.Exchange{Method: "GET", Target: "/boom", Status: 200, Done: true}}
	}}
	tm, _ := replayFlow(t, ctl, nil)
	keys(tm, "p")
	waitFor(t, tm, "◆ /boom", "◆ 1 pinned · 6 requests")
	reload := UpdatesMsg{{Reload: &exchange.Reload{At: base, OK: true, Took: 90 * ms}}}
	tm.Send(reload)
	waitFor(t, tm, "1 pinned: 1 changed")
	keys(tm, "P")
	waitFor(t, tm, "pinned requests: 1 pinned: 1 changed", "◆ #3 GET /boom → #7: changed")
	tm.Send(reload) // the open diffs follow the new run
	waitFor(t, tm, "pinned requests: 1 pinned: 0 changed", "◆ #3 GET /boom → #8: unchanged")
	keys(tm, "esc")
	waitFor(t, tm, "TIME")
	// A failed reload replays nothing.
	tm.Send(UpdatesMsg{{Reload: &exchange.Reload{At: base, OK: false, Error: "SyntaxError: x"}}})
	waitFor(t, tm, "import failed")
	keys(tm, "P")
	waitFor(t, tm, "pinned requests: 1 pinned: 0 changed", "◆ #3 GET /boom → #8: unchanged", "same answer")
	quit(t, tm)
	got := ctl.requests()
	if len(got) != 2 {
		t.Fatalf("%d pin replays, want 2 (one per good reload)", len(got))
	}
	if got[0].Against.ID != 3 || got[1].Against.ID != 7 || got[1].Request.ID != 3 || got[1].Of != 3 {
		t.Errorf("runs compared against #%d then #%d; want the original #3, then the first run #7", got[0].Against.ID, got[1].Against.ID)
	}
}

// replayModel is the sample day with a fake Control, #3 (GET /boom)
// pinned and replayed once after a reload, and replayed by hand as #8.
func replayModel(w, h int) Model {
	ctl := &replayControl{nextID: 6, answer: fixed}
	opts := testOptions()
	opts.Control = ctl
	m := send(newTestModel(w, h, opts), UpdatesMsg(sampleUpdates()))
	m = press(m, "k", "k", "k", "p")
	m = send(m, pinsRanMsg{{p: m.replays.pins.list[0], res: ctl.Replay(exchange.ReplayRequest{Request: m.list.selected.ex, Of: 3, Against: m.list.selected.ex})}})
	pinned := begin(7, 85*time.Second, "GET", "/boom").environ(200*time.Microsecond).
		startResponse(ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"}).chunk(ms, "fixed\n")
	pinned.ex.ReplayOf = 3
	m = send(m, UpdatesMsg(pinned.done(2*ms)))
	return send(m, replayedMsg{orig: m.list.selected.ex, res: ctl.Replay(exchange.ReplayRequest{Request: m.list.selected.ex, Of: 3, Against: m.list.selected.ex})})
}

func TestViewReplayPane(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) { checkView(t, replayModel(w, h)) })
}

func TestViewPinnedList(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) { checkView(t, press(replayModel(w, h), "esc")) })
}

func TestViewPinDiffs(t *testing.T) {
	forSizes(t, func(t *testing.T, w, h int) { checkView(t, press(replayModel(w, h), "P")) })
}

func TestOSC52Clipboard(t *testing.T) {
	for _, tc := range []struct{ term, tmux, want string }{
		{"xterm-256color", "", "\x1b]52;c;Y3VybCAtc1M=\x07"},
		{"screen-256color", "/tmp/tmux-1/default,1,0", "\x1b]52;c;Y3VybCAtc1M=\x07"}, // tmux takes it as it is
		{"screen", "", "\x1bP\x1b]52;c;Y3VybCAtc1M=\x07\x1b\\"},                      // GNU screen passes it on wrapped
	} {
		t.Setenv("TERM", tc.term)
		t.Setenv("TMUX", tc.tmux)
		var out strings.Builder
		if err := osc52Clipboard(&out)("curl -sS"); err != nil || out.String() != tc.want {
			t.Errorf("TERM=%s TMUX=%q: wrote %q (%v), want %q", tc.term, tc.tmux, out.String(), err, tc.want)
		}
	}
}

// A JSON body's diff reads by path: each line in the colour of what
// happened to it.
func TestResultLinesJSON(t *testing.T) {
	res := exchange.ReplayResult{Changed: true, What: "body", Diff: []string{
		"body differs (60 bytes each)",
		`  - $.debug: true`, `  ~ $.user.name: "Ada" → "Grace"`, `  + $.user.roles[1]: "dev"`,
	}}
	lines := resultLines(res)
	want := []lineKind{lineBad, linePlain, lineRemoved, lineChanged, lineAdded}
	for i, l := range lines {
		if i >= len(want) || l.kind != want[i] {
			t.Errorf("line %d %q is drawn as %v", i, l.text, l.kind)
		}
	}
}
