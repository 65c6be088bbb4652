package exchange

import "time"

// LayerCall is one layer of the app's stack as the exchange passed through
// it: the app wsgidev calls, the middleware it holds, down to the
// application (Exchange.Layers, in the order entered). Its changes are what
// it did against the layer it called (the next one whose Parent is this
// one's index): the environ it passed down, the status and headers it
// passed up, the body iterable it returned. The application at the bottom
// changes nothing: it makes the response.
type LayerCall struct {
	Name  string `json:"name"`            // its class or function: "ProxyFix", "Flask 'app'"
	Where string `json:"where,omitempty"` // where its code is: "app.py:12"
	Via   string `json:"via,omitempty"`   // how the layer above holds it: "app", "wsgi_app", "mounts['/api']"
	// Parent is the index in Exchange.Layers of the layer that called
	// it; -1 for the app wsgidev called.
	Parent   int           `json:"parent"`
	Took     time.Duration `json:"took_ns"`            // in its call, the layers below included (not the body's iteration)
	Returned string        `json:"returned,omitempty"` // the type of what it returned
	Raised   string        `json:"raised,omitempty"`   // the type of the exception that left it

	Environ []EnvChange    `json:"environ,omitempty"`
	Status  *StatusChange  `json:"status,omitempty"`
	Headers []HeaderChange `json:"headers,omitempty"`
	NewBody bool           `json:"new_body,omitempty"` // it returned another iterable than the layer below's
}

// LayersPerSecond is how many requests a second a server records the
// layers of, beyond those it always records: debugged and replayed
// requests, and all of them while it captures (Exchange.LayersSkipped).
// Recording costs a hello world through three layers a fifth to a quarter of
// its throughput; at this rate a load test pays a few percent at most,
// and whatever a person sends by hand is recorded.
const LayersPerSecond = 100

// Ops of an EnvChange or a HeaderChange, the words of EnvEdit.
const (
	OpAdd    = "add"
	OpChange = "change"
	OpDelete = "delete"
)

// EnvChange is an environ key a layer added, changed or deleted before it
// called the next layer. A type is "str" for text (bytes as latin-1, as
// Environ holds them); for another object it names the type, and the
// value is its repr.
type EnvChange struct {
	Op      string `json:"op"`
	Key     string `json:"key"`
	Old     string `json:"old,omitempty"`
	OldType string `json:"old_type,omitempty"`
	New     string `json:"new,omitempty"`
	NewType string `json:"new_type,omitempty"`
}

// StatusChange is a status a layer replaced on its way out.
type StatusChange struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// HeaderChange is a response header a layer added, replaced or dropped on
// its way out.
type HeaderChange struct {
	Op   string `json:"op"`
	Name string `json:"name"`
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

// Returned is what app(environ, start_response) returned (EventReturned).
type Returned struct {
	Type  string        `json:"type"` // "list", "generator", "ClosingIterator"
	Repr  string        `json:"repr"` // short: "[b'Hello']", "<generator object app at 0x7f…>"
	Close bool          `json:"close"`
	Len   int           `json:"len"`     // len() of it; -1 when it has none
	Took  time.Duration `json:"took_ns"` // in the call, the iteration not included
}

// Depth is how many layers lie above layer i of layers.
func Depth(layers []LayerCall, i int) int {
	d := 0
	for p := layers[i].Parent; p >= 0 && p < i && d < len(layers); p = layers[p].Parent {
		d++
	}
	return d
}
