package inspector

// Saving to a capture file: w asks for a file name (a new one is offered),
// tab switches between the request at hand and every request the list
// shows, and a file that exists is replaced only when the user says so.
// The writing itself is package main's (Options.Save), in the capture
// format export and replay read.

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// SaveKeyMap is the keys of saving to a capture file.
type SaveKeyMap struct {
	Write   key.Binding // open the prompt
	Scope   key.Binding // the request at hand, or all shown
	Confirm key.Binding // write
	Cancel  key.Binding // close the prompt, writing nothing
	Replace key.Binding // replace a file that exists
}

// DefaultSaveKeyMap returns the keys of saving.
func DefaultSaveKeyMap() SaveKeyMap {
	return SaveKeyMap{
		Write:   key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "write to a capture file")),
		Scope:   key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "this one / all shown")),
		Confirm: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		Replace: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "replace it")),
	}
}

// saveStep is where saving stands.
type saveStep int

const (
	saveIdle       saveStep = iota
	saveNaming              // the file name is typed
	saveConfirming          // the file exists: replace it?
)

// saver is the prompt that writes requests to a capture file.
type saver struct {
	c      *common
	write  func(path string, exs []*exchange.Exchange, replace bool) error // nil: saving is off
	step   saveStep
	all    bool // every request the list shows, not just the one at hand
	target *row // the request at hand: the list's selection or the detail's
	line   textinput.Model
}

// savedMsg is a write's outcome.
type savedMsg struct {
	path    string
	n, left int // requests written, and left out (still running)
	exist   bool
	err     error
}

func newSaver(c *common) *saver {
	return &saver{c: c, write: c.opts.Save, line: newLineInput(c, "write to: ")}
}

func (s *saver) Init() tea.Cmd        { return nil }
func (s *saver) SetSize(width, _ int) {}
func (s *saver) focused() bool        { return s.step != saveIdle }
func (s *saver) setTarget(r *row)     { s.target = r }
func (s *saver) can() bool            { return s.write != nil && (s.target != nil || s.c.store.len() > 0) }
func (s *saver) defaultName() string {
	return "wsgidev-" + s.c.now().Format("20060102-150405") + ".jsonl"
}
func (s *saver) handles(m tea.KeyMsg) bool { return s.focused() || key.Matches(m, s.c.keys.Save.Write) }

func (s *saver) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return s, s.key(msg)
	case savedMsg:
		s.saved(msg)
	}
	return s, nil
}

func (s *saver) key(msg tea.KeyMsg) tea.Cmd {
	if s.step == saveNaming {
		if cmd, typed := typeLetters(&s.line, msg); typed { // a file named "tab" is typed, not a scope switched
			return cmd
		}
	}
	k, g := &s.c.keys.Save, &s.c.keys
	switch {
	case s.step == saveIdle:
		s.c.post(flashMsg{}) // what the last key said is over
		s.step, s.all = saveNaming, s.target == nil || s.target.live
		s.line.SetValue(s.defaultName())
		s.line.CursorEnd()
		s.line.Focus()
	case key.Matches(msg, g.Quit):
		return requestQuit // the root asks first while requests are in flight
	case s.step == saveConfirming && key.Matches(msg, k.Replace):
		return s.start(true)
	case s.step == saveConfirming:
		s.step = saveNaming // any other key keeps the file: choose another name
	case key.Matches(msg, k.Cancel):
		s.close()
	case key.Matches(msg, k.Scope):
		s.all = !s.all
	case key.Matches(msg, k.Confirm):
		return s.start(false)
	default:
		var cmd tea.Cmd
		s.line, cmd = s.line.Update(msg)
		return cmd
	}
	return nil
}

func (s *saver) close() {
	s.step = saveIdle
	s.line.Blur()
}

// start writes the chosen requests in a command; replace says the user
// agreed to replace the file.
func (s *saver) start(replace bool) tea.Cmd {
	path := strings.TrimSpace(s.line.Value())
	if path == "" {
		s.c.post(flashMsg{"give a file name to write to", true})
		return nil
	}
	exs, left := s.chosen()
	if len(exs) == 0 {
		what := "no request in the list has finished yet"
		if !s.all {
			what = fmt.Sprintf("#%d is still running: write it once it has finished (tab: all shown)", s.target.ex.ID)
		}
		s.c.post(flashMsg{what, true})
		return nil
	}
	s.close()
	write := s.write
	return func() tea.Msg {
		err := write(path, exs, replace)
		return savedMsg{path: path, n: len(exs), left: left, exist: errors.Is(err, fs.ErrExist), err: err}
	}
}

// chosen are the finished requests to write, and how many of those shown
// are left out because they are still running.
func (s *saver) chosen() (exs []*exchange.Exchange, left int) {
	if !s.all {
		if s.target != nil && !s.target.live {
			exs = append(exs, s.target.ex)
		}
		return exs, 0
	}
	store := s.c.store
	for i := range store.len() {
		if r := store.at(i); r.live {
			left++
		} else {
			exs = append(exs, r.ex)
		}
	}
	return exs, left
}

// saved says how the write went; a file that exists reopens the prompt,
// asking whether to replace it.
func (s *saver) saved(msg savedMsg) {
	switch {
	case msg.exist:
		s.step = saveConfirming
		s.line.SetValue(msg.path)
		s.line.Focus()
	case msg.err != nil:
		s.c.post(flashMsg{"could not write " + msg.path + ": " + msg.err.Error(), true})
	default:
		flash := "wrote " + plural(msg.n, "request", "requests") + " to " + msg.path
		if msg.left > 0 {
			flash += "; left out " + plural(msg.left, "still running", "still running")
		}
		where := msg.path
		if abs, err := filepath.Abs(msg.path); err == nil {
			where = abs
		}
		s.c.post(flashMsg{flash, false})
		s.c.post(noteMsg(strings.Replace(flash, msg.path, where+" (readable by you alone)", 1)))
	}
}

// scope names what is written: "#12" or "all 37 shown".
func (s *saver) scope() string {
	if s.all {
		return "all " + formatCount(s.c.store.len()) + " shown"
	}
	return fmt.Sprintf("#%d", s.target.ex.ID)
}

// View is the prompt's line, while it is open.
func (s *saver) View() string {
	st := &s.c.styles
	switch s.step {
	case saveNaming:
		s.line.Prompt = "write " + s.scope() + " to: "
		other := "all shown"
		if s.all && s.target != nil {
			other = fmt.Sprintf("#%d alone", s.target.ex.ID)
		}
		right := st.Dim.Render("tab: " + other + " · enter writes · esc cancels")
		return typedBeside(&s.line, right, s.c.width)
	case saveConfirming:
		text := sanitize(strings.TrimSpace(s.line.Value())) + " exists: y replaces it, any other key keeps it"
		return fit(st.Warn.Render(text), s.c.width)
	}
	return ""
}

func (s *saver) ShortHelp() []key.Binding {
	k, g := &s.c.keys.Save, &s.c.keys
	if s.step == saveConfirming {
		return []key.Binding{k.Replace, g.Quit}
	}
	return []key.Binding{k.Confirm, k.Scope, k.Cancel, g.Quit}
}

func (s *saver) FullHelp() [][]key.Binding { return [][]key.Binding{s.ShortHelp()} }
