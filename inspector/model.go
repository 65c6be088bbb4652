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
	opts          Options
	done          chan struct{} // closed when the program has ended
	explain       bool          // explain mode is on (the key 'X')
	canStep       bool          // the Control is a StepControl: requests can be stepped

	// Messages a component posts during an update for the root, which
	// routes them before the update ends (Model.route).
	out []tea.Msg
}

// post leaves msg for the root to route in this update.
func (c *common) post(msg tea.Msg) { c.out = append(c.out, msg) }

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
	_ component = (*debugger)(nil)
	_ component = (*pdbConsole)(nil)
	_ component = (*replays)(nil)
	_ component = (*saver)(nil)
)

// UpdatesMsg hands updates to the model directly (tests, benchmarks); the
// subscription in Options delivers its own.
type UpdatesMsg []exchange.Update

// drainedMsg is one drain of the subscription.
type drainedMsg struct {
	updates []exchange.Update
	dropped exchange.Dropped
	at      time.Time
}

// tickMsg redraws the running time of requests still in flight.
type tickMsg struct{}

// Model is the inspector's root model: it holds the components and
// routes messages and keys to them.
type Model struct {
	c        *common
	state    state
	paneBack state // where the screen returns to when the replays' pane closes
	list     *listModel
	detail   *detailModel
	status   *statusBar
	logs     *logPane
	helpPage *helpPage
	input    inputLine

	debug   *debugger   // held requests, breakpoints, the environ editor
	pdb     *pdbConsole // the app's pdb sessions
	replays *replays    // replays, pins, and the pane of their answers
	save    *saver      // the prompt that writes requests to a capture file

	asking   *question // a question on the status line waits for y or n (confirm.go)
	showLog  bool
	ticking  bool
	helpView string // the help bar, rendered in sync
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
	styles := theme(newRenderer(opts.NoColor))
	if opts.NoColor {
		styles.monochrome()
	}
	c := &common{
		styles:  styles,
		keys:    DefaultKeyMap(),
		now:     time.Now,
		store:   newStore(opts.Keep),
		opts:    opts,
		done:    make(chan struct{}),
		explain: opts.ExplainOn && opts.Explain != nil,
	}
	_, c.canStep = opts.Control.(StepControl)
	m := Model{
		c:        c,
		list:     newListModel(c),
		detail:   newDetailModel(c),
		status:   newStatusBar(c),
		logs:     newLogPane(c),
		helpPage: newHelpPage(c),
		input:    newInputLine(c),

		debug:   newDebugger(c, opts.Control),
		pdb:     newPdbConsole(c, opts.Control),
		replays: newReplays(c, opts.Control),
		save:    newSaver(c),
	}
	m.load(opts.Loaded, opts.Notes)
	m.sync()
	return m
}

// load puts the exchanges of a file in the list, and notes about reading
// it in the log pane.
func (m *Model) load(exs []*exchange.Exchange, notes []string) {
	if len(exs) > 0 {
		updates := make([]exchange.Update, len(exs))
		for i, ex := range exs {
			updates[i] = exchange.Update{Done: ex}
		}
		m.ingest(updates)
	}
	for _, n := range notes {
		m.logs.note(m.c.now(), n)
	}
	if len(notes) > 0 {
		m.status.say(plural(len(notes), "problem", "problems")+" reading the file: L shows them", true)
	}
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
		m.status.lost += msg.dropped.Other
		m.status.lostOutput += msg.dropped.Output
		cmd = tea.Batch(m.ingest(msg.updates), m.wait(msg.at, len(msg.updates)))
		if note := m.status.caughtUp(m.c.store.live); note != "" {
			m.logs.note(msg.at, note)
		}
	case UpdatesMsg:
		cmd = m.ingest(msg)
	case tickMsg:
		m.ticking = false
		cmd = m.tick()
	case tea.KeyMsg:
		cmd = m.keys(msg)
	case tea.MouseMsg:
		m.mouse(msg)
	case debugResultMsg:
		m.debug.Update(msg)
	case consoleSentMsg:
		m.pdb.Update(msg)
	case quitMsg:
		cmd = m.quit()
	case savedMsg:
		m.save.Update(msg)
	default:
		_, cmd = m.replays.Update(msg)
	}
	m.route()
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
			if cmd != nil {
				cmds = append(cmds, cmd)
			}
		case u.PostMortem != nil:
			m.pdb.ingestPostMortem(u.PostMortem, m.c.store)
		default:
			m.status.apply(u)
			m.logs.apply(u)
			reloaded = reloaded || (u.Reload != nil && u.Reload.OK)
		}
	}
	m.c.store.finish(&b)
	m.list.ingested(b)
	if reloaded {
		cmds = append(cmds, m.replays.runPins())
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
