package devserver

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Debugger holds requests that match a breakpoint before the app runs and
// lets a UI edit their environ and step them through the call: to
// start_response, to each body chunk (not sent until stepped past), to the
// end. Every change is published to the hub as an exchange event
// (EventHeld, EventDebug, EventEnvironEdit), so a UI learns of it there;
// Held lists what is held now, and Changed tells when that list changes.
//
// A held request waits as long as its client does; a client that goes away
// releases it (the call is cancelled, close() is called).
type Debugger struct {
	mu      sync.Mutex
	breaks  []Breakpoint
	nbreaks atomic.Int32 // len(breaks), read on every request without the lock
	held    map[uint64]*hold
	changed chan struct{} // closed and replaced whenever held changes
}

// HeldInfo is one request under the debugger's control.
type HeldInfo struct {
	ID       uint64
	Method   string
	Target   string
	Position string // an exchange.Held* value; HeldRunning between gates
	Since    time.Time
}

// hold is the debugger's side of one held request; the handler goroutine
// owns the request and reads commands at each gate.
type hold struct {
	info    HeldInfo
	release bool          // ReleaseAll reached it between gates: continue at the next
	gate    chan command  // the handler receives on it while at a gate
	left    chan struct{} // closed when the handler leaves the current gate
}

type action int

const (
	actStep action = iota + 1
	actContinue
	actAbort
	actEdit
)

type command struct {
	act   action
	set   map[string]string
	del   []string
	reply chan error // for actEdit
}

// Errors a UI may want to tell apart.
var (
	ErrNotHeld   = errors.New("that request is not held in the debugger (finished, released, or never held)")
	ErrNotAtGate = errors.New("that request is running to its next step; wait until it stops there")
)

func newDebugger() *Debugger {
	return &Debugger{held: map[uint64]*hold{}, changed: make(chan struct{})}
}

// SetBreak adds a breakpoint (see ParseBreakpoint; a Breakpoint{Once: true}
// holds the next request).
func (d *Debugger) SetBreak(b Breakpoint) {
	d.mu.Lock()
	d.breaks = append(d.breaks, b)
	d.nbreaks.Store(int32(len(d.breaks)))
	d.mu.Unlock()
}

// ClearBreaks removes every breakpoint; requests already held stay held.
func (d *Debugger) ClearBreaks() {
	d.mu.Lock()
	d.breaks = nil
	d.nbreaks.Store(0)
	d.mu.Unlock()
}

// Breaks returns the breakpoints set.
func (d *Debugger) Breaks() []Breakpoint {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]Breakpoint(nil), d.breaks...)
}

// Held returns the requests under the debugger's control, oldest first.
func (d *Debugger) Held() []HeldInfo {
	d.mu.Lock()
	defer d.mu.Unlock()
	list := make([]HeldInfo, 0, len(d.held))
	for _, h := range d.held {
		list = append(list, h.info)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list
}

// Changed is closed at the next change to Held; ask again after each.
func (d *Debugger) Changed() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.changed
}

// WaitReleased blocks until no request is held, or ctx ends.
func (d *Debugger) WaitReleased(ctx context.Context) error {
	for {
		d.mu.Lock()
		n, changed := len(d.held), d.changed
		d.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Step lets a held request go on to its next gate: the app is called and
// runs to start_response, or to its next body chunk, or a chunk it showed
// is sent and the app runs to the next one.
func (d *Debugger) Step(id uint64) error { return d.send(id, command{act: actStep}) }

// Continue lets a held request run to its end with no more gates.
func (d *Debugger) Continue(id uint64) error { return d.send(id, command{act: actContinue}) }

// Abort ends a held request: the client gets a 503 page saying so (or a
// cut connection once body bytes went out) and the app's iterable is closed.
func (d *Debugger) Abort(id uint64) error { return d.send(id, command{act: actAbort}) }

// ReleaseAll continues every held request. The reloader does not call it by
// itself (a reload waits for held requests instead); a UI offers it as
// "release and reload", and headless wsgidev does it on SIGUSR1.
func (d *Debugger) ReleaseAll() {
	d.mu.Lock()
	for _, h := range d.held {
		h.release = true // one between gates continues at its next
	}
	d.mu.Unlock()
	for _, h := range d.Held() {
		d.Continue(h.ID) // one that ended meanwhile needs nothing
	}
}

// Edit changes the environ of a request held before the app: set adds or
// changes keys, del removes them. wsgi.* keys are objects the child makes
// and cannot be edited. The edit is applied (and published) before Edit
// returns; the app sees it when the request is stepped or continued.
func (d *Debugger) Edit(id uint64, set map[string]string, del []string) error {
	if err := checkEdit(set, del); err != nil {
		return err
	}
	reply := make(chan error, 1)
	if err := d.send(id, command{act: actEdit, set: set, del: del, reply: reply}); err != nil {
		return err
	}
	return <-reply
}

// send hands c to the handler waiting at the request's gate. A step,
// continue or abort claims the gate at once, under the lock, so a second
// one sent before the first arrives is refused rather than queued.
func (d *Debugger) send(id uint64, c command) error {
	d.mu.Lock()
	h, ok := d.held[id]
	if !ok {
		d.mu.Unlock()
		return fmt.Errorf("request #%d: %w", id, ErrNotHeld)
	}
	if h.info.Position == exchange.HeldRunning {
		d.mu.Unlock()
		return fmt.Errorf("request #%d: %w", id, ErrNotAtGate)
	}
	if c.act == actEdit && h.info.Position != exchange.HeldBeforeApp {
		d.mu.Unlock()
		return fmt.Errorf("request #%d is at %s: the environ can be edited only before the app is called", id, h.info.Position)
	}
	gate, left := h.gate, h.left
	if c.act != actEdit {
		h.info.Position = exchange.HeldRunning
		d.notify()
	}
	d.mu.Unlock()
	select {
	case gate <- c:
		return nil
	case <-left:
		return fmt.Errorf("request #%d: %w", id, ErrNotHeld)
	}
}

// notify wakes those waiting on Changed; d.mu is held.
func (d *Debugger) notify() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// catch returns the hold for the request recorded in ex when it hits a
// breakpoint (removing a once-only one), nil otherwise. The request counts
// as held from here, so ReleaseAll and a waiting reload see it.
func (d *Debugger) catch(ex *exchange.Exchange) *hold {
	if d.nbreaks.Load() == 0 {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range d.breaks {
		if !d.breaks[i].Match(ex) {
			continue
		}
		if d.breaks[i].Once {
			d.breaks = append(d.breaks[:i], d.breaks[i+1:]...)
			d.nbreaks.Store(int32(len(d.breaks)))
		}
		h := &hold{info: HeldInfo{ID: ex.ID, Method: ex.Method, Target: ex.Target, Position: exchange.HeldRunning, Since: time.Now()}}
		d.held[ex.ID] = h
		d.notify()
		return h
	}
	return nil
}

// enter puts a request at the gate position; it reports false when the
// request was released meanwhile and must not stop.
func (d *Debugger) enter(h *hold, position string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if h.release {
		return false
	}
	h.info.Position = position
	h.gate, h.left = make(chan command), make(chan struct{})
	d.notify()
	return true
}

// leave ends the current gate; done also forgets the request.
func (d *Debugger) leave(h *hold, done bool) {
	d.mu.Lock()
	if h.left != nil {
		close(h.left)
		h.left = nil
	}
	h.info.Position = exchange.HeldRunning
	if done {
		delete(d.held, h.info.ID)
	}
	d.notify()
	d.mu.Unlock()
}

// protectedKeys must stay in every environ (PEP 3333 "environ Variables").
var protectedKeys = []string{"REQUEST_METHOD", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL"}

// checkEdit refuses edits that would break the environ's contract.
func checkEdit(set map[string]string, del []string) error {
	check := func(key string) error {
		switch {
		case key == "":
			return errors.New("an environ key cannot be empty")
		case strings.HasPrefix(key, "wsgi."):
			return fmt.Errorf("%s cannot be edited: wsgi.* keys are objects the Python side makes (streams, flags), not text", key)
		case strings.IndexByte(key, 0) >= 0:
			return fmt.Errorf("the key %q contains a NUL byte, which no environ key can hold", key)
		}
		return nil
	}
	for _, key := range del {
		if err := check(key); err != nil {
			return err
		}
		for _, p := range protectedKeys {
			if key == p {
				return fmt.Errorf("%s cannot be deleted: PEP 3333 requires it in every environ (change its value instead)", key)
			}
		}
		if _, ok := set[key]; ok {
			return fmt.Errorf("%s is both set and deleted in one edit; choose one", key)
		}
	}
	for key, value := range set {
		if err := check(key); err != nil {
			return err
		}
		if err := checkEnvValue(key, value); err != nil {
			return err
		}
	}
	return nil
}

func checkEnvValue(key, value string) error {
	switch {
	case strings.IndexByte(value, 0) >= 0:
		return fmt.Errorf("the value of %s contains a NUL byte, which no CGI value can hold", key)
	case key == "CONTENT_LENGTH" && value != "" && strings.Trim(value, "0123456789") != "":
		return fmt.Errorf("CONTENT_LENGTH %q: PEP 3333 wants a number of bytes, or no CONTENT_LENGTH at all", value)
	case (key == "PATH_INFO" || key == "SCRIPT_NAME") && value != "" && value[0] != '/':
		return fmt.Errorf("%s %q: it must be empty or start with /", key, value)
	case key == "SCRIPT_NAME" && value == "/":
		return errors.New(`SCRIPT_NAME "/": an app mounted at the root has SCRIPT_NAME "", and the / goes to PATH_INFO`)
	}
	return nil
}
