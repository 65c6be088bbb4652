package inspector

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// reloadKind is where the app's life stands, as the status bar says it.
type reloadKind int

const (
	reloadIdle     reloadKind = iota // running; watching files if reload is on
	reloadStarting                   // a child is starting
	reloadFailed                     // the app failed to import
	reloadExited                     // the child died; a new one is starting
)

// statusBar is the title line (what is served, where) and the status line
// (reload state, counts, whether the list follows).
type statusBar struct {
	c     *common
	width int

	reload     reloadKind
	errText    string // what failed: the import error's first line, or why the child exited
	lastReload string // the last good reload's outcome, shown while all is well
	ready      bool   // a child has been ready at least once
	lost       int    // updates the hub dropped because the inspector fell behind, since no request was in flight
	lostOutput int    // lines of the app's output it dropped, the same way

	newCount int  // rows that arrived below the cursor while not following
	paused   bool // the list does not follow new requests

	flash    string // a one-line answer to the last key (a component posts flashMsg); cleared by the next
	flashBad bool
	question string // a question waiting for y or n (the root sets it); shown before all else
	position string // "12/340": the list's cursor among the rows shown (the root sets it)

	extra []seg // what the debugger, the pdb console and the pins say, before the counts (the root sets it)
}

// say shows text in place of the reload state until the next key.
func (s *statusBar) say(text string, bad bool) { s.flash, s.flashBad = text, bad }

func newStatusBar(c *common) *statusBar { return &statusBar{c: c} }

func (s *statusBar) Init() tea.Cmd                       { return nil }
func (s *statusBar) Update(tea.Msg) (tea.Model, tea.Cmd) { return s, nil }
func (s *statusBar) SetSize(width, _ int)                { s.width = width }
func (s *statusBar) ShortHelp() []key.Binding            { return []key.Binding{s.c.keys.Reload} }
func (s *statusBar) FullHelp() [][]key.Binding           { return [][]key.Binding{s.ShortHelp()} }

// apply follows the child's life and reloads.
func (s *statusBar) apply(u exchange.Update) {
	switch {
	case u.Child != nil:
		switch c := u.Child; c.Kind {
		case exchange.ChildStarted:
			s.reload = reloadStarting
		case exchange.ChildReady:
			s.reload, s.ready = reloadIdle, true
		case exchange.ChildLoadError:
			note := strings.TrimPrefix(firstLine(c.Note), "the app failed to import: ")
			s.reload, s.errText = reloadFailed, firstNonEmpty(note, lastLine(c.Detail), "the app failed to import")
		case exchange.ChildExited:
			s.reload, s.errText = reloadExited, firstNonEmpty(firstLine(c.Note), "the app's process exited")
		}
	case u.Reload != nil:
		r := u.Reload
		if r.OK {
			s.reload, s.ready = reloadIdle, true
			s.lastReload = "reloaded in " + formatDuration(r.Took)
		} else {
			s.reload = reloadFailed
			s.errText = firstNonEmpty(firstLine(r.Error), lastLine(r.Detail), "the app failed to import")
		}
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// seg is a piece of a bar: text in a style that takes the bar's background.
type seg struct {
	text  string
	style lipgloss.Style
}

// bar lays left and right out on one line of the bar's style, cutting
// left short first when they do not fit. Each piece inherits the bar's
// background, so colours inside never break it.
func (s *statusBar) bar(base lipgloss.Style, left, right []seg) string {
	width := func(segs []seg) int {
		n := 0
		for _, g := range segs {
			n += ansi.StringWidth(g.text)
		}
		return n
	}
	cut := func(segs []seg, room int) []seg {
		var out []seg
		for _, g := range segs {
			w := ansi.StringWidth(g.text)
			if w > room {
				if room > 0 {
					out = append(out, seg{fit(g.text, room), g.style})
				}
				break
			}
			out = append(out, g)
			room -= w
		}
		return out
	}
	right = cut(right, s.width)
	left = cut(left, s.width-width(right)-1)
	var b strings.Builder
	for _, g := range left {
		b.WriteString(g.style.Inherit(base).Render(g.text))
	}
	b.WriteString(base.Render(strings.Repeat(" ", max(0, s.width-width(left)-width(right)))))
	for _, g := range right {
		b.WriteString(g.style.Inherit(base).Render(g.text))
	}
	return b.String()
}

// title is the top line: the product, the app, the URL and Python.
func (s *statusBar) title() string {
	st := &s.c.styles
	o := s.c.opts
	var parts []string
	for _, p := range []string{o.AppLabel, o.URL, o.Python} {
		if p != "" {
			parts = append(parts, sanitize(p))
		}
	}
	return s.bar(st.TitleBar, []seg{{" wsgidev ", st.Title}, {" " + strings.Join(parts, "  ·  "), st.TitleBar}}, nil)
}

// View is the bottom status line: reload state on the left, counts and
// the list's follow state on the right.
func (s *statusBar) View() string {
	st := &s.c.styles
	left := append([]seg{{" ", st.StatusLine}}, s.reloadView()...)
	var right []seg
	for _, g := range s.extra {
		right = append(right, g, seg{" · ", st.StatusLine})
	}
	right = append(append(right, s.countsView()...), seg{" ", st.StatusLine})
	return s.bar(st.StatusLine, left, right)
}

func (s *statusBar) reloadView() []seg {
	st := &s.c.styles
	if s.question != "" {
		return []seg{{s.question, st.Question}}
	}
	if s.flash != "" {
		if s.flashBad {
			return []seg{{"✗ " + sanitize(s.flash), st.Error}}
		}
		return []seg{{sanitize(s.flash), st.Note}}
	}
	switch s.reload {
	case reloadStarting:
		if s.ready {
			return []seg{{"◌ reloading…", st.Live}}
		}
		return []seg{{"◌ starting the app…", st.Live}}
	case reloadFailed:
		return []seg{{"✗ import failed: " + sanitize(s.errText), st.Error}}
	case reloadExited:
		return []seg{{"✗ " + sanitize(s.errText) + "; restarting", st.Error}}
	}
	var segs []seg
	if w := s.c.opts.Watching; w == "" {
		segs = []seg{{"reload off", st.Dim}}
	} else {
		segs = []seg{{"●", st.OK}, {" watching " + sanitize(w), st.StatusLine}}
	}
	if s.lastReload != "" {
		segs = append(segs, seg{" · " + s.lastReload, st.Dim})
	}
	return segs
}

func (s *statusBar) countsView() []seg {
	st := &s.c.styles
	store := s.c.store
	sep := seg{" · ", st.StatusLine}
	segs := []seg{{plural(store.total, "request", "requests"), st.StatusLine}, sep}
	if store.errors > 0 {
		segs = append(segs, seg{plural(store.errors, "error", "errors"), st.Error})
	} else {
		segs = append(segs, seg{"0 errors", st.StatusLine})
	}
	if store.evicted > 0 {
		segs = append(segs, sep, seg{"kept " + formatCount(len(store.rows)), st.Dim})
	}
	if store.waiting > 0 { // why pages hang: every thread of the app is busy
		segs = append(segs, sep, seg{plural(store.waiting, "request waits", "requests wait") + " for a thread", st.Warn})
	}
	if s.lostOutput > 0 {
		segs = append(segs, sep, seg{formatCount(s.lostOutput) + " output lines skipped", st.Warn})
	}
	if s.lost > 0 {
		segs = append(segs, sep, seg{formatCount(s.lost) + " updates skipped", st.Warn})
	}
	switch {
	case s.newCount > 0:
		segs = append(segs, sep, seg{"↓ " + formatCount(s.newCount) + " new", st.Note})
	case s.paused:
		segs = append(segs, sep, seg{"paused", st.Dim})
	}
	if s.position != "" {
		segs = append(segs, sep, seg{s.position, st.Dim})
	}
	return segs
}

// caughtUp ends what the status line says about skipped updates, and
// returns it for the log, once no request is in flight: every request
// the skipped updates belonged to has ended, and its exchange came whole
// with its end (the hub never drops those). Until then the counts stay.
func (s *statusBar) caughtUp(live int) string {
	if live > 0 || s.lost+s.lostOutput == 0 {
		return ""
	}
	var what []string
	if s.lost > 0 {
		what = append(what, plural(s.lost, "update", "updates"))
	}
	if s.lostOutput > 0 {
		what = append(what, plural(s.lostOutput, "line", "lines")+" of the app's output (those outside requests are lost)")
	}
	s.lost, s.lostOutput = 0, 0
	return "the inspector fell behind and skipped " + strings.Join(what, " and ") +
		"; the requests they belonged to have ended and are shown whole"
}
