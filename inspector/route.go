package inspector

// How the root model routes: the messages the components post, keys to
// the part of the screen that has the keyboard, the mouse to the part
// under it.

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// route delivers what the components posted during this update.
func (m *Model) route() {
	for len(m.c.out) > 0 {
		msg := m.c.out[0]
		m.c.out = m.c.out[1:]
		switch msg := msg.(type) {
		case flashMsg:
			m.status.say(msg.text, msg.bad)
		case noteMsg:
			m.logs.note(m.c.now(), string(msg))
		case pinMsg:
			if m.c.store.setPinned(msg.id, msg.on) {
				m.list.relocate()
			}
		case showMsg:
			m.open(uint64(msg))
		}
	}
	m.c.out = nil
	m.followPane()
}

// followPane gives the screen to the replays' pane while it is open, and
// back to where it was when it closes.
func (m *Model) followPane() {
	open := m.replays.paneOpen()
	switch {
	case open && m.state != statePane:
		if m.input.active() {
			m.input.end() // what was typed stays applied, as with enter
		}
		m.paneBack, m.state = m.state, statePane
	case !open && m.state == statePane:
		m.state = m.paneBack
	}
}

// open shows exchange id in the detail view, the list's cursor on it;
// from a replay's diff, enter opens the replay so.
func (m *Model) open(id uint64) {
	r := m.c.store.row(id)
	if r == nil {
		m.status.say(fmt.Sprintf("#%d is not in the list (cleared, filtered or not arrived yet)", id), true)
		return
	}
	if i, found := m.c.store.index(r); found {
		m.list.moveTo(i)
	}
	m.detail.show(r)
	m.replays.closePane()
	m.state = stateDetail
}

// keys takes a key press. Keys typed faster than they are read arrive
// together ("gr"): unless a text is being typed, each is a command of its
// own, taken after what the one before did is routed and synced (the
// request "r" replays is the one "g" went to).
func (m *Model) keys(msg tea.KeyMsg) tea.Cmd {
	if !readTogether(msg) || m.typingText() {
		return m.key(msg) // a text line types them as letters (typeLetters)
	}
	var cmds []tea.Cmd
	for i, r := range msg.Runes {
		if i > 0 {
			m.route()
			m.sync()
		}
		cmds = append(cmds, m.keys(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
	}
	return tea.Batch(cmds...)
}

// key routes a key to the part of the screen that has the keyboard, else
// to the component whose key it is, else to the list, detail or pane.
func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	m.debug.clearNote()
	m.pdb.clearNote()
	switch {
	case m.asking != nil: // a question takes the next key, whatever it is
		return m.answer(msg)
	case m.pdb.handles(msg): // while it has the keyboard, every key
		_, cmd := m.pdb.Update(msg)
		return cmd
	case m.debug.handles(msg): // the W line and the environ editor take every key
		_, cmd := m.debug.Update(msg)
		return cmd
	case m.save.handles(msg): // while it asks for a file name, every key
		_, cmd := m.save.Update(msg)
		return cmd
	case m.input.active():
		return m.inputKey(msg)
	}
	m.status.say("", false)
	return m.screenKey(msg)
}

// inputKey edits the filter or the search.
func (m *Model) inputKey(msg tea.KeyMsg) tea.Cmd {
	if cmd, typed := typeLetters(&m.input.ti, msg); typed {
		m.applyInput()
		return cmd
	}
	k := &m.c.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Accept):
		m.input.end()
	case key.Matches(msg, k.Cancel):
		m.input.set("")
		m.applyInput()
		m.input.end()
	default:
		cmd := m.input.update(msg)
		m.applyInput()
		return cmd
	}
	return nil
}

// screenKey takes a key while the list, the detail view or the pane has
// the keyboard.
func (m *Model) screenKey(msg tea.KeyMsg) tea.Cmd {
	k := &m.c.keys
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case m.helpPage.open:
		m.helpPage.Update(msg)
	case m.replays.handles(msg):
		_, cmd := m.replays.Update(msg)
		return cmd
	case key.Matches(msg, k.Help):
		m.helpPage.toggle()
	case key.Matches(msg, k.ToggleLog):
		m.showLog = !m.showLog
	case key.Matches(msg, k.Explain):
		m.toggleExplain()
	case key.Matches(msg, k.Reload):
		m.logs.note(m.c.now(), "manual reload requested")
		ctl := m.c.opts.Control
		return func() tea.Msg { ctl.Reload(); return nil }
	case key.Matches(msg, k.Filter):
		if m.state == stateList {
			m.input.start(typingFilter, m.c.store.filter.query)
		} else {
			m.input.start(typingSearch, m.detail.search)
		}
	case key.Matches(msg, k.ClearFilter):
		if m.state == stateList && m.c.store.setFilter("") {
			m.list.relocate()
		}
		if m.state == stateDetail {
			m.detail.setSearch("")
		}
	case m.state == stateList:
		m.listKey(msg)
	case m.state == statePane:
		_, cmd := m.replays.Update(msg)
		return cmd
	default:
		m.detailKey(msg)
	}
	return nil
}

func (m *Model) listKey(msg tea.KeyMsg) {
	k := &m.c.keys
	switch {
	case key.Matches(msg, k.Open):
		if m.list.selected != nil {
			m.detail.show(m.list.selected)
			m.state = stateDetail
		}
	case key.Matches(msg, k.Clear):
		m.askClear()
	default:
		m.list.Update(msg)
	}
}

func (m *Model) detailKey(msg tea.KeyMsg) {
	k := &m.c.keys
	switch {
	case key.Matches(msg, k.Back):
		m.state = stateList
	case key.Matches(msg, k.NextRequest):
		m.step(1)
	case key.Matches(msg, k.PrevRequest):
		m.step(-1)
	default:
		m.detail.Update(msg)
	}
}

// step shows the next (+1) or previous (-1) visible request in the detail
// view, and moves the list's cursor with it.
func (m *Model) step(delta int) {
	s := m.c.store
	i, found := s.index(m.detail.row)
	target := i + delta
	if !found && delta > 0 {
		target = i // the shown row is filtered out: i is the next one
	}
	if target < 0 || target >= s.len() {
		return
	}
	m.detail.show(s.at(target))
	m.list.moveTo(target)
}

// applyInput applies what is being typed as the filter or the search.
func (m *Model) applyInput() {
	switch m.input.what {
	case typingFilter:
		if m.c.store.setFilter(m.input.value()) {
			m.list.relocate()
		}
	case typingSearch:
		m.detail.setSearch(m.input.value())
	}
}

func (m *Model) mouse(msg tea.MouseMsg) {
	msg.Y-- // the title line
	if msg.Y < 0 {
		return
	}
	switch {
	case m.helpPage.open:
		m.helpPage.Update(msg)
	case m.state == stateList:
		if msg.Y < m.list.height {
			m.list.Update(msg)
		}
	case m.state == statePane:
		m.replays.Update(msg)
	default:
		m.detail.Update(msg)
	}
}

// toggleExplain turns explain mode on or off, from the list too, and says
// what it does: its texts are in a request's tabs.
func (m *Model) toggleExplain() {
	m.c.explain = !m.c.explain
	switch {
	case !m.c.explain:
		m.status.say("explain mode off", false)
	case m.state == stateList:
		m.status.say("explain mode on: open a request (enter) to see each environ key, start_response and the body explained", false)
	default:
		m.status.say("explain mode on: each environ key, start_response and the body are explained from PEP 3333", false)
	}
}

// typingText is true while a text is typed: keys are letters then, not
// commands.
func (m *Model) typingText() bool {
	return m.input.active() || m.debug.typing() || m.pdb.focused() || m.save.focused()
}

// keyboardTaken is true when a part of the screen other than the list or
// the detail view has the keyboard.
func (m *Model) keyboardTaken() bool {
	return m.input.active() || m.debug.focused() || m.pdb.focused() || m.save.focused()
}

// shown is the request the list selects or the detail view shows: the
// one the debugger's and the replay keys act on.
func (m *Model) shown() *row {
	if m.state == stateList {
		return m.list.selected
	}
	return m.detail.row
}

// keepHeld puts the held requests back after the list is cleared: they
// wait for the user, who could not reach them otherwise.
func (m *Model) keepHeld() {
	held := m.debug.heldRows()
	if len(held) == 0 {
		return
	}
	var b batch
	for _, old := range held {
		r := m.c.store.add(old.ex, true, &b)
		r.status, r.chunks, r.sent = old.status, old.chunks, old.sent
		r.refresh()
		m.debug.keep(r)
	}
	m.c.store.finish(&b)
	m.list.ingested(b)
}
