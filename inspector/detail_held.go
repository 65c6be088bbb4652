package inspector

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// How the list and the detail view show a request held in the debugger,
// and the edits made to its environ there.

// atGate is true when r waits at a step for the user.
func atGate(r *row) bool {
	return r != nil && r.live && r.ex.Held != "" && r.ex.Held != exchange.HeldRunning
}

// beforeApp is true when r waits before the app, where its environ can be edited.
func beforeApp(r *row) bool { return r != nil && r.live && r.ex.Held == exchange.HeldBeforeApp }

// describeHeld says where a held request stands.
func describeHeld(pos string) string {
	switch {
	case pos == exchange.HeldBeforeApp:
		return "held before the app is called"
	case pos == exchange.HeldAfterStart:
		return "held after start_response; nothing sent yet"
	case strings.HasPrefix(pos, exchange.HeldBeforeChunk):
		n := strings.TrimSpace(strings.TrimPrefix(pos, exchange.HeldBeforeChunk))
		return "held before chunk " + n + " is sent"
	case pos == exchange.HeldRunning:
		return "stepping: the app runs to its next step"
	}
	return "held at " + pos
}

// debugEntry is the timeline's line for a debugger or stdin event.
func (d *doc) debugEntry(e exchange.Event) (label string, style lipgloss.Style, detail string, ok bool) {
	st := &d.c.styles
	switch e.Kind {
	case exchange.EventHeld:
		return "⏸ held", st.Held, describeHeld(e.Text), true
	case exchange.EventDebug:
		what, why, _ := strings.Cut(e.Text, ":")
		return "▶ " + what, st.Held, strings.TrimSpace(why), true
	case exchange.EventEnvironEdit:
		return "environ edited", st.Edited, e.Text, true
	case exchange.EventInput:
		return "stdin read", st.Held, "the app waits for a line (pdb's prompt)", true
	}
	return "", st.Plain, "", false
}

// heldNow is the timeline's last line while a request is held: where it
// stands and what the keys do.
func (d *doc) heldNow() (label, detail string) {
	return "⏸ now", describeHeld(d.row.ex.Held) + " · s steps · c continues · A aborts"
}

// heldBlocks head the environ of a request held before the app: it can
// still be edited.
func (d *doc) heldBlocks() []block {
	if !beforeApp(d.row) || !d.c.canStep {
		return nil
	}
	st := &d.c.styles
	note := "⏸ Held before the app is called: i edits this environ, s steps, c continues, A aborts."
	return []block{{heading: true, lines: wrapStyle(st.Held, note, d.width)}, {heading: true, lines: []string{""}}}
}

// editBlocks list, under a finished or held exchange's environ, what was
// edited in the debugger.
func (d *doc) editBlocks() []block {
	st := &d.c.styles
	edits := d.row.ex.EnvironEdits
	if len(edits) == 0 {
		return nil
	}
	blocks := []block{{heading: true, lines: []string{""}},
		{heading: true, lines: []string{st.Section.Render("Edited in the debugger") + "  " + st.Dim.Render(plural(len(edits), "edit", "edits"))}}}
	for _, ed := range edits {
		var text string
		switch ed.Op {
		case "add":
			text = "added " + ed.Key + " = " + pyStrRepr(ed.New)
		case "change":
			text = "changed " + ed.Key + " from " + pyStrRepr(ed.Old) + " to " + pyStrRepr(ed.New)
		default:
			text = "deleted " + ed.Key + " (was " + pyStrRepr(ed.Old) + ")"
		}
		blocks = append(blocks, block{text: strings.ToLower(text), lines: wrapStyle(st.Edited, "  "+sanitize(text), d.width)})
	}
	return blocks
}
