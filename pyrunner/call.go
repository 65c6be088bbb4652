package pyrunner

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

const (
	defaultWindow  = 1 << 20
	chunkOverhead  = 256     // PROTOCOL.md: the flow-control cost of a frame beyond its bytes
	maxBodyFrame   = 1 << 20 // the most request body sent in one BODY frame
	callFlagStep   = 1
	callFlagBody   = 2
	callFlagLayers = 4
)

// CallRequest is one WSGI call: the environ's CGI fields (all str on the
// Python side) and the request body, pulled as the app reads wsgi.input.
type CallRequest struct {
	Environ []string  // key, value, key, value…
	Body    io.Reader // nil when the request has no body
	Step    bool      // hold the call at each gate until Step is called
	// Layers records what crosses the app's layers during the call
	// (EventDone's Layers), when it has two or more: it costs a hello
	// world through three layers a fifth to a quarter of its throughput.
	Layers bool
}

// Call is a WSGI call running in the child. Its events arrive in order via
// Next; the frame reader never blocks on a slow consumer because the queue is
// bounded by the flow-control window instead.
type Call struct {
	id     uint32
	child  *child
	body   io.Reader
	window int

	postMortem bool // a pdb session on a kept traceback (postmortem.go), not a WSGI call

	mu        sync.Mutex
	queue     []Event
	wake      chan struct{} // a token when the queue gains events
	finished  bool          // EventDone queued
	cancel    sync.Once
	inputLeft int64       // request-body bytes the child fetched that the app never read
	result    *Result     // RESULT, until the next event carries it
	layers    []LayerCall // LAYERS, until EventDone carries it

	// Used only by the goroutine calling Next.
	owed    int // cost of chunks handed out but not yet credited
	pending int // cost of the chunk handed out by the previous Next
}

// Next returns the call's next event, after the previous one was dealt with
// (handing out the next event is what credits the previous chunk). When ctx
// ends, the call is cancelled and Next goes on returning events until
// EventDone, so close() is always seen.
func (c *Call) Next(ctx context.Context) (Event, error) {
	c.credit()
	done := ctx.Done()
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			ev := c.queue[0]
			c.queue[0] = Event{}
			c.queue = c.queue[1:]
			c.mu.Unlock()
			if ev.Kind == EventChunk || ev.Kind == EventWrite {
				c.pending = len(ev.Data) + chunkOverhead
			}
			return ev, nil
		}
		c.mu.Unlock()
		select {
		case <-c.wake:
		case <-done:
			c.Cancel()
			done = nil
		}
	}
}

// Buffered says whether another event is already waiting, so a writer can
// hold its flush until the burst is over.
func (c *Call) Buffered() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.queue) > 0
}

// Step releases the call from the gate it waits at (step mode only).
func (c *Call) Step() { c.child.send(frameStep, c.id, nil) }

// Input answers the app's read of sys.stdin (EventInput) with one line of
// text; a newline is added when missing. Input with eof set ends sys.stdin
// instead (pdb then quits).
func (c *Call) Input(line string, eof bool) { c.child.send(frameLine, c.id, lineFrame(line, eof)) }

// Interrupt stops the app where it runs and brings it back to pdb's
// prompt, as Ctrl-C does to pdb on a terminal (before Python 3.12: raises
// KeyboardInterrupt in its thread). For a call in a pdb session that runs
// on after a command; ignored while the app waits for a line.
func (c *Call) Interrupt() { c.child.send(frameInterrupt, c.id, nil) }

// lineFrame is a LINE frame's payload: the line with its newline, or empty for
// the end of input.
func lineFrame(line string, eof bool) []byte {
	if eof {
		return nil
	}
	if !strings.HasSuffix(line, "\n") {
		line += "\n"
	}
	return []byte(line)
}

// InputLeft is how many request-body bytes the child fetched for the
// app's wsgi.input (which reads ahead) that the app never read; final once
// EventDone has come.
func (c *Call) InputLeft() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.inputLeft
}

// Cancel stops the call: the app's iterable is closed and EventDone follows.
func (c *Call) Cancel() {
	c.cancel.Do(func() { c.child.send(frameCancel, c.id, nil) })
}

func (c *Call) credit() {
	c.owed += c.pending
	c.pending = 0
	if c.owed >= c.window/4 {
		c.child.send(frameCredit, c.id, binary.BigEndian.AppendUint32(nil, uint32(c.owed)))
		c.owed = 0
	}
}

func (c *Call) push(ev Event) {
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		return
	}
	c.finished = ev.Kind == EventDone
	if c.result != nil {
		ev.Result, c.result = c.result, nil
	}
	if c.finished {
		ev.Layers, c.layers = c.layers, nil
	}
	c.queue = append(c.queue, ev)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// receive turns a frame for this call into an event, or keeps what it
// says for one to come.
func (c *Call) receive(f frame, at time.Time) error {
	if kept, err := c.keep(f, at); kept || err != nil {
		return err
	}
	ev, err := c.event(f, at)
	if err != nil {
		return err
	}
	c.push(ev)
	return nil
}

// keep takes a frame that only adds to what the call knows, for a later
// event (RESULT, LAYERS, LEFT) or for the request body (READ); false for
// any other frame.
func (c *Call) keep(f frame, at time.Time) (bool, error) {
	switch f.typ {
	case frameResult:
		r, err := decodeResult(f.payload)
		if err != nil {
			return true, fmt.Errorf("bad RESULT for call %d: %w", c.id, err)
		}
		r.At = at
		c.mu.Lock()
		c.result = r // for the next event (Event.Result)
		c.mu.Unlock()
		return true, nil
	case frameLayers:
		calls, err := decodeLayers(f.payload, c.child.info.Layers)
		if err != nil {
			return true, fmt.Errorf("bad LAYERS for call %d: %w", c.id, err)
		}
		c.mu.Lock()
		c.layers = calls // for EventDone
		c.mu.Unlock()
		return true, nil
	case frameLeft:
		if len(f.payload) != 4 {
			return true, fmt.Errorf("bad LEFT for call %d", c.id)
		}
		c.mu.Lock()
		c.inputLeft = int64(binary.BigEndian.Uint32(f.payload))
		c.mu.Unlock()
		return true, nil
	case frameRead:
		if len(f.payload) != 4 {
			return true, fmt.Errorf("bad READ for call %d", c.id)
		}
		go c.feedBody(int(binary.BigEndian.Uint32(f.payload)))
		return true, nil
	}
	return false, nil
}

// event turns a frame that the call's consumer sees into its event.
func (c *Call) event(f frame, at time.Time) (Event, error) {
	ev := Event{At: at}
	switch f.typ {
	case frameStart:
		fields := splitFields(f.payload)
		if len(fields)%2 != 1 {
			return ev, fmt.Errorf("bad START for call %d", c.id)
		}
		ev.Kind, ev.Status = EventStart, fields[0]
		for i := 1; i < len(fields); i += 2 {
			ev.Headers = append(ev.Headers, [2]string{fields[i], fields[i+1]})
		}
	case frameExcInfo:
		ev.Kind, ev.Text = EventExcInfo, string(f.payload)
	case frameInput:
		ev.Kind = EventInput
	case frameWait:
		if len(f.payload) != 4 {
			return ev, fmt.Errorf("bad WAIT for call %d", c.id)
		}
		c.child.queue.wait(c.id, at)
		ev.Kind = EventWait
		ev.Text = fmt.Sprintf("all %d threads busy; number %d in the queue for one", c.child.queue.threads, binary.BigEndian.Uint32(f.payload))
	case frameRun:
		c.child.queue.run(c.id, at)
		ev.Kind = EventRun
	case frameChunk:
		ev.Kind, ev.Data = EventChunk, f.payload
	case frameWrite:
		ev.Kind, ev.Data = EventWrite, f.payload
	case frameLog:
		if len(f.payload) == 0 {
			return ev, fmt.Errorf("empty LOG for call %d", c.id)
		}
		ev.Kind, ev.Stream, ev.Text = EventLog, f.payload[0], string(f.payload[1:])
	case frameLint:
		var l struct{ Rule, Message string }
		if err := json.Unmarshal(f.payload, &l); err != nil {
			return ev, fmt.Errorf("bad LINT for call %d: %w", c.id, err)
		}
		ev.Kind, ev.Rule, ev.Text = EventLint, l.Rule, l.Message
	case frameDone:
		ev.Kind = EventDone
		if len(f.payload) > 0 {
			ev.Failure = &Failure{}
			if err := json.Unmarshal(f.payload, ev.Failure); err != nil {
				return ev, fmt.Errorf("bad DONE for call %d: %w", c.id, err)
			}
		}
	default:
		return ev, fmt.Errorf("unexpected frame type %d for call %d", f.typ, c.id)
	}
	return ev, nil
}

// feedBody answers one READ: up to n bytes of request body, or an empty BODY
// at its end. The child asks again only after this answer, so at most one
// feedBody runs per call.
func (c *Call) feedBody(n int) {
	if c.body == nil {
		c.child.send(frameBody, c.id, nil)
		return
	}
	buf := make([]byte, min(max(n, 1), maxBodyFrame))
	got, err := io.ReadAtLeast(c.body, buf, 1)
	switch {
	case got > 0:
		c.child.send(frameBody, c.id, buf[:got])
	case err == nil || errors.Is(err, io.EOF):
		c.child.send(frameBody, c.id, nil)
	default:
		// The client stopped sending mid-body: the app must not mistake a
		// truncated body for a whole one.
		c.Cancel()
	}
}

// childGone ends a call whose process died under it.
func (c *Call) childGone(reason string) {
	now := time.Now()
	c.child.queue.run(c.id, now) // it waits for a thread no more
	c.push(Event{Kind: EventDone, At: now, Failure: c.goneFailure(reason)})
}
