package inspector

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// fakeDebugger stands in for the server's debugger and stdin: it says
// each call on calls, keeps the breakpoints, and refuses wsgi.* edits as
// the real one does. The test plays the server's part by sending the
// updates the server would publish.
type fakeDebugger struct {
	calls chan string

	mu     sync.Mutex
	breaks []string
}

func newFakeDebugger() *fakeDebugger { return &fakeDebugger{calls: make(chan string, 16)} }

func (f *fakeDebugger) Reload() { f.calls <- "reload" }

// The fake replays nothing: held_test drives the debugger only.
func (f *fakeDebugger) Replay(exchange.ReplayRequest) exchange.ReplayResult {
	return exchange.ReplayResult{Err: "no replays here"}
}
func (f *fakeDebugger) Curl(*exchange.Exchange) string { return "" }

func (f *fakeDebugger) Break(expr string) error {
	if strings.Contains(expr, "bogus") {
		return errors.New(`breakpoint "bogus": "bogus" is not a term`)
	}
	f.mu.Lock()
	f.breaks = append(f.breaks, expr)
	f.mu.Unlock()
	f.calls <- "break " + expr
	return nil
}

func (f *fakeDebugger) ClearBreaks() {
	f.mu.Lock()
	f.breaks = nil
	f.mu.Unlock()
	f.calls <- "clear"
}

func (f *fakeDebugger) Breaks() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.breaks...)
}

// useBreak is the server holding a request: a once-only breakpoint goes.
func (f *fakeDebugger) useBreak() {
	f.mu.Lock()
	f.breaks = nil
	f.mu.Unlock()
}

func (f *fakeDebugger) ReloadWaits() bool { return false }

func (f *fakeDebugger) Step(id uint64) error     { f.calls <- fmt.Sprint("step ", id); return nil }
func (f *fakeDebugger) Continue(id uint64) error { f.calls <- fmt.Sprint("continue ", id); return nil }
func (f *fakeDebugger) Abort(id uint64) error    { f.calls <- fmt.Sprint("abort ", id); return nil }

func (f *fakeDebugger) EditEnviron(id uint64, key, value string, remove bool) error {
	if strings.HasPrefix(key, "wsgi.") {
		return fmt.Errorf("%s cannot be edited: wsgi.* keys are objects the Python side makes (streams, flags), not text", key)
	}
	if remove {
		f.calls <- fmt.Sprintf("delete %d %s", id, key)
	} else {
		f.calls <- fmt.Sprintf("edit %d %s=%s", id, key, value)
	}
	return nil
}

func (f *fakeDebugger) Input(id uint64, line string, eof bool) error {
	f.calls <- fmt.Sprintf("input %d %q %v", id, line, eof)
	return nil
}

func (f *fakeDebugger) Interrupt(id uint64) error {
	f.calls <- fmt.Sprintf("interrupt %d", id)
	return nil
}

// expect waits for the next call and checks it.
func (f *fakeDebugger) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-f.calls:
		if got != want {
			t.Fatalf("the inspector called %q, want %q", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("the inspector never called %q", want)
	}
}

// held is the server holding the request at pos (with its environ before the app).
func (r *recorder) held(at time.Duration, pos string) *recorder {
	of := exchange.EventOf{Event: exchange.Event{Kind: exchange.EventHeld, Text: pos}}
	if pos == exchange.HeldBeforeApp {
		r.ex.Environ = cgiEnviron(r.ex.Method, r.ex.Target, r.ex.RequestHeaders[1:])
		of.Environ = r.ex.Environ
	}
	return r.eventOf(at, of)
}

func (r *recorder) debug(at time.Duration, what string) *recorder {
	return r.event(at, exchange.Event{Kind: exchange.EventDebug, Text: what})
}

// edit is the server applying an environ edit: set key (or delete it).
func (r *recorder) edit(at time.Duration, key, value string, remove bool) *recorder {
	env := append([]exchange.EnvVar(nil), r.ex.Environ...)
	var ed exchange.EnvEdit
	found := false
	for i, v := range env {
		if v.Key != key {
			continue
		}
		found = true
		if remove {
			ed = exchange.EnvEdit{Op: "delete", Key: key, Old: v.Value}
			env = append(env[:i], env[i+1:]...)
		} else {
			ed = exchange.EnvEdit{Op: "change", Key: key, Old: v.Value, New: value}
			env[i].Value = value
		}
		break
	}
	if !found {
		ed = exchange.EnvEdit{Op: "add", Key: key, New: value}
		env = append(env, exchange.EnvVar{Key: key, Value: value, Type: "str"})
	}
	r.ex.Environ = env
	r.ex.EnvironEdits = append(r.ex.EnvironEdits, ed)
	return r.eventOf(at, exchange.EventOf{Event: exchange.Event{Kind: exchange.EventEnvironEdit, Text: ed.Op + " " + key},
		Environ: env, Edits: append([]exchange.EnvEdit(nil), r.ex.EnvironEdits...)})
}

// sendNew sends the updates r recorded since n, and returns the new mark.
func sendNew(tm *teatest.TestModel, r *recorder, n int) int {
	tm.Send(UpdatesMsg(r.updates[n:]))
	return len(r.updates)
}

func debugOptions(f *fakeDebugger) Options {
	opts := testOptions()
	opts.Control = f
	return opts
}

// A request held by "break on next" has its environ edited, is stepped to
// start_response, to its first chunk, and continued to the end; the
// timeline says where it stands at each step.
func TestFlowHoldEditStepContinue(t *testing.T) {
	f := newFakeDebugger()
	tm := startFlow(t, debugOptions(f))
	keys(tm, "B")
	f.expect(t, "break next")
	waitFor(t, tm, "break: next")

	r := begin(1, 89*time.Second, "GET", "/x")
	f.useBreak()
	n := sendNew(tm, r, 0)
	r.held(100*time.Microsecond, exchange.HeldBeforeApp)
	n = sendNew(tm, r, n)
	waitFor(t, tm, "›⏸ 10:01:29 GET     /x", "⏸ held", "⏸ 1 held")

	keys(tm, "i")
	waitFor(t, tm, "Edit the environ of #1 GET /x", "held before the app is called", "› REQUEST_METHOD")
	keys(tm, "j", "j")
	waitFor(t, tm, "› PATH_INFO")
	keys(tm, "enter")
	waitFor(t, tm, "PATH_INFO = /x")
	keys(tm, "backspace", "backspace")
	tm.Type("/edited")
	keys(tm, "enter")
	f.expect(t, "edit 1 PATH_INFO=/edited")
	r.edit(time.Millisecond, "PATH_INFO", "/edited", false)
	n = sendNew(tm, r, n)
	waitFor(t, tm, "'/edited'", "(was '/x')")

	keys(tm, "a")
	waitFor(t, tm, "add NAME=value:")
	tm.Type("HTTP_X_DEBUG=1")
	keys(tm, "enter")
	f.expect(t, "edit 1 HTTP_X_DEBUG=1")
	r.edit(2*time.Millisecond, "HTTP_X_DEBUG", "1", false)
	n = sendNew(tm, r, n)
	waitFor(t, tm, "› HTTP_X_DEBUG", "(added)")

	keys(tm, "k", "x") // wsgi.input_terminated: refused in the debugger's words
	waitFor(t, tm, "✗ wsgi.input_terminated cannot be edited: wsgi.* keys are objects")
	keys(tm, "j", "x")
	f.expect(t, "delete 1 HTTP_X_DEBUG")
	r.edit(3*time.Millisecond, "HTTP_X_DEBUG", "", true)
	n = sendNew(tm, r, n)
	waitFor(t, tm, "deleted: HTTP_X_DEBUG")

	keys(tm, "s")
	f.expect(t, "step 1")
	r.debug(4*ms, "step").startResponse(5*ms, "200 OK", "", exchange.Header{Name: "Content-Type", Value: "text/plain"}).
		held(5*ms, exchange.HeldAfterStart)
	n = sendNew(tm, r, n)
	waitFor(t, tm, "›⏸ 10:01:29 GET     /x", "200")
	keys(tm, "enter", "6")
	waitFor(t, tm, "[6 Timeline]", "environ edited", "▶ step", "start_response", "⏸ now", "held after start_response; nothing sent yet")

	keys(tm, "s")
	f.expect(t, "step 1")
	r.debug(6*ms, "step").chunk(7*ms, "one\n").held(7*ms, exchange.HeldBeforeChunk+" 1")
	n = sendNew(tm, r, n)
	waitFor(t, tm, "chunk #1", "held before chunk 1 is sent")

	keys(tm, "s")
	f.expect(t, "step 1")
	r.debug(8*ms, "step").chunk(9*ms, "two\n").held(9*ms, exchange.HeldBeforeChunk+" 2")
	n = sendNew(tm, r, n)
	waitFor(t, tm, "chunk #2", "held before chunk 2 is sent")

	keys(tm, "c")
	f.expect(t, "continue 1")
	r.debug(10*ms, "continue")
	sendNew(tm, r, n)
	tm.Send(UpdatesMsg(r.done(11 * ms)[n:]))
	waitFor(t, tm, "▶ continue", "close() called", "done")
	keys(tm, "1", "G")
	waitFor(t, tm, "Edited in the debugger", "changed PATH_INFO from '/x' to '/edited'", "added HTTP_X_DEBUG")

	m := quit(t, tm)
	if n := m.debug.heldCount(); n != 0 || len(m.debug.held) != 0 {
		t.Errorf("%d held at the end, want none", n)
	}
}

// Abort from the list: the debugger is asked, and the list no longer
// shows the request held once the server says so.
func TestFlowAbort(t *testing.T) {
	f := newFakeDebugger()
	tm := startFlow(t, debugOptions(f))
	r := begin(1, 89*time.Second, "GET", "/stream").held(100*time.Microsecond, exchange.HeldBeforeApp)
	n := sendNew(tm, r, 0)
	waitFor(t, tm, "⏸ 1 held")
	keys(tm, "enter")
	waitFor(t, tm, "[1 Environ]", "i edits this environ")
	keys(tm, "s")
	f.expect(t, "step 1")
	r.debug(ms, "step").environ(ms).startResponse(2*ms, "200 OK", "").chunk(3*ms, "a").held(3*ms, exchange.HeldBeforeChunk+" 1")
	n = sendNew(tm, r, n)
	waitFor(t, tm, "⏸ held")
	keys(tm, "i") // only before the app: nothing opens
	keys(tm, "A")
	f.expect(t, "abort 1")
	r.debug(4*ms, "abort")
	n = sendNew(tm, r, n)
	r.ex.Status = 503
	tm.Send(UpdatesMsg(r.done(5 * ms)[n:]))
	waitFor(t, tm, "503", "1 request")
	m := quit(t, tm)
	if m.debug.editor.open {
		t.Error("the environ editor opened after the app was called")
	}
}

// A breakpoint typed as a filter goes to the debugger as written; a bad
// one is refused in its words; U clears them.
func TestFlowBreakWhen(t *testing.T) {
	f := newFakeDebugger()
	f.breaks = []string{"header:X-Debug"} // from --break
	tm := startFlow(t, debugOptions(f))
	waitFor(t, tm, "break: header:X-Debug")
	keys(tm, "W")
	waitFor(t, tm, "break on:", breakSyntax)
	tm.Type("POST /api/* q")
	keys(tm, "backspace", "backspace", "enter")
	f.expect(t, "break POST /api/*")
	waitFor(t, tm, "break: header:X-Debug, POST /api/*")
	keys(tm, "W")
	tm.Type("bogus")
	keys(tm, "enter")
	waitFor(t, tm, `✗ breakpoint "bogus"`)
	// A term a breakpoint cannot evaluate is refused as it is typed, in
	// the words the server would use, and enter leaves it to be fixed.
	keys(tm, "W")
	tm.Type("POST status:")
	waitFor(t, tm, "… status:: want a status")
	tm.Type("5xx")
	waitFor(t, tm, "✗ status:5xx: a breakpoint holds a request before the app")
	keys(tm, "enter")
	for range len("status:5xx") {
		keys(tm, "backspace")
	}
	tm.Type("header:X-Debug")
	waitFor(t, tm, "break on: POST header:X-Debug")
	keys(tm, "enter")
	f.expect(t, "break POST header:X-Debug")
	keys(tm, "U")
	f.expect(t, "clear")
	m := quit(t, tm)
	if len(m.debug.breaks) != 0 {
		t.Errorf("breakpoints %q after U", m.debug.breaks)
	}
}

// A request waiting in pdb opens the console, which takes every key: list
// keys and q go to its input line. Enter sends the line, esc hides the
// console and ':' brings it back; it closes when the request is done.
func TestFlowPdbConsole(t *testing.T) {
	f := newFakeDebugger()
	tm := startFlow(t, debugOptions(f))
	tm.Send(UpdatesMsg(sampleUpdates()))
	waitFor(t, tm, "6 requests")
	r := begin(7, 89*time.Second, "GET", "/pdb").environ(ms).
		log(2*ms, "stdout", "> /srv/app.py(5)application()\n-> seen.append('stepped')\n").
		log(2*ms, "stdout", "(Pdb) ").
		event(2*ms, exchange.Event{Kind: exchange.EventInput})
	n := sendNew(tm, r, 0)
	waitFor(t, tm, "pdb · GET /pdb", "-> seen.append('stepped')", "(Pdb)", "pdb waiting: GET /pdb")

	keys(tm, "k", "k", "q", "G")
	waitFor(t, tm, "(Pdb) kkqG")
	for range 4 {
		keys(tm, "backspace")
	}
	tm.Type("n")
	keys(tm, "enter")
	f.expect(t, `input 7 "n\n" false`)
	r.log(3*ms, "stdout", "> /srv/app.py(6)application()\n-> start_response('200 OK', [])\n").log(3*ms, "stdout", "(Pdb) ").
		event(3*ms, exchange.Event{Kind: exchange.EventInput})
	n = sendNew(tm, r, n)
	waitFor(t, tm, "(Pdb) n", "-> start_response('200 OK', [])")

	keys(tm, "esc")
	waitFor(t, tm, ": pdb console")
	keys(tm, ":")
	waitFor(t, tm, "pdb · GET /pdb")
	keys(tm, "up") // the line sent before
	waitFor(t, tm, "(Pdb) n")
	keys(tm, "down", "up", "up", "enter") // still n: the history has one line
	f.expect(t, `input 7 "n\n" false`)
	tm.Type("c")
	keys(tm, "enter")
	f.expect(t, `input 7 "c\n" false`)
	r.startResponse(4*ms, "200 OK", "").chunk(4*ms, "stepped")
	tm.Send(UpdatesMsg(r.done(5 * ms)[n:]))
	waitFor(t, tm, "7 requests")

	m := quit(t, tm)
	if m.pdb.current != nil || len(m.pdb.sessions) != 0 {
		t.Errorf("the console still shows a session after its request ended")
	}
	if m.list.selected.ex.ID != 7 {
		t.Errorf("the list moved to #%d while the console had the keys", m.list.selected.ex.ID)
	}
}

// ctrl+d in the console is the end of input.
func TestPdbConsoleEndOfInput(t *testing.T) {
	f := newFakeDebugger()
	m := newTestModel(100, 30, debugOptions(f))
	r := begin(1, 89*time.Second, "GET", "/ask").environ(ms).log(ms, "stdout", "name? ").
		event(ms, exchange.Event{Kind: exchange.EventInput})
	m = send(m, UpdatesMsg(r.updates))
	if !strings.Contains(m.View(), "name? ") || !m.pdb.focused() {
		t.Fatalf("the console did not open:\n%s", m.View())
	}
	next, cmd := m.Update(tea.KeyMsg{Type: tea.KeyCtrlD})
	m = next.(Model)
	if cmd == nil {
		t.Fatal("ctrl+d sent nothing")
	}
	cmd()
	f.expect(t, `input 1 "" true`)
	if !strings.Contains(m.View(), "name? ^D") {
		t.Errorf("the transcript does not show the end of input:\n%s", m.View())
	}
}

// ctrl+c in the console interrupts the app that runs on after a pdb
// command, and at pdb's prompt clears the line typed; it never quits.
func TestPdbConsoleInterrupt(t *testing.T) {
	f := newFakeDebugger()
	m := newTestModel(100, 30, debugOptions(f))
	r := begin(1, 89*time.Second, "GET", "/pdb").environ(ms).log(ms, "stdout", "(Pdb) ").
		event(ms, exchange.Event{Kind: exchange.EventInput})
	m = send(m, UpdatesMsg(r.updates))
	m, cmd := ctrlC(typeText(m, "p x"))
	if cmd != nil || m.pdb.ti.Value() != "" {
		t.Fatalf("ctrl+c at the prompt: command %v, line %q; want the line cleared and nothing else", cmd != nil, m.pdb.ti.Value())
	}
	next, cmd := typeText(m, "c").Update(keyMsg("enter"))
	m = next.(Model)
	cmd()
	f.expect(t, `input 1 "c\n" false`)
	m, cmd = ctrlC(m)
	if cmd == nil {
		t.Fatal("ctrl+c while the app runs sent nothing")
	}
	if _, quits := cmd().(tea.QuitMsg); quits {
		t.Fatal("ctrl+c in the console quit wsgidev")
	}
	f.expect(t, "interrupt 1")
	if !strings.Contains(m.View(), "^C") {
		t.Errorf("the transcript does not show the interrupt:\n%s", m.View())
	}
}

// ctrlC presses ctrl+c and returns what it asked to do.
func ctrlC(m Model) (Model, tea.Cmd) {
	next, cmd := m.Update(keyMsg("ctrl+c"))
	return next.(Model), cmd
}

// Clearing the list keeps the held requests: nothing else would reach them.
func TestClearKeepsHeld(t *testing.T) {
	f := newFakeDebugger()
	m := send(newTestModel(100, 30, debugOptions(f)), UpdatesMsg(sampleUpdates()))
	r := begin(7, 89*time.Second, "GET", "/held").held(ms, exchange.HeldBeforeApp)
	m = press(send(m, UpdatesMsg(r.updates)), "C", "y")
	if n := m.c.store.len(); n != 1 || m.list.selected == nil || m.list.selected.ex.ID != 7 {
		t.Fatalf("%d rows after the clear; want the held #7 alone, selected", n)
	}
	r.debug(2*ms, "step").environ(2*ms).startResponse(3*ms, "200 OK", "").held(3*ms, exchange.HeldAfterStart)
	m = send(m, UpdatesMsg(r.updates[2:]))
	if !strings.Contains(m.View(), "200") || m.debug.heldCount() != 1 {
		t.Errorf("the kept row does not follow its request:\n%s", m.View())
	}
	_, cmd := m.Update(keyMsg("s"))
	if cmd == nil {
		t.Fatal("s does nothing on the kept row")
	}
	cmd()
	f.expect(t, "step 7")
}

// is:held follows the debugger: a request shows once held and goes once
// continued, without the filter being typed again.
func TestFilterFollowsHeld(t *testing.T) {
	m := send(newTestModel(100, 30, debugOptions(newFakeDebugger())), UpdatesMsg(sampleUpdates()))
	m = press(typeText(press(m, "/"), "is:held"), "enter")
	if n := m.c.store.len(); n != 0 {
		t.Fatalf("%d rows held before any request is", n)
	}
	r := begin(7, 89*time.Second, "GET", "/held").held(ms, exchange.HeldBeforeApp)
	m = send(m, UpdatesMsg(r.updates))
	if n := m.c.store.len(); n != 1 || m.c.store.at(0).ex.ID != 7 {
		t.Fatalf("%d rows shown once #7 is held; want #7", n)
	}
	m = send(m, UpdatesMsg(r.debug(2*ms, "continue").updates[2:]))
	if n := m.c.store.len(); n != 0 {
		t.Errorf("%d rows shown once #7 was continued; want none", n)
	}
}

// Without a debugger in the Control, none of its keys are on.
func TestNoDebuggerNoKeys(t *testing.T) {
	m := newTestModel(100, 30, testOptions())
	m = send(m, UpdatesMsg(begin(1, 89*time.Second, "GET", "/x").held(0, exchange.HeldBeforeApp).updates))
	for _, b := range m.debugColumn() {
		if b.Enabled() {
			t.Errorf("%s is on without a debugger", b.Help().Key)
		}
	}
}
