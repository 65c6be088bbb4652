package pyrunner

import (
	"fmt"
	"time"
)

// EventKind names what a call reported; see PROTOCOL.md for the frames.
type EventKind uint8

const (
	EventStart   EventKind = iota + 1 // a start_response call: Status, Headers
	EventExcInfo                      // the exc_info given to the next start_response: Text
	EventChunk                        // bytes from the app's iterable: Data
	EventWrite                        // bytes from the write() callable: Data
	EventLog                          // Text the app wrote to Stream during the call
	EventLint                         // a rule bent: Rule, Text
	EventDone                         // the call ended, close() called; Failure if it failed
	EventInput                        // the app reads sys.stdin (pdb's prompt): answer with Call.Input
	EventWait                         // every thread of the child is busy: the call waits for one (Text says how many wait)
	EventRun                          // the call got a thread after waiting
)

// Streams of EventLog.
const (
	StreamErrors byte = 'e' // wsgi.errors
	StreamStdout byte = 'o'
	StreamStderr byte = 'r'
	StreamStdin  byte = 'i' // a line sys.stdin read (a pdb command typed): a transcript shows it
)

// Event is one step of a call, in the order the app caused them.
type Event struct {
	Kind    EventKind
	At      time.Time
	Status  string
	Headers [][2]string
	Data    []byte
	Text    string
	Stream  byte
	Rule    string
	Failure *Failure
	// Result is what app(environ, start_response) returned, on the first
	// event after it returned: RESULT rides along rather than being an
	// event of its own, which would cost a wake-up of the consumer.
	Result *Result
	// Layers is what crossed each boundary between the app's layers
	// (layers.go), on EventDone.
	Layers []LayerCall
}

// Result is what app(environ, start_response) returned, as the child saw
// it before iterating it.
type Result struct {
	Type  string        // its type's name: "list", "generator", "ClosingIterator"
	Repr  string        // a short repr: "[b'Hello']", "<generator object app at 0x7f…>"
	Close bool          // it has close()
	Len   int           // len() of it; -1 when it has none
	Took  time.Duration // in the call, the iteration not included
	At    time.Time     // when it came
}

// Failure says why a call did not end well.
type Failure struct {
	Kind      string  `json:"kind"` // FailException, FailWSGI, FailCancelled, FailChildExit
	Rule      string  `json:"rule,omitempty"`
	Message   string  `json:"message"`
	Traceback string  `json:"traceback,omitempty"`
	Frames    []Frame `json:"frames,omitempty"`     // the traceback as data, outermost first
	AfterBody bool    `json:"after_body,omitempty"` // body bytes already went out
	// NoIterable: the app raised (or was stopped) before it returned an
	// iterable, so there was nothing to iterate or close.
	NoIterable bool `json:"no_iterable,omitempty"`
}

// Frame is one frame of a failure's traceback (PROTOCOL.md, DONE).
type Frame struct {
	File         string   `json:"file"`
	Line         int      `json:"line"`
	Function     string   `json:"function"`
	Library      bool     `json:"library"`       // the standard library's or site-packages' code, not the app's
	ContextStart int      `json:"context_start"` // the line number of Context[0]
	Context      []string `json:"context"`       // the source around Line
	Locals       []Local  `json:"locals"`
	LocalsLeft   int      `json:"locals_left"` // locals not sent: past the cap or the size budget
}

// Local is one local variable of a frame, as its repr (cut to a length).
type Local struct {
	Name string `json:"name"`
	Repr string `json:"repr"`
}

// Failure kinds.
const (
	FailException = "exception"  // the app raised
	FailWSGI      = "wsgi"       // the app broke a PEP 3333 rule (Rule names it)
	FailCancelled = "cancelled"  // the client went away
	FailChildExit = "child-exit" // the Python process ended mid-call
)

// Hello is what a child says about itself before importing the app.
type Hello struct {
	Protocol   int    `json:"protocol"`
	Python     string `json:"python"`
	Executable string `json:"executable"`
	PID        int    `json:"pid"`
}

// AppInfo says what the child imported.
type AppInfo struct {
	Module   string   `json:"module"`
	File     string   `json:"file"`
	Callable string   `json:"callable"` // how it was found: "app", "create_app()", …
	Repr     string   `json:"repr"`
	Path     []string `json:"path"`
	Modules  []string `json:"modules"` // source files to watch
	Libs     []string `json:"libs"`    // library modules it imported: what a warm template preloads
	Layers   []Layer  `json:"layers"`  // the WSGI callables it wraps, itself first (layers.go); none with Config.NoLayers
	Static   string   `json:"static"`  // the STATIC_URL a Django app serves (Config.DjangoStatic), or ""
}

// LoadError is an app that could not be imported, or whose module has no
// callable for the spec: a save can fix it, so the server stays up and
// shows it on every request. Only a LoadBadSpec cannot be fixed by a save.
type LoadError struct {
	Kind      string   `json:"kind"` // the exception's name (SyntaxError, ImportError, …), or a Load* kind
	Message   string   `json:"message"`
	Traceback string   `json:"traceback"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Modules   []string `json:"modules"`
	Module    string   `json:"module,omitempty"` // the module a ModuleNotFoundError could not find
	// Hint says what to do when the parent knows more than the child: for
	// a missing module, which Python ran the app and which others have it.
	Hint string `json:"-"`
}

// Load error kinds of wsgidev's own (_wsgidev_loader.py).
const (
	LoadNoApp   = "LoadFailure"  // imported, but no callable for the spec there (a name missing, not callable)
	LoadBadSpec = "AppSpecError" // the spec can never give one (not a name, or a call with non-literal arguments)
)

func (e *LoadError) Error() string {
	if e.NoApp() {
		return "no WSGI app: " + e.Message
	}
	return "the app failed to import: " + e.Summary()
}

// NoApp says the error is wsgidev's own, not an exception of the app's:
// the spec gave no callable (LoadNoApp, LoadBadSpec).
func (e *LoadError) NoApp() bool { return e.Kind == LoadNoApp || e.Kind == LoadBadSpec }

// Summary is the error in one line, its location said once:
// "SyntaxError: invalid syntax (/srv/app.py, line 13)".
func (e *LoadError) Summary() string {
	if e.NoApp() {
		return e.Message // wsgidev's own words; its kind is no Python exception
	}
	s := e.Kind + ": " + e.Message
	if e.File != "" && e.Line > 0 {
		s += fmt.Sprintf(" (%s, line %d)", e.File, e.Line)
	}
	return s
}

// Hint is something a framework hid from wsgidev, seen by the child while
// a call ran (PROTOCOL.md, HINT).
type Hint struct {
	Kind      string `json:"kind"`      // HintFlaskSwallowed
	Request   string `json:"request"`   // "GET /path"
	Status    string `json:"status"`    // what the app answered
	Exception string `json:"exception"` // "ZeroDivisionError: division by zero"
}

// HintFlaskSwallowed is a Flask app that answered an unhandled exception
// with its own page (no debug mode, PROPAGATE_EXCEPTIONS off).
const HintFlaskSwallowed = "flask-swallowed"

// Output is a line the child printed outside any request.
type Output struct {
	Stream byte // StreamStdout or StreamStderr
	Line   string
}
