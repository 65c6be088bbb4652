package inspector

// The pins of the replays component (replay.go): requests replayed after
// every successful reload, each compared with its run before.

import (
	"fmt"
	"strconv"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// pin is a request replayed after every successful reload.
type pin struct {
	ex      *exchange.Exchange     // the pinned exchange: its request is sent
	last    *exchange.Exchange     // the newest run's exchange; nil before the first run
	res     *exchange.ReplayResult // the newest run's outcome
	changed bool                   // it differs from the run before (from ex on the first)
}

// pins are the pinned requests, in the order pinned, and how their
// newest run went.
type pins struct {
	list    []*pin
	running bool
	again   bool // a reload came during a run: run once more after it
	runs    int  // runs finished
	changed int  // pins the newest run found changed
}

// pinRun is one pin's replay in a run.
type pinRun struct {
	p   *pin
	res exchange.ReplayResult
}

// pinsRanMsg is a finished run of every pin.
type pinsRanMsg []pinRun

func (ps *pins) has(id uint64) bool {
	for _, p := range ps.list {
		if p.ex.ID == id {
			return true
		}
	}
	return false
}

// toggle pins ex, or unpins it; it reports whether ex is pinned now.
func (ps *pins) toggle(ex *exchange.Exchange) bool {
	for i, p := range ps.list {
		if p.ex.ID == ex.ID {
			ps.list = append(ps.list[:i], ps.list[i+1:]...)
			return false
		}
	}
	ps.list = append(ps.list, &pin{ex: ex})
	return true
}

// runPins replays every pin in order, after a successful reload. A run
// asked for while one is going starts when it ends, so every reload's
// app gets its run.
func (r *replays) runPins() tea.Cmd {
	ps, ctl := r.pins, r.ctl
	if len(ps.list) == 0 || ctl == nil {
		return nil
	}
	if ps.running {
		ps.again = true
		return nil
	}
	ps.running = true
	type job struct {
		p            *pin
		req, against *exchange.Exchange
	}
	jobs := make([]job, len(ps.list))
	for i, p := range ps.list {
		against := p.ex
		if p.last != nil {
			against = p.last
		}
		jobs[i] = job{p, p.ex, against}
	}
	return func() tea.Msg {
		runs := make(pinsRanMsg, len(jobs))
		for i, j := range jobs {
			runs[i] = pinRun{j.p, ctl.Replay(exchange.ReplayRequest{Request: j.req, Of: j.req.ID, Against: j.against})}
		}
		return runs
	}
}

// pinsRan records a run's outcomes; pins removed meanwhile are left out.
func (r *replays) pinsRan(runs pinsRanMsg) tea.Cmd {
	ps := r.pins
	ps.running = false
	ps.runs++
	ps.changed = 0
	for _, run := range runs {
		if !ps.has(run.p.ex.ID) {
			continue
		}
		res := run.res
		run.p.res = &res
		run.p.changed = res.Changed || res.Err != ""
		if res.New != nil {
			run.p.last = res.New
		}
		if run.p.changed {
			ps.changed++
		}
	}
	r.c.post(noteMsg("pinned requests replayed after the reload: " + ps.summary()))
	if r.pane.open && r.pane.pins {
		scroll := r.pane.scroll
		r.pane.show(pinsTitle(ps), ps.diffLines(), 0)
		r.pane.scroll = scroll
	}
	if ps.again {
		ps.again = false
		return r.runPins()
	}
	return nil
}

// summary is what the status bar says: "2 pinned: 1 changed".
func (ps *pins) summary() string {
	s := strconv.Itoa(len(ps.list)) + " pinned"
	switch {
	case ps.running:
		return s + ": replaying…"
	case ps.runs > 0:
		return s + ": " + strconv.Itoa(ps.changed) + " changed"
	}
	return s
}

// ran reports whether any pin has a run to show.
func (ps *pins) ran() bool {
	for _, p := range ps.list {
		if p.res != nil {
			return true
		}
	}
	return false
}

func pinsTitle(ps *pins) string { return "pinned requests: " + ps.summary() }

// diffLines are every pin's newest diff, one section each.
func (ps *pins) diffLines() []paneLine {
	if len(ps.list) == 0 {
		return []paneLine{{"No pinned requests. p pins the request under the cursor (◆): after every successful reload " +
			"each pin is replayed and compared with its run before, and P shows the diffs here.", lineDim}}
	}
	var out []paneLine
	for _, p := range ps.list {
		head := fmt.Sprintf("◆ #%d %s %s", p.ex.ID, p.ex.Method, p.ex.Target)
		switch {
		case p.res == nil:
			out = append(out, paneLine{head + ": not replayed yet (after the next reload)", lineHeading}, paneLine{})
			continue
		case p.res.New != nil:
			head += fmt.Sprintf(" → #%d", p.res.New.ID)
		}
		state := "unchanged"
		if p.changed {
			state = "changed"
		}
		out = append(out, paneLine{head + ": " + state, lineHeading})
		out = append(out, resultLines(*p.res)...)
		out = append(out, paneLine{})
	}
	return out
}

// marks go before a row's path in the list: ◆ for a pin, ↻#N for a
// replay of #N.
func marks(r *row) string {
	s := ""
	if r.pinned {
		s = "◆ "
	}
	if r.ex.ReplayOf != 0 {
		s += "↻#" + strconv.FormatUint(r.ex.ReplayOf, 10) + " "
	}
	return s
}

// segs are the status line's word on the pins, before the counts.
func (r *replays) segs() []seg {
	ps, st := r.pins, &r.c.styles
	if len(ps.list) == 0 {
		return nil
	}
	style := st.Note
	if !ps.running && ps.runs > 0 {
		style = st.OK
		if ps.changed > 0 {
			style = st.Warn
		}
	}
	return []seg{{"◆ " + ps.summary(), style}}
}
