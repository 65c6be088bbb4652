// Package pyrunner runs WSGI calls in a child Python interpreter: it finds
// Python, starts and supervises the child, and speaks the frame protocol in
// PROTOCOL.md. It knows nothing of HTTP or terminals.
package pyrunner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says what to run and how.
type Config struct {
	Python  Python
	Spec    AppSpec
	Dir     string   // the child's working folder
	Env     []string // KEY=VALUE added to the child's environment
	Argv    []string // sys.argv as the app sees it
	Threads int      // worker threads in the child
	// KeepFailures is how many of the last failures' tracebacks the child
	// keeps for PostMortem (0: none).
	KeepFailures int
	// PostMortem opens pdb inside each failing request, before its end
	// (wsgidev serve --pm): the request waits for the user.
	PostMortem bool
	// StartTimeout bounds the wait for a child's hello (default 30 s): long
	// enough for a pyenv shim on a loaded machine, short enough that a
	// Python that never answers (the Windows Store stub) is reported.
	StartTimeout time.Duration
	// Warm forks reloaded children from a template that has the app's
	// libraries imported already (template.go); Linux only.
	Warm bool
	// NoLayers turns off finding the app's layers and recording what
	// crosses between them (layers.go).
	NoLayers bool
	// DjangoStatic has a Django app serve its static files as runserver
	// does, when DEBUG is on and django.contrib.staticfiles is installed
	// (_wsgidev_loader.serve_django_static); AppInfo.Static says so.
	DjangoStatic bool

	OnNotice  func(string)   // one line worth telling the user, e.g. warm reloads turned off
	OnOutput  func(Output)   // a line the app printed outside a request
	OnModules func([]string) // source files the app imported
	OnState   func(State)    // the child's life: started, ready, failed, exited
	OnHint    func(Hint)     // a framework hid an error (Flask's own 500); from the frame reader, must not block

	onLibs func([]string) // library modules a child imported while serving: the warm template's
	// onLoadError adds what the parent knows to a child's load error
	// before anyone sees it; from the frame reader, it may take a while.
	onLoadError func(*LoadError)
	// OnInput says the app reads sys.stdin outside any request (pdb at
	// import time); answer with Runner.Input. Called from the frame reader:
	// it must not block. Nil: the app's stdin is at its end.
	OnInput func()
}

// State is a change in the child's life, for the hub and the banner.
type State struct {
	Kind    string // StateStarted, StateReady, StateLoadError, StateExited
	PID     int
	At      time.Time
	Note    string // how it exited, or what failed
	Info    *AppInfo
	LoadErr *LoadError
}

// State kinds.
const (
	StateStarted   = "started"
	StateReady     = "ready"
	StateLoadError = "load-error"
	StateExited    = "exited"
)

// ErrStopping is returned by Call once Stop has begun.
var ErrStopping = errors.New("pyrunner: the server is shutting down")

// Runner supervises the current child: it replaces one that dies, and routes
// calls to whichever child is current.
type Runner struct {
	cfg       Config
	runnerDir string
	nextID    atomic.Uint32
	// exe starts every child after the first: the interpreter the first one
	// reported as sys.executable. A pyenv or asdf shim on PATH is a shell
	// script that costs 150 ms or more a start; a reload should not pay it.
	exe atomic.Pointer[string]

	mu       sync.Mutex
	cur      *child
	replaced chan struct{} // closed when cur changes or the runner stops
	stopped  bool
	stopCh   chan struct{} // closed by Stop
	hello    Hello

	warm *warm
}

// New prepares a runner; Start launches the first child.
func New(cfg Config) (*Runner, error) {
	if cfg.Threads <= 0 {
		cfg.Threads = 32
	}
	if cfg.StartTimeout <= 0 {
		cfg.StartTimeout = 30 * time.Second
	}
	dir, err := installRunner()
	if err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, runnerDir: dir, replaced: make(chan struct{}), stopCh: make(chan struct{})}
	r.warm = newWarm(r)
	r.cfg.onLibs = r.warm.learn
	r.cfg.onLoadError = func(le *LoadError) { explainMissingModule(&r.cfg, le) }
	return r, nil
}

// Start launches the first child and waits for its handshake, so that a
// missing or too old Python is an error here, before anything is served.
func (r *Runner) Start(ctx context.Context) (Hello, error) {
	c, err := startChild(r.cfg.Python.Path, &r.cfg, r.runnerDir)
	if err != nil {
		return Hello{}, err
	}
	timer := time.NewTimer(r.cfg.StartTimeout)
	defer timer.Stop()
	select {
	case h := <-c.hello:
		if h.Protocol != protocolVersion {
			c.stop(0)
			return Hello{}, fmt.Errorf("pyrunner: %s speaks protocol %d, this wsgidev speaks %d; the runner files are stale, delete %s", r.cfg.Python.Path, h.Protocol, protocolVersion, r.runnerDir)
		}
		exe := r.cfg.Python.Path
		if h.Executable != "" && hostFiles.isProgram(h.Executable) {
			exe = h.Executable
		}
		r.exe.Store(&exe)
		r.mu.Lock()
		r.cur, r.hello = c, h
		r.mu.Unlock()
		r.state(State{Kind: StateStarted, PID: c.pid()})
		go r.watch(c, 0)
		return h, nil
	case <-c.exited:
		<-c.loaded // the tail is complete once readFrames gave up
		return Hello{}, r.earlyDeath(c)
	case <-timer.C:
		c.stop(0)
		return Hello{}, fmt.Errorf("pyrunner: %s did not answer within %s; is it a working Python?", r.cfg.Python.Path, r.cfg.StartTimeout)
	case <-ctx.Done():
		c.stop(0)
		return Hello{}, ctx.Err()
	}
}

func (r *Runner) earlyDeath(c *child) error {
	tail := c.tail.String()
	if c.exitCode == tooOldExit {
		if _, v, ok := strings.Cut(tail, "wsgidev-too-old "); ok {
			return fmt.Errorf("%s is Python %s; wsgidev needs Python 3.8 or newer. Pass --python with a newer interpreter, or activate a newer virtualenv", r.cfg.Python.Path, strings.TrimSpace(v))
		}
	}
	msg := fmt.Sprintf("%s %s before it started", r.cfg.Python.Path, c.exitNote)
	if tail != "" {
		msg += "; its last output:\n" + tail
	}
	return errors.New(msg)
}

// Hello returns the first child's handshake.
func (r *Runner) Hello() Hello {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hello
}

// Loaded waits until the current child has imported the app, or failed to.
func (r *Runner) Loaded(ctx context.Context) (AppInfo, error) {
	r.mu.Lock()
	c := r.cur
	r.mu.Unlock()
	select {
	case <-c.loaded:
	case <-ctx.Done():
		return AppInfo{}, ctx.Err()
	}
	if c.loadErr != nil {
		return AppInfo{}, c.loadErr
	}
	return c.info, nil
}

// Input answers Config.OnInput: one line for the current child's sys.stdin
// outside any request, or the end of its input.
func (r *Runner) Input(line string, eof bool) {
	r.mu.Lock()
	c := r.cur
	r.mu.Unlock()
	if c != nil {
		c.send(frameLine, 0, lineFrame(line, eof))
	}
}

// Call starts a WSGI call on the current child, waiting while a child is
// starting. A failed import returns its *LoadError.
func (r *Runner) Call(ctx context.Context, req CallRequest) (*Call, error) {
	for {
		r.mu.Lock()
		c, replaced, stopped := r.cur, r.replaced, r.stopped
		r.mu.Unlock()
		if stopped {
			return nil, ErrStopping
		}
		select {
		case <-c.loaded:
		case <-replaced:
			continue
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if c.retired.Load() {
			continue // a reload replaced it while it was loading
		}
		if c.loadErr != nil {
			return nil, c.loadErr
		}
		call := &Call{id: r.nextID.Add(1), child: c, body: req.Body, window: defaultWindow, wake: make(chan struct{}, 1)}
		if err := c.register(call); err != nil {
			// Died between loading and now: wait for the replacement.
			select {
			case <-replaced:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		var flags byte
		if req.Step {
			flags |= callFlagStep
		}
		if req.Body != nil {
			flags |= callFlagBody
		}
		if req.Layers {
			flags |= callFlagLayers
		}
		payload := make([]byte, 5, 5+32*len(req.Environ))
		payload[0] = flags
		payload[1], payload[2], payload[3], payload[4] = byte(call.window>>24), byte(call.window>>16), byte(call.window>>8), byte(call.window)
		c.send(frameCall, call.id, appendFields(payload, req.Environ))
		return call, nil
	}
}

// watch follows one child's life: it reports the import's outcome, and
// when the child dies while still current (a crash, not a reload) it starts
// a successor, pausing longer each time children die before importing.
func (r *Runner) watch(c *child, backoff time.Duration) {
	<-c.loaded
	if c.loadErr != nil {
		r.state(State{Kind: StateLoadError, PID: c.pid(), LoadErr: c.loadErr, Note: c.loadErr.Error()})
	} else {
		info := c.info
		r.state(State{Kind: StateReady, PID: c.pid(), Info: &info})
		r.warm.learn(info.Libs)
	}
	<-c.exited
	r.mu.Lock()
	stopped := r.stopped
	r.mu.Unlock()
	if c.retired.Load() || stopped {
		return
	}
	note := "the Python process " + c.exitNote + "; starting a new one"
	if c.info.Module != "" {
		backoff = 0 // it served: restart at once
	} else if backoff > 0 {
		note = fmt.Sprintf("the Python process %s before importing the app; trying again in %s", c.exitNote, backoff)
	}
	r.state(State{Kind: StateExited, PID: c.pid(), Note: note})
	for {
		select {
		case <-r.stopCh:
			return
		case <-time.After(backoff):
		}
		backoff = min(max(2*backoff, 100*time.Millisecond), 5*time.Second)
		next, err := startChild(*r.exe.Load(), &r.cfg, r.runnerDir)
		if err != nil {
			r.state(State{Kind: StateExited, Note: err.Error()})
			continue
		}
		if !r.install(c, next) {
			next.retired.Store(true)
			next.stop(0)
			return
		}
		r.state(State{Kind: StateStarted, PID: next.pid()})
		go r.watch(next, backoff)
		return
	}
}

// install makes next the current child in place of prev (nil: whichever is
// current), unless the runner stopped or another child took over meanwhile.
func (r *Runner) install(prev, next *child) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || (prev != nil && r.cur != prev) {
		return false
	}
	r.cur = next
	close(r.replaced)
	r.replaced = make(chan struct{})
	return true
}

// Reload is the outcome of one reload, for the hub.
type Reload struct {
	Files   []string // what changed; empty for a manual reload
	Took    time.Duration
	Info    *AppInfo   // the app as newly imported, or
	LoadErr *LoadError // why the import failed
}

// Reload starts a child with the code as it is now and sends new requests
// to it (they wait while it imports the app, so none sees the old code after
// the save). Calls in flight on the old child get grace to finish before it
// is stopped. done, if not nil, gets the outcome once the import ended. A
// failed import keeps the server up: requests get the error until the next
// reload.
func (r *Runner) Reload(files []string, grace time.Duration, done func(Reload)) error {
	began := time.Now()
	next := r.warm.fork()
	if next == nil {
		var err error
		if next, err = startChild(*r.exe.Load(), &r.cfg, r.runnerDir); err != nil {
			return err
		}
	}
	r.mu.Lock()
	old := r.cur
	r.mu.Unlock()
	if !r.install(nil, next) {
		next.retired.Store(true)
		next.stop(0)
		return ErrStopping
	}
	r.state(State{Kind: StateStarted, PID: next.pid()})
	go r.watch(next, 0)
	if old != nil {
		old.retired.Store(true)
		old.closePostMortems()
		go old.retire(grace)
	}
	go func() {
		<-next.loaded
		if done == nil {
			return
		}
		res := Reload{Files: files, Took: time.Since(began)}
		if next.loadErr != nil {
			res.LoadErr = next.loadErr
		} else {
			info := next.info
			res.Info = &info
		}
		done(res)
	}()
	return nil
}

// Stop ends the child: it gets grace to finish, then SIGTERM, then SIGKILL.
// Safe to call more than once.
func (r *Runner) Stop(grace time.Duration) {
	r.mu.Lock()
	c := r.cur
	if !r.stopped {
		r.stopped = true
		close(r.replaced)
		close(r.stopCh)
	}
	r.mu.Unlock()
	if c != nil {
		c.stop(grace)
	}
	r.warm.stop()
}

func (r *Runner) notice(text string) {
	if r.cfg.OnNotice != nil {
		r.cfg.OnNotice(text)
	}
}

func (r *Runner) state(s State) {
	if r.cfg.OnState != nil {
		s.At = time.Now()
		r.cfg.OnState(s)
	}
}
