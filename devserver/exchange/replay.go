package exchange

// The inspector's replay keys and pins ask the server to send a request
// again; these are the plain data that cross between them.

// ReplayRequest is a request the inspector asks the server to send again.
type ReplayRequest struct {
	Request *Exchange // what to send: method, target, headers and body
	Of      uint64    // the exchange the new one is recorded as a replay of
	Against *Exchange // the answer to compare with
}

// ReplayResult is a replay's outcome, as plain data the inspector shows.
type ReplayResult struct {
	New     *Exchange // the new exchange as the server recorded it; nil when no answer came
	Err     string    // why no answer came
	Changed bool      // the answer differs from Against's (or none came)
	What    string    // what differs: "status, headers, body"
	Diff    []string  // the differences, a line each; a body's as a unified diff
	Notes   []string  // about what was sent or compared
}
