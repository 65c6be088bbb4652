package inspector

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// sync brings everything derived up to date after an Update: which keys
// apply, what the status bar says about the list, the help, the layout.
func (m *Model) sync() {
	m.debug.follow()
	taken := m.keyboardTaken()
	free := !taken && (m.state == stateList || m.state == stateDetail)
	m.debug.setTarget(m.shown())
	m.debug.sync(free)
	m.pdb.sync(free)
	m.pdb.syncPostMortem(free, m.shown())
	m.replays.setTarget(m.shown())
	m.save.setTarget(m.shown())
	m.replays.sync(free, m.state == statePane && !taken)
	ks := keyState{
		state:      m.state,
		typing:     taken,
		filtering:  m.c.store.filter.shown(),
		searching:  m.detail.search != "",
		rows:       m.c.store.len() > 0,
		canReload:  m.c.opts.Control != nil,
		canExplain: m.c.opts.Explain != nil,
		explaining: m.c.explain,
		bodyViewOK: m.state == stateDetail && m.detail.canCycle(),
		callShown:  m.detail.tab == tabTimeline && m.detail.call,
		selecting:  m.detail.selecting(),
		fullHelp:   m.helpPage.open,
		asking:     m.asking != nil,
		typingFind: m.input.active(),

		reloadWaits: m.debug.reloadWaits,
	}
	m.bodyKeyState(&ks)
	if m.helpPage.open {
		// The page lists the keys of the view it covers, as they are
		// there: the bindings are copied before the page's own apply.
		closed := ks
		closed.fullHelp = false
		m.c.keys.apply(closed)
		m.helpPage.groups = m.referenceHelp()
	}
	m.c.keys.apply(ks)
	m.status.newCount, m.status.paused = m.list.newCount, !m.list.follow
	m.status.position = ""
	if n := m.c.store.len(); m.state == stateList && n > 0 {
		m.status.position = formatCount(m.list.cursor+1) + "/" + formatCount(n)
	}
	m.status.extra = m.statusSegs()
	m.status.question = ""
	if m.asking != nil {
		m.status.question = m.asking.text
	}
	m.helpView = helpBar(m.c, m.ShortHelp(), m.c.width)
	m.layout()
}

// inputShown is true when the input line takes a line of the screen.
func (m *Model) inputShown() bool {
	return m.input.active() || (m.state == stateList && m.c.store.filter.shown()) ||
		(m.state == stateDetail && m.detail.search != "")
}

// layout shares the height out: the title and status lines, the help, the
// input line and the log pane take what they need; the list or the detail
// view gets the rest.
func (m *Model) layout() {
	w, h := m.c.width, m.c.height
	avail := h - 3 // the title, the status line and the help bar
	if m.inputShown() {
		avail--
	}
	if m.debug.lineOpen() {
		avail--
	}
	if m.save.focused() {
		avail--
	}
	pdbH := 0
	if m.pdb.visible() {
		pdbH = max(0, min(max(8, avail/2), avail-4))
	}
	m.pdb.SetSize(w, pdbH)
	avail -= pdbH
	logH := 0
	if m.showLog {
		logH = min(max(5, avail/3), avail-6)
		if logH < 2 {
			logH = 0
		}
	}
	body := max(3, avail-logH)
	m.list.SetSize(w, body)
	m.detail.SetSize(w, body)
	m.replays.SetSize(w, body)
	m.debug.SetSize(w, body)
	m.helpPage.SetSize(w, body)
	m.logs.SetSize(w, logH)
	m.status.SetSize(w, 1)
}

func (m Model) View() string {
	if m.c.width <= 0 || m.c.height <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.status.title())
	b.WriteByte('\n')
	editor, editing := m.debug.editorView()
	switch {
	case m.helpPage.open:
		b.WriteString(m.helpPage.View())
	case editing:
		b.WriteString(editor)
	case m.state == stateList:
		b.WriteString(m.list.View())
	case m.state == statePane:
		b.WriteString(m.replays.View())
	default:
		b.WriteString(m.detail.View())
	}
	if m.showLog && m.logs.height > 0 {
		b.WriteByte('\n')
		b.WriteString(m.logs.View())
	}
	if m.pdb.visible() && m.pdb.height > 0 {
		b.WriteByte('\n')
		b.WriteString(m.pdb.View())
	}
	if line := m.debug.View(); line != "" {
		b.WriteByte('\n')
		b.WriteString(line)
	}
	if line := m.save.View(); line != "" {
		b.WriteByte('\n')
		b.WriteString(line)
	}
	if m.inputShown() {
		b.WriteByte('\n')
		b.WriteString(m.input.view(m.state, m.detail.search, m.c.width))
	}
	b.WriteByte('\n')
	b.WriteString(m.status.View())
	b.WriteByte('\n')
	b.WriteString(m.helpView)
	return b.String()
}

// ShortHelp is the help bar: the keys of what has the focus.
func (m Model) ShortHelp() []key.Binding {
	k := &m.c.keys
	switch {
	case m.asking != nil:
		return []key.Binding{k.Yes, k.No}
	case m.helpPage.open:
		return m.helpPage.ShortHelp()
	case m.pdb.focused():
		return m.pdb.ShortHelp()
	case m.debug.focused():
		return m.debug.ShortHelp()
	case m.save.focused():
		return m.save.ShortHelp()
	case m.input.active():
		return []key.Binding{k.Accept, k.Cancel, k.Quit}
	case m.state == stateList:
		return append(m.leadingKeys(), m.list.ShortHelp()...)
	case m.state == statePane:
		return m.replays.ShortHelp()
	default:
		return append(m.leadingKeys(), m.detail.ShortHelp()...)
	}
}

// leadingKeys lead the help bar when they apply (help leaves out the
// ones that are off): the pdb console's and the debugger's.
func (m *Model) leadingKeys() []key.Binding {
	return append(m.pdb.ShortHelp(), m.debug.ShortHelp()...)
}

// FullHelp is the help shown on '?'.
func (m Model) FullHelp() [][]key.Binding {
	k := &m.c.keys
	switch {
	case m.pdb.focused():
		return m.pdb.FullHelp()
	case m.debug.focused():
		return m.debug.FullHelp()
	case m.save.focused():
		return m.save.FullHelp()
	case m.input.active():
		return [][]key.Binding{{k.Accept, k.Cancel, k.Quit}}
	case m.state == stateList:
		return append(m.list.FullHelp(), m.debugColumn())
	case m.state == statePane:
		return m.replays.FullHelp()
	default:
		return append(m.detail.FullHelp(), m.debugColumn())
	}
}

// referenceHelp is the help page's columns: the full help of the view it
// covers, with the keys that apply only at times (to a held request, a
// finished one, a filter in force, a body tab) listed too, so that the
// page is a reference. Keys of what this inspector lacks (no Control, no
// debugger, no explain texts) stay out.
func (m *Model) referenceHelp() [][]key.Binding {
	o, k := m.c.opts, &m.c.keys
	absent := map[string]bool{}
	lack := func(lacking bool, bs ...key.Binding) {
		for _, b := range bs {
			absent[b.Help().Key] = absent[b.Help().Key] || lacking
		}
	}
	r, d := &k.Replay, &k.Debug
	lack(o.Control == nil, r.Replay, r.EditReplay, r.CopyCurl, r.Pin, r.PinDiffs, k.Reload)
	lack(!m.c.canStep, d.Step, d.Continue, d.Abort, d.EditEnviron, d.BreakNext, d.BreakWhen, d.ClearBreaks)
	lack(m.pdb.ctl == nil, k.Console.Show)
	lack(o.Explain == nil, k.Explain)
	lack(m.save.write == nil, k.Save.Write)
	groups := m.FullHelp() // copies: enabling them changes no key
	for _, g := range groups {
		for i := range g {
			if !absent[g[i].Help().Key] {
				g[i].SetEnabled(true)
			}
		}
	}
	return groups
}

// debugColumn is the full help's column of the debugger's and the pdb
// console's keys.
func (m *Model) debugColumn() []key.Binding {
	return append(m.debug.FullHelp()[0], m.c.keys.Console.Show)
}

// statusSegs are what the components say on the status line: the
// debugger's or the pdb console's error, a pdb session waiting, held
// requests, breakpoints, the pins.
func (m *Model) statusSegs() []seg {
	segs := append(append(m.debug.noteSegs(), m.pdb.segs()...), m.debug.stateSegs()...)
	return append(segs, m.replays.segs()...)
}
