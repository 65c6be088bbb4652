// Package devserver answers HTTP: it turns each request into a WSGI call on
// a Backend (the Python child), streams the response back as the app
// produces it, records the whole exchange for the hub, and renders the error
// pages that teach what went wrong.
package devserver

import (
	"cmp"
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// Backend runs WSGI calls; *pyrunner.Runner is the real one.
type Backend interface {
	Call(ctx context.Context, req pyrunner.CallRequest) (*pyrunner.Call, error)
}

// Config is what the server needs from the command line.
type Config struct {
	Backend    Backend
	Hub        *exchange.Hub
	ScriptName string // mount prefix, "" or "/prefix"
	BodyCap    int    // bytes of each body kept in the exchange
	Version    string // shown in error pages
	TLS        *Cert  // serve HTTPS with it; nil: plain HTTP
	Socket     string // the unix socket served on, "" for TCP: environ and own requests follow
	Static     []StaticDir
	// AllLayers records the layers of every request (a capture); else of
	// debugged and replayed ones and at most exchange.LayersPerSecond
	// others a second (record_layers.go).
	AllLayers bool
	// LayersPerSecond overrides exchange.LayersPerSecond (0: that).
	LayersPerSecond float64
	// Record, if set, gets each finished exchange before the last byte of
	// its response goes to the client, on the request's goroutine: the
	// capture file writes it there, so that every answer a client got
	// whole is in the file, even after a kill -9.
	Record func(*exchange.Exchange)
}

// Server is the HTTP side of wsgidev.
type Server struct {
	cfg      Config
	http     *http.Server
	nextID   atomic.Uint64
	replays  sync.Map // a replay connection's client address → the ID it replays (replay.go)
	pages    *pages
	stdin    stdinWaits
	software string // SERVER_SOFTWARE
	debug    *Debugger
	failed   failedCalls // the calls of failed requests, for post-mortems (postmortem.go)
	layers   layerBudget // which requests have their layers recorded (record_layers.go)
}

// New returns a server; Serve starts it on a listener.
func New(cfg Config) (*Server, error) {
	if cfg.BodyCap <= 0 {
		cfg.BodyCap = 256 << 10
	}
	p, err := newPages(cfg.Version)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, pages: p, software: "wsgidev/" + cfg.Version, debug: newDebugger()}
	s.layers.perSecond = cmp.Or(cfg.LayersPerSecond, exchange.LayersPerSecond)
	s.stdin.asked = make(chan struct{}, 1)
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          discardLog(),
		ConnContext:       connContext,
		// OPTIONS * goes to the app, as under gunicorn; net/http would
		// answer it itself.
		DisableGeneralOptionsHandler: true,
	}
	return s, nil
}

// Serve answers requests on l until Shutdown; it returns nil after a clean
// shutdown.
func (s *Server) Serve(l net.Listener) error {
	if _, ok := l.(*recListener); !ok {
		rl := &recListener{Listener: l}
		if s.cfg.TLS != nil {
			rl.tls = s.cfg.TLS.serverTLS()
		}
		l = rl
	}
	err := s.http.Serve(l)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// scheme is wsgi.url_scheme: https when the server serves TLS.
func (s *Server) scheme() string {
	if s.cfg.TLS != nil {
		return "https"
	}
	return "http"
}

// Debugger is the server's debugger: breakpoints and held requests.
func (s *Server) Debugger() *Debugger { return s.debug }

// Shutdown stops accepting, lets requests in flight finish until ctx ends,
// then closes what is left. Held requests are released first: nobody is
// left to step them.
func (s *Server) Shutdown(ctx context.Context) error {
	s.debug.ClearBreaks()
	s.debug.ReleaseAll()
	s.stdin.endAll()
	err := s.http.Shutdown(ctx)
	if err != nil {
		s.http.Close()
	}
	return err
}
