package exchange

import "sync"

// Update is one message from the hub: exactly one field is set.
type Update struct {
	Started *Exchange   // a request arrived: request fields only, still being filled
	Event   *EventOf    // a step of a running exchange
	Done    *Exchange   // finished and read-only
	Output  *Output     // the app printed outside a request
	Child   *ChildState // the child started, loaded, failed or exited
	Reload  *Reload     // the app was restarted after a change
	Notice  *Notice     // wsgidev says something

	PostMortem *PostMortem // a post-mortem pdb session's output, prompt or end
}

// EventOf is an event of the exchange with this ID. Watchers of a running
// exchange get what Done would give them later: the environ with the
// environ event, and the captured bytes of each chunk (none once the body
// passed its capture cap). Both are shared and read-only.
type EventOf struct {
	ID      uint64
	Event   Event
	Environ []EnvVar  // with EventEnviron, EventHeld before the app and EventEnvironEdit
	Edits   []EnvEdit // with EventEnvironEdit: every edit so far
	Data    []byte    // with EventChunk and EventWrite
}

// essential updates are never dropped: losing one would lose a request or a
// state change, not just detail. A debugger step is one: a UI that missed
// it would show a request stopped where it no longer is. So is a read of
// stdin: an app waiting for a line would wait for ever if nobody heard it ask.
func (u Update) essential() bool {
	if u.Event != nil {
		switch u.Event.Event.Kind {
		case EventHeld, EventEnvironEdit, EventDebug, EventInput:
			return true
		}
	}
	return u.Done != nil || u.Child != nil || u.Reload != nil || u.Notice != nil || u.PostMortem != nil
}

// Hub fans updates out to subscribers without ever blocking the publisher
// (the request path). A subscriber that falls behind loses detail updates
// (Started, Event, Output) first; essential ones are kept up to a high
// bound, beyond which the oldest are dropped and counted.
type Hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// NewHub returns a hub with no subscribers.
func NewHub() *Hub { return &Hub{subs: map[*Subscription]struct{}{}} }

// Subscription is one subscriber's mailbox.
type Subscription struct {
	hub  *Hub
	wake chan struct{}

	mu      sync.Mutex
	queue   []Update
	lent    []Update // what Drain returned last: the caller's until its next Drain
	clean   []Update // an emptied array for the next queue
	detail  int      // detail updates in queue
	dropped Dropped
}

// Dropped counts the updates a subscriber lost by falling behind, so it
// can say so: lines of the app's output (Output, and the log events of
// requests) apart from the rest.
type Dropped struct {
	Output int // app output: Output updates and EventLog events
	Other  int
}

// Total is every update dropped.
func (d Dropped) Total() int { return d.Output + d.Other }

func (d *Dropped) count(u Update) {
	if u.Output != nil || (u.Event != nil && u.Event.Event.Kind == EventLog) {
		d.Output++
	} else {
		d.Other++
	}
}

const (
	maxDetail    = 4096
	maxEssential = 1 << 16
)

// Subscribe adds a subscriber; Wake tells it when to Drain.
func (h *Hub) Subscribe() *Subscription {
	s := &Subscription{hub: h, wake: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Publish hands u to every subscriber. It never blocks on them.
func (h *Hub) Publish(u Update) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.offer(u)
	}
}

func (s *Subscription) offer(u Update) {
	s.mu.Lock()
	switch {
	case !u.essential() && s.detail >= maxDetail:
		s.dropped.count(u)
	case len(s.queue)-s.detail >= maxEssential && u.essential():
		s.dropOldestEssential()
		s.queue = append(s.queue, u)
	default:
		if !u.essential() {
			s.detail++
		}
		s.queue = append(s.queue, u)
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Subscription) dropOldestEssential() {
	for i, u := range s.queue {
		if u.essential() {
			s.queue = append(s.queue[:i], s.queue[i+1:]...)
			s.dropped.count(u)
			return
		}
	}
}

// Wake receives a token whenever updates are waiting.
func (s *Subscription) Wake() <-chan struct{} { return s.wake }

// Drain returns the waiting updates in order, and what was dropped since
// the last Drain. The slice is the caller's until its next Drain, which
// reuses its array (a busy server would otherwise grow a new queue, and
// the garbage collector collect it, every drain).
func (s *Subscription) Drain() (updates []Update, dropped Dropped) {
	s.mu.Lock()
	updates, dropped = s.queue, s.dropped
	s.queue, s.clean, s.detail, s.dropped = s.clean, nil, 0, Dropped{}
	done := s.lent
	s.lent = updates
	s.mu.Unlock()
	// The caller is done with the last drain's array: empty it, so what
	// it pointed to can go, outside the lock publishers take.
	clear(done)
	s.mu.Lock()
	s.clean = done[:0]
	s.mu.Unlock()
	return updates, dropped
}

// Close removes the subscriber from its hub.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	delete(s.hub.subs, s)
	s.hub.mu.Unlock()
}
