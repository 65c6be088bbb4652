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
}

// Failure says why a call did not end well.
type Failure struct {
	Kind      string `json:"kind"` // FailException, FailWSGI, FailCancelled, FailChildExit
	Rule      string `json:"rule,omitempty"`
	Message   string `json:"message"`
	Traceback string `json:"traceback,omitempty"`
	AfterBody bool   `json:"after_body,omitempty"` // body bytes already went out
	// NoIterable: the app raised (or was stopped) before it returned an
	// iterable, so there was nothing to iterate or close.
	NoIterable bool `json:"no_iterable,omitempty"`
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
}

// LoadError is an app that could not be imported: a save can fix it, so the
// server stays up and shows it on every request.
type LoadError struct {
	Kind      string   `json:"kind"` // SyntaxError, ImportError, LoadFailure, …
	Message   string   `json:"message"`
	Traceback string   `json:"traceback"`
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Modules   []string `json:"modules"`
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("the app failed to import: %s: %s", e.Kind, e.Message)
}

// Output is a line the child printed outside any request.
type Output struct {
	Stream byte // StreamStdout or StreamStderr
	Line   string
}
