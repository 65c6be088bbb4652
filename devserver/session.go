package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"sync"
	"time"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// SessionConfig is one run of wsgidev: the app, where it is served, and
// who is at the terminal.
type SessionConfig struct {
	// Child is the app and its Python. The session adds its own hooks
	// (output, notices and states to the hub, stdin) and calls those given
	// too.
	Child      pyrunner.Config
	Host       string // default 127.0.0.1
	Port       int    // 0 picks a free one
	Socket     string // serve on this unix socket instead of Host and Port (SocketMode; removed at the end)
	TLS        *Cert  // serve HTTPS with this certificate (LocalCert, LoadCert); nil: HTTP
	Static     []StaticDir
	ScriptName string // the mount prefix, "" or "/prefix"
	BodyCap    int    // bytes of each body kept; 0: 256 KiB
	Version    string // wsgidev's, for SERVER_SOFTWARE, pages and the capture
	Grace      time.Duration
	Breaks     []Breakpoint // requests held before the app from the start

	// Inspector says an inspector steps held requests, answers pdb in
	// requests and reloads with R; SIGHUP then means the terminal went away.
	Inspector bool
	// Terminal is wsgidev's standard input when it is a terminal and there
	// is no inspector: pdb in the app reads it, and a line typed while no
	// app reads is a console command (console.go). nil: apps reading stdin
	// get the end of input at once.
	Terminal io.Reader
	// Signals has the session act on the OS's signals (signals_<os>.go);
	// a session inside another command (replay --app) leaves them alone.
	Signals bool

	// FirstID numbers the session's exchanges after it: wsgidev inspect
	// --app shows them beside those of a file, numbered up to FirstID.
	FirstID uint64

	// AllLayers records the layers of every request, not only
	// exchange.LayersPerSecond a second (--all-layers); a capture does.
	AllLayers bool
	// LayersPerSecond overrides exchange.LayersPerSecond (0: that).
	LayersPerSecond float64

	Capture       string         // append every exchange to this file; "": none
	CaptureHeader capture.Header // its header; the session fills in what it knows
	Stderr        io.Writer      // for what is said before serving (a repaired capture)
}

var _ Backend = (*pyrunner.Runner)(nil)

// ErrInterrupted is Stop's error when a second stop signal cut the
// shutdown short: the caller exits at once, with a status of its own.
var ErrInterrupted = errors.New("devserver: stopped at once by a second interrupt")

// Session is one running wsgidev, the role gunicorn's Arbiter plays: it
// owns the child (through pyrunner), the hub, the HTTP server and the
// capture file, and applies the session's rules: what each signal does,
// that a reload waits for held requests, what the console's commands do.
// A UI drives it through Control.
type Session struct {
	cfg     SessionConfig
	hub     *exchange.Hub
	runner  *pyrunner.Runner
	srv     *Server
	l       net.Listener
	reloads *reloads
	console *console
	ctl     *Control

	ctx           context.Context    // ends at the first stop
	beginStop     context.CancelFunc // the first stop: a signal, the end of Start's ctx, Stop
	sigs          chan os.Signal
	served        chan error
	atOnce        chan struct{} // closed at a stop during the shutdown
	atOnceSet     sync.Once
	stopped       sync.Once
	stopErr       error
	capture       *capture.Writer // nil without cfg.Capture; set before serving
	captureFailed sync.Once
	hinted        sync.Map // the kinds of pyrunner.Hint said already
}

// NewSession opens the port and builds the session; nothing runs until
// Start.
func NewSession(cfg SessionConfig) (*Session, error) {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	s := &Session{cfg: cfg, hub: exchange.NewHub(), served: make(chan error, 1), atOnce: make(chan struct{})}
	s.ctx, s.beginStop = context.WithCancel(context.Background())
	s.console = &console{s: s, atImport: make(chan struct{}, 1)}
	s.ctl = &Control{s: s}
	var err error
	if s.runner, err = pyrunner.New(s.childConfig()); err != nil {
		return nil, err
	}
	srv, err := New(Config{Backend: s.runner, Hub: s.hub, ScriptName: cfg.ScriptName, BodyCap: cfg.BodyCap, Version: cfg.Version, Record: s.record, AllLayers: cfg.AllLayers || cfg.Capture != "", LayersPerSecond: cfg.LayersPerSecond,
		TLS: cfg.TLS, Socket: cfg.Socket, Static: cfg.Static})
	if err != nil {
		return nil, err
	}
	s.srv = srv
	srv.nextID.Store(cfg.FirstID)
	for _, b := range cfg.Breaks {
		srv.debug.SetBreak(b)
	}
	s.reloads = &reloads{runner: s.runner, hub: s.hub, grace: cfg.Grace, held: srv.debug, ctx: s.ctx, release: s.reloadRelease()}
	if cfg.Socket != "" {
		s.l, err = listenSocket(cfg.Socket)
	} else {
		s.l, err = listen(cfg.Host, cfg.Port)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// childConfig is cfg.Child with the session's hooks added.
func (s *Session) childConfig() pyrunner.Config {
	c := s.cfg.Child
	onOutput, onState := c.OnOutput, c.OnState
	c.OnNotice = s.notice
	c.OnOutput = func(o pyrunner.Output) {
		stream := "stdout"
		if o.Stream == pyrunner.StreamStderr {
			stream = "stderr"
		}
		s.hub.Publish(exchange.Update{Output: &exchange.Output{At: time.Now(), Stream: stream, Line: o.Line}})
		if onOutput != nil {
			onOutput(o)
		}
	}
	c.OnState = func(st pyrunner.State) {
		s.hub.Publish(exchange.Update{Child: childState(st)})
		if onState != nil {
			onState(st)
		}
	}
	c.OnInput = s.console.onInput
	c.OnHint = s.hint
	return c
}

func childState(s pyrunner.State) *exchange.ChildState {
	cs := &exchange.ChildState{At: s.At, Kind: exchange.ChildKind(s.Kind), PID: s.PID, Note: s.Note}
	if s.LoadErr != nil {
		cs.Detail = s.LoadErr.Traceback
	}
	return cs
}

// reloadRelease is what the notice that a reload waits says releases the
// held requests.
func (s *Session) reloadRelease() string {
	if s.cfg.Inspector {
		return "R again releases them and reloads"
	}
	if how := s.releaseHint(); how != "" {
		return how + " releases every held request"
	}
	return ""
}

// Hub is the session's hub; subscribe before Start to see the child start.
func (s *Session) Hub() *exchange.Hub { return s.hub }

// Control is what a UI may ask of the session.
func (s *Session) Control() *Control { return s.ctl }

// BaseURL is the server's own address, http://127.0.0.1:PORT, https://…
// with TLS; on a unix socket http://localhost, the URL curl takes with
// --unix-socket.
func (s *Session) BaseURL() string {
	scheme := s.srv.scheme()
	if s.cfg.Socket != "" {
		return scheme + "://localhost"
	}
	host, port, _ := net.SplitHostPort(s.l.Addr().String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// CurlBase is the curl options and the quoted URL that reach this server,
// the words before a request's target (capture.CurlCommand):
// --unix-socket for a socket, --cacert for HTTPS.
func (s *Session) CurlBase() string {
	var opts string
	if s.cfg.Socket != "" {
		opts += "--unix-socket " + capture.ShellQuote(s.cfg.Socket) + " "
	}
	if s.cfg.TLS != nil {
		opts += "--cacert " + capture.ShellQuote(s.cfg.TLS.File) + " "
	}
	return opts + capture.ShellQuote(s.BaseURL())
}

// Addr is the address the server listens on.
func (s *Session) Addr() net.Addr { return s.l.Addr() }

// URL is where the app is served: BaseURL, the mount prefix and a slash.
func (s *Session) URL() string { return s.BaseURL() + s.cfg.ScriptName + "/" }

// hasConsole says whether typed lines reach the session (console.go).
func (s *Session) hasConsole() bool { return s.cfg.Terminal != nil && !s.cfg.Inspector }

// Start starts the child and, once it has said hello, serves: the capture,
// the signals, the console. A stop signal or the end of ctx ends the
// session (see Wait).
func (s *Session) Start(ctx context.Context) (pyrunner.Hello, error) {
	context.AfterFunc(ctx, s.beginStop)
	if s.cfg.Signals {
		s.sigs = make(chan os.Signal, 1)
		signal.Notify(s.sigs, handledSignals()...)
		go s.handleSignals()
	}
	hello, err := s.runner.Start(s.ctx)
	if err != nil {
		return hello, err
	}
	if err := s.startCapture(hello); err != nil {
		return hello, err
	}
	go func() { s.served <- s.srv.Serve(s.l) }()
	go s.console.run(s.ctx)
	return hello, nil
}

// Loaded waits until the child has imported the app: what it serves, or
// why the import failed (the session serves the error page meanwhile).
func (s *Session) Loaded() (pyrunner.AppInfo, error) { return s.runner.Loaded(s.ctx) }

// Changed reloads the app for a batch of changed files (a watcher's).
func (s *Session) Changed(files []string) { s.reloads.start(files) }

// Notice says something to the user through the hub.
func (s *Session) Notice(text string) { s.notice(text) }

// Wait returns at a stop signal, at the end of Start's ctx, when quit is
// closed (the user quit the inspector), or when the server fails; then
// Stop.
func (s *Session) Wait(quit <-chan struct{}) error {
	select {
	case err := <-s.served:
		return err
	case <-s.ctx.Done():
	case <-quit:
	}
	return nil
}

// handleSignals does what the signal table says until the session stops.
func (s *Session) handleSignals() {
	for sig := range s.sigs {
		act, name := signalAction(sig, s.cfg.Inspector)
		s.do(act, name)
	}
}

// do carries out an action a signal or a console command asked for;
// source names it in what is said ("SIGUSR1", "c⏎").
func (s *Session) do(act sessionAction, source string) {
	switch act {
	case doStop:
		if s.ctx.Err() != nil { // stopping already: now at once
			s.atOnceSet.Do(func() { close(s.atOnce) })
		}
		s.beginStop()
	case doReload:
		s.reloads.start(nil)
	case doRelease:
		n := len(s.srv.debug.Held())
		s.srv.debug.ReleaseAll()
		s.notice(source + ": released " + exchange.Plural(n, "request") + " held in the debugger")
	}
}

// Stop stops accepting, lets requests in flight finish (3 s), stops the
// child and closes the capture; a stop signal meanwhile cuts it short
// (ErrInterrupted). Safe to call more than once, and after a failed Start.
func (s *Session) Stop() error {
	s.stopped.Do(func() { s.stopErr = s.shutdown() })
	return s.stopErr
}

func (s *Session) shutdown() error {
	s.beginStop()
	grace, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	go func() {
		select {
		case <-s.atOnce:
			cancel()
		case <-grace.Done():
		}
	}()
	s.srv.Shutdown(grace)
	s.l.Close() // never served when Start failed
	err := error(nil)
	select {
	case <-s.atOnce:
		err = ErrInterrupted
		s.runner.Stop(0)
	default:
		s.runner.Stop(time.Second)
	}
	if s.capture != nil {
		s.capture.Close() // after the shutdown: what finished meanwhile is written too
	}
	if s.sigs != nil {
		signal.Stop(s.sigs)
		close(s.sigs)
	}
	return err
}

// startCapture opens the capture file when cfg.Capture names one. The
// server writes each exchange to it through record, before the answer's
// last byte goes out, so a kill -9 never loses an answered request.
func (s *Session) startCapture(hello pyrunner.Hello) error {
	if s.cfg.Capture == "" {
		return nil
	}
	w, err := capture.Create(s.cfg.Capture, s.CaptureHeader(hello))
	if err != nil {
		return fmt.Errorf("--capture: %w", err)
	}
	for _, note := range w.Notes() {
		if s.cfg.Stderr != nil {
			io.WriteString(s.cfg.Stderr, "wsgidev: "+note+"\n")
		}
	}
	s.capture = w // before Serve starts: no request sees it change
	return nil
}

// CaptureHeader is the header of a capture of this session, started now:
// cfg.CaptureHeader with what the session knows put in; hello is what
// the child said when it started.
func (s *Session) CaptureHeader(hello pyrunner.Hello) capture.Header {
	h := s.cfg.CaptureHeader
	h.Started, h.URL, h.ScriptName, h.BodyMax, h.Python = time.Now(), s.BaseURL(), s.cfg.ScriptName, s.srv.cfg.BodyCap, hello.Executable
	return h
}

// record is the server's Config.Record: it writes a finished exchange to
// the capture file, if there is one. The first failed write stops the
// capture and says so.
func (s *Session) record(ex *exchange.Exchange) {
	if s.capture == nil {
		return
	}
	if err := s.capture.Write(ex); err != nil {
		s.captureFailed.Do(func() { s.notice(err.Error() + "; capture stopped") })
	}
}
