package inspector

import "github.com/charmbracelet/bubbles/key"

// KeyMap is every key the inspector answers to. Help is generated from it,
// and bindings that do not apply in the current state are disabled, so the
// help bar never offers a key that does nothing.
type KeyMap struct {
	// Moving through the list or a detail tab.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	HalfUp   key.Binding
	HalfDown key.Binding
	Top      key.Binding
	Bottom   key.Binding

	// The request list.
	Open        key.Binding
	Filter      key.Binding // also "search" in the detail view
	ClearFilter key.Binding
	Clear       key.Binding

	// The detail view.
	Back        key.Binding
	NextTab     key.Binding
	PrevTab     key.Binding
	GotoTab     key.Binding
	NextRequest key.Binding
	PrevRequest key.Binding
	BodyView    key.Binding

	// Issue 16's: the Timeline tab written out as the WSGI call
	// (callview.go); in explain mode Up and Down pick the entry whose
	// whole text shows (explain_select.go).
	CallView key.Binding

	// Replays and pins, and the pane that shows their answers (replay.go).
	Replay ReplayKeyMap

	// While typing a filter or search.
	Accept key.Binding
	Cancel key.Binding

	// Everywhere.
	ToggleLog key.Binding
	Explain   key.Binding
	Reload    key.Binding
	Help      key.Binding
	Quit      key.Binding

	// The debugger's, the environ editor's among them (debugger.go).
	Debug DebugKeyMap

	// The pdb console's (pdbconsole.go).
	Console ConsoleKeyMap

	// Answering a question on the status line (confirm.go).
	Yes key.Binding
	No  key.Binding

	// Content views and search in a body (find.go), saving (save.go).
	Body BodyKeyMap
	Save SaveKeyMap
}

// DefaultKeyMap returns the inspector's keys: vim and arrows.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "f", " "), key.WithHelp("pgdn/f", "page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u", "u"), key.WithHelp("ctrl+u", "½ page up")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "½ page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "last (follow)")),

		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		Clear:       key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "clear list")),

		Back:        key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
		NextTab:     key.NewBinding(key.WithKeys("tab", "l", "right"), key.WithHelp("tab", "next tab")),
		PrevTab:     key.NewBinding(key.WithKeys("shift+tab", "h", "left"), key.WithHelp("⇧tab", "prev tab")),
		GotoTab:     key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8"), key.WithHelp("1-8", "go to tab")),
		NextRequest: key.NewBinding(key.WithKeys("J", "ctrl+n"), key.WithHelp("J", "next request")),
		PrevRequest: key.NewBinding(key.WithKeys("K", "ctrl+p"), key.WithHelp("K", "prev request")),
		BodyView:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "body view")),

		CallView: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "call as Python")),

		Replay: DefaultReplayKeyMap(),

		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),

		ToggleLog: key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "log pane")),
		Explain:   key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "explain")),
		Reload:    key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "reload app")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		Debug: DefaultDebugKeyMap(),

		Console: DefaultConsoleKeyMap(),

		Yes: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		No:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n", "no")),

		Body: DefaultBodyKeyMap(),
		Save: DefaultSaveKeyMap(),
	}
}

// keyState is what decides which bindings apply.
type keyState struct {
	state      state
	typing     bool // the filter or search line, the W line, the environ editor or the pdb console has the keyboard
	filtering  bool // a list filter is applied
	searching  bool // a detail search is applied
	rows       bool // the list has rows
	canReload  bool // a Control was given
	canExplain bool // explain texts were given
	explaining bool // explain mode is on
	bodyViewOK bool // the detail tab shows a body
	callShown  bool // the Timeline tab shows the call as Python
	selecting  bool // explain mode's Up and Down pick an entry
	fullHelp   bool // the help page is open
	asking     bool // a question waits for y or n (confirm.go)
	typingFind bool // of what is typed, the filter or the search: esc clears it

	reloadWaits bool // a reload waits for held requests: R releases them

	// Content views, search in a body, saving.
	matches  int  // the search's matches in a detail tab that finds
	parts    int  // the parts the tab's multipart body lists, or steps through when one is open
	partOpen bool // a part of a multipart body is open
	canSave  bool // there is something to save, and a way to
}

// apply enables exactly the bindings that do something in ks.
func (k *KeyMap) apply(ks keyState) {
	list := ks.state == stateList && !ks.typing
	detail := ks.state == stateDetail && !ks.typing
	inPane := ks.state == statePane && !ks.typing
	moving := list || detail || inPane
	for _, b := range []*key.Binding{&k.Up, &k.Down, &k.PageUp, &k.PageDown, &k.HalfUp, &k.HalfDown, &k.Top, &k.Bottom} {
		b.SetEnabled(moving)
	}
	if detail || inPane {
		k.Top.SetHelp("g/home", "top")
		k.Bottom.SetHelp("G/end", "bottom")
	} else {
		k.Top.SetHelp("g/home", "first")
		k.Bottom.SetHelp("G/end", "last (follow)")
	}
	k.Open.SetEnabled(list && ks.rows)
	k.Filter.SetEnabled(list || detail)
	if detail {
		k.Filter.SetHelp("/", "search")
	} else {
		k.Filter.SetHelp("/", "filter")
	}
	k.ClearFilter.SetEnabled((list && ks.filtering) || (detail && ks.searching))
	if detail {
		k.ClearFilter.SetHelp("esc", "clear search")
	} else {
		k.ClearFilter.SetHelp("esc", "clear filter")
	}
	k.Clear.SetEnabled(list && ks.rows)

	k.applyBack(ks, detail || inPane)
	for _, b := range []*key.Binding{&k.NextTab, &k.PrevTab, &k.GotoTab, &k.NextRequest, &k.PrevRequest} {
		b.SetEnabled(detail)
	}
	k.BodyView.SetEnabled(detail && ks.bodyViewOK)
	k.applyLessons(ks, detail)

	k.Accept.SetEnabled(ks.typing)
	k.Cancel.SetEnabled(ks.typing)
	if ks.typingFind {
		k.Cancel.SetHelp("esc", "clear")
	} else {
		k.Cancel.SetHelp("esc", "cancel")
	}
	k.applyAnywhere(ks, detail || list)
	k.applyBody(ks, list, detail)
	k.Yes.SetEnabled(ks.asking)
	k.No.SetEnabled(ks.asking)
}

// applyBack makes q and esc go back one level, as in mitmproxy and less:
// from a request's tabs, a pane or the help page to where it was opened;
// only the list quits on q. While a search is applied, esc clears it
// first and q still goes back.
func (k *KeyMap) applyBack(ks keyState, deeper bool) {
	back := !ks.typing && (deeper || ks.fullHelp)
	k.Back.SetEnabled(back)
	switch {
	case ks.fullHelp:
		k.Back.SetKeys("q", "esc")
		k.Back.SetHelp("q/esc", "close help")
	case ks.state == stateDetail && ks.searching:
		k.Back.SetKeys("q")
		k.Back.SetHelp("q", "back")
	default:
		k.Back.SetKeys("q", "esc", "backspace")
		k.Back.SetHelp("q/esc", "back")
	}
}

// applyBody enables the keys of content views, search in a body and
// saving; q and esc close an open part before they go back.
func (k *KeyMap) applyBody(ks keyState, list, detail bool) {
	b := &k.Body
	b.NextMatch.SetEnabled(detail && ks.matches > 0)
	b.PrevMatch.SetEnabled(detail && ks.matches > 0)
	b.NextPart.SetEnabled(detail && ks.parts > 1)
	b.PrevPart.SetEnabled(detail && ks.parts > 1)
	b.OpenPart.SetEnabled(detail && ks.parts > 0 && !ks.partOpen)
	// An open part is a level of its own: q and esc go back to the
	// parts first (esc clears a search before that, as Back does).
	b.ClosePart.SetEnabled(detail && ks.partOpen)
	if ks.searching {
		b.ClosePart.SetKeys("q")
		b.ClosePart.SetHelp("q", "back to the parts")
	} else {
		b.ClosePart.SetKeys("q", "esc", "backspace")
		b.ClosePart.SetHelp("q/esc", "back to the parts")
	}
	if detail && ks.partOpen {
		k.Back.SetEnabled(false)
	}
	k.Save.Write.SetEnabled((list || detail) && ks.canSave)
}

// applyLessons enables issue 16's keys and says what Up and Down do.
func (k *KeyMap) applyLessons(ks keyState, detail bool) {
	k.CallView.SetEnabled(detail) // from another tab it opens the Timeline on the call
	if ks.callShown {
		k.CallView.SetHelp("t", "timeline")
	} else {
		k.CallView.SetHelp("t", "call as Python")
	}
	if detail && ks.selecting {
		k.Up.SetHelp("↑/k", "prev text")
		k.Down.SetHelp("↓/j", "next text")
	} else {
		k.Up.SetHelp("↑/k", "up")
		k.Down.SetHelp("↓/j", "down")
	}
}

// applyAnywhere enables the keys that work from the list, the detail
// view and the pane alike; screen is true on the list or the detail view.
func (k *KeyMap) applyAnywhere(ks keyState, screen bool) {
	k.ToggleLog.SetEnabled(!ks.typing)
	k.Explain.SetEnabled(screen && ks.canExplain)
	if ks.explaining {
		k.Explain.SetHelp("X", "explain off")
	} else {
		k.Explain.SetHelp("X", "explain")
	}
	k.Reload.SetEnabled(!ks.typing && ks.canReload)
	if ks.reloadWaits {
		k.Reload.SetHelp("R", "release held, reload")
	} else {
		k.Reload.SetHelp("R", "reload app")
	}
	k.Help.SetEnabled(!ks.typing)
	if ks.fullHelp {
		k.Help.SetHelp("?", "close help")
	} else {
		k.Help.SetHelp("?", "help")
	}
	// ctrl+c quits from anywhere (in the pdb console it interrupts the
	// app); q quits from the list, and elsewhere goes back (applyBack).
	k.Quit.SetEnabled(true)
	if ks.typing || ks.fullHelp || ks.state != stateList {
		k.Quit.SetKeys("ctrl+c")
		k.Quit.SetHelp("ctrl+c", "quit")
	} else {
		k.Quit.SetKeys("q", "ctrl+c")
		k.Quit.SetHelp("q", "quit")
	}
}
