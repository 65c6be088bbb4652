package devserver

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// stepper is the handler's side of a request held in the debugger. Its
// methods are safe on a nil stepper (a request no breakpoint caught), so
// relay reads the same either way.
type stepper struct {
	d        *Debugger
	h        *hold
	rec      *recorder
	stepMode bool   // the call runs in step mode: the child waits at each gate
	auto     bool   // continued: no more gates
	aborted  string // the position the user aborted at, "" if not
	gone     bool   // the client went away while held
	chunks   int
}

func (st *stepper) stopped() bool { return st.aborted != "" || st.gone }

// wait holds the request at position until the user steps, continues or
// aborts it, or its client goes away; edits to env are applied meanwhile
// (only before the app, the one gate where env is given).
func (st *stepper) wait(ctx context.Context, position string, env *[]string) action {
	if !st.d.enter(st.h, position) {
		st.auto = true
		st.note(exchange.EventDebug, "continue")
		return actContinue
	}
	st.rec.ex.Held = position
	st.note(exchange.EventHeld, position)
	for {
		select {
		case c := <-st.h.gate:
			if c.act == actEdit {
				c.reply <- st.edit(env, c.set, c.del)
				continue
			}
			st.d.leave(st.h, false)
			switch c.act {
			case actStep:
				st.rec.ex.Held = exchange.HeldRunning
				st.note(exchange.EventDebug, "step")
			case actContinue:
				st.auto = true
				st.rec.ex.Held = ""
				st.note(exchange.EventDebug, "continue")
			case actAbort:
				st.aborted = position
				st.rec.ex.Held = ""
				st.note(exchange.EventDebug, "abort")
			}
			return c.act
		case <-ctx.Done():
			st.d.leave(st.h, false)
			st.gone = true
			st.rec.ex.Held = ""
			st.note(exchange.EventDebug, "released: the client went away")
			return actAbort
		}
	}
}

func (st *stepper) note(kind, text string) {
	st.rec.event(exchange.Event{Kind: kind, Text: text})
}

// gate is a step gate inside the call: it reports whether what the app
// produced there goes on to the client.
func (st *stepper) gate(ctx context.Context, call *pyrunner.Call, position string) bool {
	if st == nil || st.auto {
		return true
	}
	if st.stopped() {
		return false
	}
	if st.wait(ctx, position, nil) == actAbort {
		call.Cancel()
		return false
	}
	return true
}

// chunkGate is the gate before the next body chunk is sent.
func (st *stepper) chunkGate(ctx context.Context, call *pyrunner.Call) bool {
	if st == nil {
		return true
	}
	st.chunks++
	return st.gate(ctx, call, fmt.Sprintf("%s %d", exchange.HeldBeforeChunk, st.chunks))
}

// release lets the child past the gate it waits at (in step mode it waits
// after every START, CHUNK and WRITE, continued or not).
func (st *stepper) release(call *pyrunner.Call) {
	if st != nil && st.stepMode && !st.stopped() {
		call.Step()
	}
}

func (st *stepper) finish() {
	if st != nil {
		st.rec.ex.Held = ""
		st.d.leave(st.h, true)
	}
}

// edit applies a user's environ edit: all of it or, on an error, none.
func (st *stepper) edit(env *[]string, set map[string]string, del []string) error {
	kv := *env
	index := make(map[string]int, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		index[kv[i]] = i
	}
	for _, key := range del {
		if _, ok := index[key]; !ok {
			return fmt.Errorf("%s is not in the environ, so it cannot be deleted", key)
		}
	}
	var edits []exchange.EnvEdit
	keys := make([]string, 0, len(set))
	for key := range set {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		i, ok := index[key]
		switch {
		case !ok:
			kv = append(kv, key, set[key])
			edits = append(edits, exchange.EnvEdit{Op: "add", Key: key, New: set[key]})
		case kv[i+1] != set[key]:
			edits = append(edits, exchange.EnvEdit{Op: "change", Key: key, Old: kv[i+1], New: set[key]})
			kv[i+1] = set[key]
		}
	}
	for _, key := range del {
		for i := 0; i < len(kv); i += 2 {
			if kv[i] == key {
				edits = append(edits, exchange.EnvEdit{Op: "delete", Key: key, Old: kv[i+1]})
				kv = append(kv[:i], kv[i+2:]...)
				break
			}
		}
	}
	*env = kv
	if len(edits) == 0 {
		return nil
	}
	st.rec.setEnviron(kv)
	st.rec.ex.EnvironEdits = append(st.rec.ex.EnvironEdits, edits...)
	st.rec.eventEdits(describeEdits(edits))
	return nil
}

func describeEdits(edits []exchange.EnvEdit) string {
	parts := make([]string, len(edits))
	for i, e := range edits {
		switch e.Op {
		case "add":
			parts[i] = fmt.Sprintf("added %s=%q", e.Key, e.New)
		case "change":
			parts[i] = fmt.Sprintf("changed %s from %q to %q", e.Key, e.Old, e.New)
		default:
			parts[i] = "deleted " + e.Key
		}
	}
	return strings.Join(parts, "; ")
}

// abortPage answers a request the user aborted in the debugger: a 503 page
// while nothing was sent, else a cut connection (no fake success).
func (s *Server) abortPage(r *http.Request, rec *recorder, resp *response, st *stepper) {
	at := "before the app was called"
	switch n, isChunk := strings.CutPrefix(st.aborted, exchange.HeldBeforeChunk+" "); {
	case isChunk:
		at = "before body chunk " + n + " was sent; the app's iterable was closed"
	case st.aborted == exchange.HeldAfterStart:
		at = "after start_response(), before any body was sent; the app's iterable was closed"
	}
	f := &exchange.Failure{Kind: exchange.FailAborted, Message: "aborted in the debugger " + at}
	if resp.committed {
		f.Cut = true
		rec.fail(f)
		resp.cutConnection()
	}
	s.sendPage(r, rec, resp, http.StatusServiceUnavailable, pageData{
		Title:   "Aborted in the debugger",
		Summary: "This request was aborted in the debugger (a --break breakpoint or the inspector held it), " + at + ".",
		Hint:    "Send the request again to run it; clear the breakpoint to let it through.",
	}, f)
}
