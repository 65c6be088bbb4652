// Package inspector is wsgidev's terminal UI: every request as it happens,
// with the environ the app received, each start_response call, every body
// chunk, and what went to wsgi.errors.
package inspector

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Run takes over the terminal (alt screen, mouse wheel) until the user
// quits (q, or ctrl+c) or ctx ends, then returns nil.
func Run(ctx context.Context, opts Options) error {
	if opts.Clipboard == nil {
		opts.Clipboard = osc52Clipboard(os.Stdout)
	}
	m := NewModel(opts)
	if !opts.NoColor {
		// Ask the terminal for its background now: once bubbletea reads
		// the input, the answer would arrive as key presses.
		m.c.styles.renderer.HasDarkBackground()
	}
	p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithMouseCellMotion())
	go func() {
		select {
		case <-ctx.Done():
			p.Quit()
		case <-m.c.done:
		}
	}()
	_, err := p.Run()
	close(m.c.done)
	if errors.Is(err, tea.ErrInterrupted) {
		return nil
	}
	return err
}

// state is what fills the screen between the title and the status line.
type state int

const (
	stateList state = iota
	stateDetail
	statePane // a replay's diff, the pins' diffs, a curl command
)

// typing says what the input line edits.
type typing int

const (
	typingNone   typing = iota
	typingFilter        // the list filter
	typingSearch        // the detail tab search
)

// common is what every part of the inspector shares.
type common struct {
	width, height int
	styles        Styles
	keys          KeyMap
	now           func() time.Time
	store         *store
	pins          *pins
	opts          Options
	done          chan struct{} // closed when the program has ended
	explain       bool          // explain mode is on (the key 'X')
	canStep       bool          // the Control is a StepControl: requests can be stepped
}

// rowSource is where the debugger and the pdb console look a request's
// row up.
type rowSource interface {
	row(id uint64) *row
}

// component is what each part of the screen is.
type component interface {
	tea.Model
	help.KeyMap
	SetSize(width, height int)
}

var (
	_ component = (*listModel)(nil)
	_ component = (*detailModel)(nil)
	_ component = (*statusBar)(nil)
	_ component = (*logPane)(nil)
	_ component = (*pane)(nil)
)

// UpdatesMsg hands updates to the model directly (tests, benchmarks); the
// subscription in Options delivers its own.
type UpdatesMsg []exchange.Update

// drainedMsg is one drain of the subscription.
type drainedMsg struct {
	updates []exchange.Update
	dropped int
	at      time.Time
}

// tickMsg redraws the running time of requests still in flight.
type tickMsg struct{}

// Model is the inspector's root model.
type Model struct {
	c      *common
	state  state
	list   *listModel
	detail *detailModel
	status *statusBar
	logs   *logPane
	pane   *pane
	help   help.Model
	input  inputLine

	debug *debugger   // held requests, breakpoints, the environ editor
	pdb   *pdbConsole // the app's pdb sessions

	showLog  bool
	ticking  bool
	helpView string // rendered in sync, so layout knows its height
}

// NewModel returns the root model, for Run, tests and benchmarks.
func NewModel(opts Options) Model {
	if opts.Keep <= 0 {
		opts.Keep = DefaultKeep
	}
	theme := DefaultStyles
	if opts.Large {
		theme = LargeStyles
	}
	c := &common{
		styles:  theme(newRenderer(opts.NoColor)),
		keys:    DefaultKeyMap(),
		now:     time.Now,
		store:   newStore(opts.Keep),
		pins:    &pins{},
		opts:    opts,
		done:    make(chan struct{}),
		explain: opts.ExplainOn && opts.Explain != nil,
	}
	_, c.canStep = opts.Control.(StepControl)
	m := Model{
		c:      c,
		list:   newListModel(c),
		detail: newDetailModel(c),
		status: newStatusBar(c),
		logs:   newLogPane(c),
		pane:   newPane(c),
		help:   help.New(),
		input:  newInputLine(c),

		debug: newDebugger(c, opts.Control),
		pdb:   newPdbConsole(c, opts.Control),
	}
	m.help.Styles = c.styles.Help
	m.sync()
	return m
}

// Init starts the updates, and asks which breakpoints --break set.
func (m Model) Init() tea.Cmd {
	return tea.Batch(m.wait(time.Time{}, 0), m.debug.Init())
}

// Drains are spaced so a flood of requests is ingested and drawn in
// batches: at most 60 times a second, and 15 times once a batch shows the
// server is busy, so drawing costs the request path little CPU (every
// redraw is CPU the server shares with its app) while a person watching
// still sees the list move.
const (
	minInterval  = time.Second / 60
	busyInterval = time.Second / 15
	busyBatch    = 256 // updates in one drain that count as busy
)

// wait is the command that delivers the subscription's updates: it waits
// for a wake-up, and is re-armed after each delivery; last and lastSize
// describe the previous delivery.
func (m Model) wait(last time.Time, lastSize int) tea.Cmd {
	sub, done := m.c.opts.Updates, m.c.done
	if sub == nil {
		return nil
	}
	return func() tea.Msg {
		select {
		case <-sub.Wake():
		case <-done:
			return nil
		}
		interval := minInterval
		if lastSize >= busyBatch {
			interval = busyInterval
		}
		if d := interval - time.Since(last); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-done:
				t.Stop()
				return nil
			}
		}
		updates, dropped := sub.Drain()
		return drainedMsg{updates: updates, dropped: dropped, at: time.Now()}
	}
}

func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
	case drainedMsg:
		m.status.lost += msg.dropped
		cmd = tea.Batch(m.ingest(msg.updates), m.wait(msg.at, len(msg.updates)))
	case UpdatesMsg:
		cmd = m.ingest(msg)
	case tickMsg:
		m.ticking = false
		cmd = m.tick()
	case tea.KeyMsg:
		cmd = m.key(msg)
	case tea.MouseMsg:
		m.mouse(msg)
	case debugResultMsg:
		m.debug.Update(msg)
	case consoleSentMsg:
		m.pdb.Update(msg)
	default:
		cmd = m.replayUpdate(msg)
	}
	m.sync()
	return m, cmd
}

// ingest applies a batch of updates.
func (m *Model) ingest(updates []exchange.Update) tea.Cmd {
	var b batch
	reloaded := false
	m.c.store.prepare(updates)
	var cmds []tea.Cmd
	for _, u := range updates {
		switch {
		case u.Started != nil || u.Event != nil || u.Done != nil:
			m.c.store.apply(u, &b)
			m.pdb.ingest(u, m.c.store)
			changed, cmd := m.debug.ingest(u, m.c.store)
			if changed {
				m.c.store.heldChanged()
			}
			cmds = append(cmds, cmd)
		default:
			m.status.apply(u)
			m.logs.apply(u)
			reloaded = reloaded || (u.Reload != nil && u.Reload.OK)
		}
	}
	m.c.store.finish(&b)
	m.list.ingested(b)
	if reloaded {
		cmds = append(cmds, m.runPins())
	}
	return tea.Batch(append(cmds, m.tick())...)
}

// tick keeps running times fresh while requests are in flight.
func (m *Model) tick() tea.Cmd {
	if m.ticking || m.c.store.live == 0 {
		return nil
	}
	m.ticking = true
	return tea.Tick(500*time.Millisecond, func(time.Time) tea.Msg { return tickMsg{} })
}

func (m *Model) key(msg tea.KeyMsg) tea.Cmd {
	k := &m.c.keys
	m.debug.clearNote()
	m.pdb.clearNote()
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.typingText() {
		// Keys typed faster than they are read arrive together ("L5");
		// each is a command of its own.
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	switch {
	case m.pdb.handles(msg): // while it has the keyboard, every key
		_, cmd := m.pdb.Update(msg)
		return cmd
	case m.debug.handles(msg): // the W line and the environ editor take every key
		_, cmd := m.debug.Update(msg)
		return cmd
	}
	if m.input.active() {
		switch {
		case key.Matches(msg, k.Quit):
			return tea.Quit
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
	m.status.say("", false)
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case m.replayKey(msg):
		return m.replayKeyCmd(msg)
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
	case key.Matches(msg, k.ToggleLog):
		m.showLog = !m.showLog
	case key.Matches(msg, k.Explain):
		m.c.explain = !m.c.explain
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
		m.paneKey(msg)
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
		m.c.store.reset()
		m.list.reset()
		m.keepHeld()
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
	switch m.state {
	case stateList:
		if msg.Y < m.list.height {
			m.list.Update(msg)
		}
	case statePane:
		m.pane.Update(msg)
	default:
		m.detail.Update(msg)
	}
}

// typingText is true while a text is typed: keys are letters then, not
// commands.
func (m *Model) typingText() bool {
	return m.input.active() || m.debug.typing() || m.pdb.focused()
}

// keyboardTaken is true when a part of the screen other than the list or
// the detail view has the keyboard.
func (m *Model) keyboardTaken() bool {
	return m.input.active() || m.debug.focused() || m.pdb.focused()
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
