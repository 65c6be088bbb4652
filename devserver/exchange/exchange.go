// Package exchange holds wsgidev's model of what happened: one request's
// whole story (an Exchange), the child's life and reloads, and the Hub that
// fans these out to the inspector, the access log and capture files, and
// the filter language that selects exchanges everywhere (filter.go). Plain
// data with JSON tags; it imports only the standard library.
package exchange

import "time"

// Exchange is one request's story, from the request line to close().
// While the request runs, only its handler goroutine touches it; once
// published as done it is read-only.
type Exchange struct {
	ID       uint64        `json:"id"`
	Start    time.Time     `json:"start"`
	Duration time.Duration `json:"duration_ns"`
	Remote   string        `json:"remote"`
	// ReplayOf is the ID of the exchange this one replays, when wsgidev
	// itself sent it (the inspector's replay keys and pins); the app sees
	// no mark of it.
	ReplayOf uint64 `json:"replay_of,omitempty"`
	// Static is the file wsgidev served itself from a --static folder:
	// the app never saw this request, and it has no environ.
	Static string `json:"static,omitempty"`

	// The request as it came over the wire. RawHead is its request line and
	// header lines byte for byte, up to and with the blank line that ends
	// them (case, order, spacing and repeats as sent); empty when the
	// exchange did not come over a connection (a replay, an imported file).
	RawHead        Body     `json:"raw_head"`
	Method         string   `json:"method"`
	Target         string   `json:"target"` // the request-target: path and query as sent
	Proto          string   `json:"proto"`
	RequestHeaders []Header `json:"request_headers"`
	RequestBody    Body     `json:"request_body"`

	// What the app saw: the CGI and HTTP_* keys in the order sent, then the
	// wsgi.* keys described by type.
	Environ []EnvVar `json:"environ"`
	// Edits made in the debugger before the app ran; Environ already has them.
	EnvironEdits []EnvEdit `json:"environ_edits,omitempty"`
	// Where the debugger holds the request while it runs (a Held* value);
	// "" when it is not held, and always in a finished exchange.
	Held string `json:"held,omitempty"`

	Events []Event `json:"events"` // in order, each with its offset from Start
	// Layers are the layers of the app's stack the request passed through,
	// with what each changed (layers.go); none when the app has one layer
	// or wsgidev runs with --no-layers.
	Layers []LayerCall `json:"layers,omitempty"`
	// LayersSkipped: the app has layers, but this request's were not
	// recorded: it came while more than LayersPerSecond were served.
	LayersSkipped bool `json:"layers_skipped,omitempty"`

	// The response as sent.
	Status          int      `json:"status"`
	ResponseHeaders []Header `json:"response_headers"`
	ResponseBody    Body     `json:"response_body"`

	Failure *Failure  `json:"failure,omitempty"`
	Lint    []Warning `json:"lint,omitempty"`
	Done    bool      `json:"done"`
}

// Header is one header line; order and repetition are kept.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// EnvVar is one environ key. Type is "str" for CGI values; for wsgi.*
// objects it names the type and Value describes it.
type EnvVar struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Type  string `json:"type"`
}

// EnvEdit is one change to the environ made in the debugger: Op is
// "change", "add" or "delete"; Old is empty for an add, New for a delete.
type EnvEdit struct {
	Op  string `json:"op"`
	Key string `json:"key"`
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
}

// Body is a captured body: the first Cap bytes at most, and the real size.
type Body struct {
	Data      []byte `json:"data,omitempty"`
	Size      int64  `json:"size"`
	Truncated bool   `json:"truncated,omitempty"` // Data stops at the capture cap
	// Unread is how much of a request body the app itself never read:
	// wsgidev read it after the app, so that the exchange (and a replay)
	// has what the client sent. Exchanges recorded before it existed hold
	// only what the app read, so 0 is right for them too.
	Unread int64 `json:"unread,omitempty"`
}

// Append records p, keeping at most limit bytes.
func (b *Body) Append(p []byte, limit int) {
	b.Size += int64(len(p))
	if room := limit - len(b.Data); room > 0 {
		b.Data = append(b.Data, p[:min(room, len(p))]...)
	}
	b.Truncated = int64(len(b.Data)) < b.Size
}

// Event kinds: the steps of a WSGI call.
const (
	EventEnviron       = "environ"        // environ built, the app is called
	EventStartResponse = "start_response" // Status, Headers (ExcInfo when given)
	EventChunk         = "chunk"          // Size bytes from the iterable
	EventWrite         = "write"          // Size bytes from write()
	EventLog           = "log"            // Text to Stream: wsgi.errors, stdout, stderr, or stdin (a line the app read)
	EventLint          = "lint"           // Rule, Text
	EventClose         = "close"          // the iterable was closed
	EventError         = "error"          // the call failed (Failure says how; a client that left is no error): see Exchange.Failure
	EventHeld          = "held"           // the debugger holds the request: Text is the position (Held*)
	EventDebug         = "debug"          // the user acted in the debugger: Text is step, continue, abort, released
	EventEnvironEdit   = "environ-edit"   // the environ was edited while held: Text summarises it
	EventInput         = "input"          // the app waits for a line of sys.stdin (pdb's prompt): see Server.Input
	EventWaitThread    = "wait-thread"    // every thread of the app was busy: the request waits for one (Text says how many wait)
	EventGotThread     = "got-thread"     // the request got a thread after waiting (Text says how long)
	EventReturned      = "returned"       // app(environ, start_response) returned: Returned
)

// Positions of a request held in the debugger (Exchange.Held, EventHeld).
const (
	HeldBeforeApp   = "before-app"           // the app has not been called; the environ can be edited
	HeldAfterStart  = "after-start-response" // start_response was called; nothing sent yet
	HeldBeforeChunk = "before-chunk"         // "before-chunk N": chunk N was produced and is not sent yet
	HeldRunning     = "running"              // stepped: the app runs to the next gate
)

// Event is one step, at Offset from the exchange's start.
type Event struct {
	Offset  time.Duration `json:"offset_ns"`
	Kind    string        `json:"kind"`
	Status  string        `json:"status,omitempty"`
	Headers []Header      `json:"headers,omitempty"`
	ExcInfo string        `json:"exc_info,omitempty"`
	Size    int           `json:"size,omitempty"`
	Stream  string        `json:"stream,omitempty"` // "wsgi.errors", "stdout", "stderr", "stdin"
	Text    string        `json:"text,omitempty"`
	Rule    string        `json:"rule,omitempty"`
	Failure FailureKind   `json:"failure,omitempty"` // EventError's kind
	// Returned is what the app returned, with EventReturned.
	Returned *Returned `json:"returned,omitempty"`
}

// Failure says why the exchange did not end well and what the client got.
type Failure struct {
	Kind      FailureKind `json:"kind"`
	Rule      string      `json:"rule,omitempty"`
	Message   string      `json:"message"`
	Traceback string      `json:"traceback,omitempty"`
	Frames    []Frame     `json:"frames,omitempty"` // the traceback as data, outermost first
	Cut       bool        `json:"cut,omitempty"`    // the connection was cut mid-body
}

// Frame is one frame of a failure's traceback: where, the source around
// the line, and the local variables as reprs.
type Frame struct {
	File         string   `json:"file"`
	Line         int      `json:"line"`
	Function     string   `json:"function"`
	Library      bool     `json:"library,omitempty"` // the standard library's or site-packages' code, not the app's
	ContextStart int      `json:"context_start,omitempty"`
	Context      []string `json:"context,omitempty"` // source lines from ContextStart
	Locals       []Local  `json:"locals,omitempty"`
	LocalsLeft   int      `json:"locals_left,omitempty"` // locals left out: past the cap or the size budget
}

// Local is one local variable of a frame, as its repr (cut to a length).
type Local struct {
	Name string `json:"name"`
	Repr string `json:"repr"`
}

// AppFrame is the app's frame nearest the error (the innermost frame not
// in a library), or the innermost frame if none is the app's; nil when
// there are no frames.
func (f *Failure) AppFrame() *Frame {
	for i := len(f.Frames) - 1; i >= 0; i-- {
		if !f.Frames[i].Library {
			return &f.Frames[i]
		}
	}
	if len(f.Frames) > 0 {
		return &f.Frames[len(f.Frames)-1]
	}
	return nil
}

// FailureKind names why an exchange failed.
type FailureKind string

// Failure kinds. The first four are the child's own (pyrunner's Fail*
// values, carried over as they are); the rest are decided by the server.
const (
	FailException   FailureKind = "exception"   // the app raised
	FailWSGI        FailureKind = "wsgi"        // the app broke a PEP 3333 rule (Rule names it)
	FailCancelled   FailureKind = "cancelled"   // the client went away
	FailChildExit   FailureKind = "child-exit"  // the Python process ended mid-call
	FailLoadError   FailureKind = "load-error"  // the app could not be imported
	FailUnavailable FailureKind = "unavailable" // no child could take the call
	FailAborted     FailureKind = "aborted"     // aborted in the debugger
	FailNotMounted  FailureKind = "not-mounted" // the path is outside --script-name
	FailBadRequest  FailureKind = "bad-request" // the request could not be turned into a call
)

// Warning is a WSGI rule bent but not broken.
type Warning struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Output is a line the app printed outside any request.
type Output struct {
	At     time.Time `json:"at"`
	Stream string    `json:"stream"` // "stdout" or "stderr"
	Line   string    `json:"line"`
}

// ChildState is a change in the child process's life.
type ChildState struct {
	At     time.Time `json:"at"`
	Kind   ChildKind `json:"kind"`
	PID    int       `json:"pid"`
	Note   string    `json:"note,omitempty"`
	Detail string    `json:"detail,omitempty"` // a traceback, for load errors
}

// ChildKind names a change in the child's life.
type ChildKind string

// Child kinds, as pyrunner's State* values.
const (
	ChildStarted   ChildKind = "started"
	ChildReady     ChildKind = "ready"
	ChildLoadError ChildKind = "load-error"
	ChildExited    ChildKind = "exited"
)

// Reload is one restart of the app after a change (or a manual reload).
type Reload struct {
	At     time.Time     `json:"at"`
	Files  []string      `json:"files,omitempty"` // empty for a manual reload
	Took   time.Duration `json:"took_ns"`         // from the start of the restart to the app imported
	OK     bool          `json:"ok"`
	Error  string        `json:"error,omitempty"`  // the import error's first line
	Detail string        `json:"detail,omitempty"` // its traceback
}

// Notice is a one-line message from wsgidev itself, such as the watcher
// falling back to polling.
type Notice struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}
