package inspector

// What the inspector is handed: its options, and the interfaces of the
// server and of the texts it may call on. Package main fills them; the
// inspector imports nothing of the server but the exchange model.

import "github.com/wsgidev/wsgidev/devserver/exchange"

// Options configure the inspector.
type Options struct {
	Updates  *exchange.Subscription // from hub.Subscribe(); the inspector drains it
	AppLabel string                 // e.g. "app.py → application"
	Python   string                 // e.g. "Python 3.11.7"
	URL      string                 // e.g. "http://127.0.0.1:8000/"
	Watching string                 // e.g. "app folder (*.py)", or "" when reload is off
	Keep     int                    // max exchanges held (default 10000); oldest dropped beyond
	NoColor  bool                   // NO_COLOR set
	Control  Control                // may be nil
	// Clipboard puts text on the terminal's clipboard; nil: Run writes an
	// OSC 52 sequence to the terminal, and a Model made by NewModel has none.
	Clipboard func(text string) error
	// Editor is the command that edits a request before it is replayed;
	// "": $VISUAL, then $EDITOR, then vi.
	Editor string

	Explain   Explainer // explain mode's texts; nil turns the mode off
	ExplainOn bool      // start with explain mode on (--explain)
	Large     bool      // the high-contrast theme for projectors (--large)

	// Save writes finished exchanges to a new capture file at path,
	// readable by its owner alone (the key 'w'). Without replace, a path
	// that exists is an error wrapping fs.ErrExist, and the inspector asks
	// before it replaces the file. nil: saving is off.
	Save func(path string, exs []*exchange.Exchange, replace bool) error

	// Loaded are finished exchanges the list starts with, in order, such
	// as those of a capture file (wsgidev inspect); their IDs, from 1 up,
	// must differ from each other and from the Updates'.
	Loaded []*exchange.Exchange
	// Notes are lines for the log pane at the start (problems reading a
	// capture file); the status line points at them.
	Notes []string
	// NoReplay says why there is nothing to replay with when Control is
	// nil; the replay keys then say it instead of doing nothing.
	NoReplay string
}

// DefaultKeep is how many exchanges are held when Options.Keep is 0.
const DefaultKeep = 10000

// Control is what the inspector may ask of the server. The inspector
// calls the blocking methods from commands, never from Update. A Control
// that is also a StepControl gives the debugger's keys (debugger.go), and
// one that is a ConsoleControl answers pdb in the app (pdbconsole.go).
type Control interface {
	Reload() // manual reload (the key 'R')
	// Replay sends a request to the app again and compares the answer;
	// it blocks until the answer is in or the replay failed.
	Replay(req exchange.ReplayRequest) exchange.ReplayResult
	// Curl is the request of ex as a curl command line for this server.
	Curl(ex *exchange.Exchange) string
}

// StepControl is what a Control offers when the server has a debugger:
// breakpoints, and stepping a held request through its call. A Control
// that is not one leaves the inspector without stepping keys. Each method
// returns at once; an error is for the user to read.
type StepControl interface {
	Break(expr string) error // add a breakpoint: the --break syntax ("next", "GET /api/*", …)
	ClearBreaks()
	Breaks() []string // the breakpoints set, as written
	Step(id uint64) error
	Continue(id uint64) error
	Abort(id uint64) error
	// EditEnviron sets key to value in the environ of a request held
	// before the app, or removes key.
	EditEnviron(id uint64, key, value string, remove bool) error
	// ReloadWaits is true while a reload waits for held requests; the
	// reload key then releases them.
	ReloadWaits() bool
}

// ConsoleControl is what a Control offers when the app's reads of
// sys.stdin (pdb's prompt, input()) can be answered: Input sends request
// id one line, or the end of input. Lines sent before the app asks wait
// for its next read.
type ConsoleControl interface {
	Input(id uint64, line string, eof bool) error
	// Interrupt is Ctrl-C for request id, whose app runs on after a pdb
	// command: the app stops where it runs and pdb's prompt comes back.
	Interrupt(id uint64) error
}

// Explanation is one text of explain mode: what an environ key (or a part
// of start_response or of the body iterable) means, where its value comes
// from, and the PEP 3333 section that says so.
type Explanation struct {
	Key     string // "PATH_INFO", or a topic such as "status" or "close"
	Means   string // what PEP 3333 says it is
	Origin  string // in words: "from the User-Agent request header", "set by the server"
	Section string // the PEP 3333 section's title, e.g. "environ Variables"
	Wsgidev string // how wsgidev fills it where the PEP leaves a choice; may be empty
}

// Explainer gives explain mode its texts. Package main fills it from the
// templates package, so the inspector imports nothing but the exchange
// model and the texts stay in one place for the error pages and the TUI.
type Explainer interface {
	// Environ explains one environ key; ok is false for keys it has no
	// text for.
	Environ(key string) (e Explanation, ok bool)
	// StartResponse explains start_response, its arguments and write(),
	// in teaching order; Key names each ("start_response", "status", …).
	StartResponse() []Explanation
	// Body explains the iterable the app returns and its close(), in
	// teaching order ("body", "iteration", "close", …).
	Body() []Explanation
	// Layers explains the layers of an app's stack ("server",
	// "middleware", "application") and each kind of change a layer makes
	// ("environ +", "environ wsgi.url_scheme", "header -", "body", …).
	Layers() []Explanation
}
