package inspector

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// replayedMsg is the answer to the replay or edit key.
type replayedMsg struct {
	orig   *exchange.Exchange
	edited bool
	res    exchange.ReplayResult
}

// copiedMsg is the answer to the copy key.
type copiedMsg struct {
	id  uint64
	cmd string
	err error
}

// selectedExchange is the finished exchange the replay keys act on: the
// one shown in the detail view, or the list's selection.
func (m *Model) selectedExchange() *exchange.Exchange {
	r := m.list.selected
	if m.state == stateDetail {
		r = m.detail.row
	}
	if r == nil || r.live || m.state == statePane {
		return nil
	}
	return r.ex
}

// replayKey reports whether msg is one of the keys this file answers.
func (m *Model) replayKey(msg tea.KeyMsg) bool {
	k := &m.c.keys
	return key.Matches(msg, k.Replay) || key.Matches(msg, k.EditReplay) || key.Matches(msg, k.CopyCurl) ||
		key.Matches(msg, k.Pin) || key.Matches(msg, k.PinDiffs)
}

func (m *Model) replayKeyCmd(msg tea.KeyMsg) tea.Cmd {
	k := &m.c.keys
	if key.Matches(msg, k.PinDiffs) {
		m.openPane(pinsTitle(m.c.pins), m.c.pins.diffLines(), 0)
		m.pane.pins = true
		return nil
	}
	ex := m.selectedExchange()
	if ex == nil {
		return nil
	}
	switch {
	case key.Matches(msg, k.Replay):
		return m.replay(ex, ex, false)
	case key.Matches(msg, k.EditReplay):
		return m.edit(ex)
	case key.Matches(msg, k.CopyCurl):
		return m.copyCurl(ex)
	default: // Pin
		on := m.c.pins.toggle(ex)
		if on {
			m.status.say(fmt.Sprintf("pinned #%d: replayed after every reload", ex.ID), false)
		} else {
			m.status.say(fmt.Sprintf("unpinned #%d", ex.ID), false)
		}
		if m.c.store.setPinned(ex.ID, on) {
			m.list.relocate()
		}
		return nil
	}
}

// replay sends req again as a replay of orig, compared with orig's answer.
func (m *Model) replay(orig, req *exchange.Exchange, edited bool) tea.Cmd {
	ctl := m.c.opts.Control
	m.status.say(fmt.Sprintf("replaying #%d…", orig.ID), false)
	return func() tea.Msg {
		res := ctl.Replay(exchange.ReplayRequest{Request: req, Of: orig.ID, Against: orig})
		return replayedMsg{orig: orig, edited: edited, res: res}
	}
}

func (m *Model) copyCurl(ex *exchange.Exchange) tea.Cmd {
	ctl, clip := m.c.opts.Control, m.c.opts.Clipboard
	return func() tea.Msg {
		cmd := ctl.Curl(ex)
		err := errors.New("no clipboard to copy to")
		if clip != nil {
			err = clip(cmd)
		}
		return copiedMsg{id: ex.ID, cmd: cmd, err: err}
	}
}

// replayUpdate takes the answers of the commands started here.
func (m *Model) replayUpdate(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case replayedMsg:
		m.showReplay(msg)
	case copiedMsg:
		title := fmt.Sprintf("curl command for #%d", msg.id)
		if msg.err != nil {
			m.status.say("could not copy to the clipboard ("+msg.err.Error()+"): select the command on screen", true)
		} else {
			m.status.say(fmt.Sprintf("copied the curl command for #%d to the clipboard", msg.id), false)
		}
		m.openPane(title, []paneLine{{msg.cmd, linePlain}}, 0)
	case editedMsg:
		return m.edited(msg)
	case pinsRanMsg:
		return m.pinsRan(msg)
	}
	return nil
}

func (m *Model) showReplay(msg replayedMsg) {
	orig, res := msg.orig, msg.res
	what := "replay"
	if msg.edited {
		what = "edited replay"
	}
	title := fmt.Sprintf("%s of #%d %s %s", what, orig.ID, orig.Method, orig.Target)
	var newID uint64
	outcome := "no answer"
	if res.New != nil {
		newID = res.New.ID
		title += fmt.Sprintf(" → #%d", newID)
		outcome = "same answer"
		if res.Changed {
			outcome = "differs: " + res.What
		}
	}
	if res.Err != "" {
		outcome = "failed: " + res.Err
	}
	m.status.say(fmt.Sprintf("%s of #%d: %s", what, orig.ID, outcome), res.Err != "")
	m.logs.note(m.c.now(), fmt.Sprintf("%s of #%d: %s", what, orig.ID, outcome))
	lines := []paneLine{{fmt.Sprintf("compared with #%d's answer (%d)", orig.ID, orig.Status), lineDim}}
	if msg.edited && res.New != nil {
		lines = append(lines, paneLine{fmt.Sprintf("sent as edited: %s %s", res.New.Method, res.New.Target), lineDim})
	}
	m.openPane(title, append(lines, resultLines(res)...), newID)
}

// openPane shows the pane; esc returns to where the user was.
func (m *Model) openPane(title string, lines []paneLine, newID uint64) {
	if m.input.active() {
		m.input.end() // what was typed stays applied, as with enter
	}
	if m.state != statePane {
		m.pane.back = m.state
	}
	m.pane.show(title, lines, newID)
	m.pane.pins = false
	m.state = statePane
}

func (m *Model) paneKey(msg tea.KeyMsg) {
	k := &m.c.keys
	switch {
	case key.Matches(msg, k.Back):
		m.state = m.pane.back
	case key.Matches(msg, k.OpenNew):
		r := m.c.store.byID[m.pane.newID]
		if r == nil {
			m.status.say(fmt.Sprintf("#%d is not in the list (cleared, filtered or not arrived yet)", m.pane.newID), true)
			return
		}
		if i, found := m.c.store.index(r); found {
			m.list.moveTo(i)
		}
		m.detail.show(r)
		m.state = stateDetail
	default:
		m.pane.Update(msg)
	}
}

// osc52Clipboard copies with the OSC 52 escape sequence, which terminals
// (and tmux with set-clipboard on) take as "set the clipboard", also over
// ssh. One write: the tty takes each write whole, so it does not cut into
// a frame the renderer writes at the same time.
func osc52Clipboard(out io.Writer) func(string) error {
	return func(text string) error {
		seq := osc52.New(text)
		if os.Getenv("TMUX") == "" && strings.HasPrefix(os.Getenv("TERM"), "screen") {
			seq = seq.Screen() // GNU screen passes it on only wrapped
		}
		_, err := io.WriteString(out, seq.String())
		return err
	}
}
