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

// replays is the replay and pin keys and the pane their answers show in:
// a replay's diff against the original, the pins' latest diffs, a curl
// command, an edited request that does not parse. It asks the server
// through the Control and tells the rest of the inspector what it needs
// (a word on the status line, a line in the log, a row marked pinned, an
// exchange opened) in messages it posts for the root to route.
type replays struct {
	c      *common
	ctl    Control // nil: nothing to replay with
	why    string  // with no Control, why: the keys say it (Options.NoReplay)
	pins   *pins
	pane   *pane
	target *exchange.Exchange // the finished exchange the keys act on; nil: none
	drafts map[uint64]*draft  // edits that did not parse, by the ID of the request edited (editreq.go)
}

// ReplayKeyMap is the keys of replays and pins.
type ReplayKeyMap struct {
	Replay     key.Binding
	EditReplay key.Binding
	CopyCurl   key.Binding
	Pin        key.Binding
	PinDiffs   key.Binding
	OpenNew    key.Binding // in the pane: the replay's new exchange
}

// DefaultReplayKeyMap returns the keys of replays and pins.
func DefaultReplayKeyMap() ReplayKeyMap {
	return ReplayKeyMap{
		Replay:     key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "replay")),
		EditReplay: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit & replay")),
		CopyCurl:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy as curl")),
		Pin:        key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pin")),
		PinDiffs:   key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "pin diffs")),
		OpenNew:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open replay")),
	}
}

func newReplays(c *common, ctl Control) *replays {
	return &replays{c: c, ctl: ctl, why: c.opts.NoReplay, pins: &pins{}, pane: newPane(c), drafts: map[uint64]*draft{}}
}

// The messages replays posts for the root (common.post).
type (
	flashMsg struct { // the status line says text until the next key
		text string
		bad  bool
	}
	noteMsg string // a line in the log pane
	pinMsg  struct {
		id uint64
		on bool
	}
	showMsg uint64 // open this exchange in the detail view
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

func (r *replays) Init() tea.Cmd             { return nil }
func (r *replays) SetSize(width, height int) { r.pane.SetSize(width, height) }
func (r *replays) View() string              { return r.pane.View() }

// setTarget says which request the keys act on: the list's selection or
// the request the detail view shows, once finished; nil otherwise.
func (r *replays) setTarget(row *row) {
	r.target = nil
	if row != nil && !row.live {
		r.target = row.ex
	}
}

// paneOpen is true while the pane has the screen.
func (r *replays) paneOpen() bool { return r.pane.open }

// closePane gives the screen back (the root opened the exchange asked for).
func (r *replays) closePane() { r.pane.open = false }

// handles reports whether msg is one of the replay keys that apply now.
func (r *replays) handles(msg tea.KeyMsg) bool {
	k := &r.c.keys.Replay
	return key.Matches(msg, k.Replay, k.EditReplay, k.CopyCurl, k.Pin, k.PinDiffs)
}

func (r *replays) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return r, r.key(msg)
	case tea.MouseMsg:
		r.pane.Update(msg)
	case replayedMsg:
		r.showReplay(msg)
	case copiedMsg:
		if msg.err != nil {
			r.c.post(flashMsg{"could not copy to the clipboard (" + msg.err.Error() + "): select the command on screen", true})
		} else {
			r.c.post(flashMsg{fmt.Sprintf("copied the curl command for #%d to the clipboard", msg.id), false})
		}
		r.open(fmt.Sprintf("curl command for #%d", msg.id), []paneLine{{msg.cmd, lineCommand}}, 0)
	case editedMsg:
		return r, r.edited(msg)
	case pinsRanMsg:
		return r, r.pinsRan(msg)
	}
	return r, nil
}

func (r *replays) key(msg tea.KeyMsg) tea.Cmd {
	k, g := &r.c.keys.Replay, &r.c.keys
	ex := r.target
	switch {
	case r.ctl == nil && key.Matches(msg, k.Replay, k.EditReplay, k.CopyCurl, k.Pin):
		r.c.post(flashMsg{r.why, true})
	case key.Matches(msg, k.PinDiffs):
		r.open(pinsTitle(r.pins), r.pins.diffLines(), 0)
		r.pane.pins = true
	case key.Matches(msg, k.Replay):
		return r.replay(ex, ex, false)
	case key.Matches(msg, k.EditReplay) && r.pane.open && r.pane.draft != nil:
		return r.edit(r.pane.draft) // from the pane that shows the edit that failed
	case key.Matches(msg, k.EditReplay):
		return r.edit(ex)
	case key.Matches(msg, k.CopyCurl):
		return r.copyCurl(ex)
	case key.Matches(msg, k.Pin):
		on := r.pins.toggle(ex)
		if on {
			r.c.post(flashMsg{fmt.Sprintf("pinned #%d: replayed after every reload", ex.ID), false})
		} else {
			r.c.post(flashMsg{fmt.Sprintf("unpinned #%d", ex.ID), false})
		}
		r.c.post(pinMsg{ex.ID, on})
	case key.Matches(msg, g.Back):
		r.pane.open = false
	case key.Matches(msg, k.OpenNew):
		r.c.post(showMsg(r.pane.newID))
	default:
		r.pane.Update(msg)
	}
	return nil
}

// replay sends req again as a replay of orig, compared with orig's answer.
func (r *replays) replay(orig, req *exchange.Exchange, edited bool) tea.Cmd {
	ctl := r.ctl
	r.c.post(flashMsg{fmt.Sprintf("replaying #%d…", orig.ID), false})
	return func() tea.Msg {
		res := ctl.Replay(exchange.ReplayRequest{Request: req, Of: orig.ID, Against: orig})
		return replayedMsg{orig: orig, edited: edited, res: res}
	}
}

func (r *replays) copyCurl(ex *exchange.Exchange) tea.Cmd {
	ctl, clip := r.ctl, r.c.opts.Clipboard
	return func() tea.Msg {
		cmd := ctl.Curl(ex)
		err := errors.New("no clipboard to copy to")
		if clip != nil {
			err = clip(cmd)
		}
		return copiedMsg{id: ex.ID, cmd: cmd, err: err}
	}
}

func (r *replays) showReplay(msg replayedMsg) {
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
	r.c.post(flashMsg{fmt.Sprintf("%s of #%d: %s", what, orig.ID, outcome), res.Err != ""})
	r.c.post(noteMsg(fmt.Sprintf("%s of #%d: %s", what, orig.ID, outcome)))
	lines := []paneLine{{fmt.Sprintf("compared with #%d's answer (%d)", orig.ID, orig.Status), lineDim}}
	if msg.edited && res.New != nil {
		lines = append(lines, paneLine{fmt.Sprintf("sent as edited: %s %s", res.New.Method, res.New.Target), lineDim})
	}
	r.open(title, append(lines, resultLines(res)...), newID)
}

// open shows the pane; esc gives the screen back.
func (r *replays) open(title string, lines []paneLine, newID uint64) {
	r.pane.show(title, lines, newID)
	r.pane.pins, r.pane.draft = false, nil
}

// sync enables the keys; free is true when the list or the detail view
// has the keyboard, inPane when the pane has it.
func (r *replays) sync(free, inPane bool) {
	k := &r.c.keys.Replay
	can := free && (r.ctl != nil || r.why != "") && r.target != nil
	for _, b := range []*key.Binding{&k.Replay, &k.EditReplay, &k.CopyCurl, &k.Pin} {
		b.SetEnabled(can)
	}
	if inPane && r.pane.draft != nil {
		k.EditReplay.SetEnabled(true)
		k.EditReplay.SetHelp("e", "edit again")
	} else {
		k.EditReplay.SetHelp("e", "edit & replay")
	}
	if r.target != nil && r.pins.has(r.target.ID) {
		k.Pin.SetHelp("p", "unpin")
	} else {
		k.Pin.SetHelp("p", "pin")
	}
	k.PinDiffs.SetEnabled((free || inPane) && r.ctl != nil) // with no pins it says what they are
	k.OpenNew.SetEnabled(inPane && r.pane.newID != 0)
}

// ShortHelp is the pane's keys; the list and the detail view show the
// replay keys in their own help.
func (r *replays) ShortHelp() []key.Binding { return r.pane.ShortHelp() }

func (r *replays) FullHelp() [][]key.Binding { return r.pane.FullHelp() }

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
