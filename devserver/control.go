package devserver

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Control is what a UI may ask of a running session: reloads, replays of
// what it shows (sent to the session's own server over HTTP and recorded
// there as replays of their original), the debugger's breakpoints and
// steps, and lines for an app reading stdin. The inspector takes it as its
// Control, StepControl and ConsoleControl: the method sets match, so
// devserver need not import the inspector.
type Control struct{ s *Session }

// replayTimeout bounds one replay, so a hanging app ends a pin run too.
const replayTimeout = 30 * time.Second

// Reload restarts the app by hand. Asked again while a reload waits for
// held requests, it releases them: the user has chosen the reload over
// stepping on.
func (c *Control) Reload() {
	if !c.s.reloads.releaseForReload() {
		c.s.reloads.start(nil)
	}
}

// ReloadWaits says whether a reload waits for held requests.
func (c *Control) ReloadWaits() bool { return c.s.reloads.waits() }

// Replay sends req.Request again and compares the server's record of the
// answer with req.Against's, volatile headers ignored as in `wsgidev replay`.
func (c *Control) Replay(req exchange.ReplayRequest) exchange.ReplayResult {
	sent := *req.Request
	if a := req.Against; a != nil {
		sent.Status, sent.ResponseHeaders, sent.ResponseBody, sent.Failure = a.Status, a.ResponseHeaders, a.ResponseBody, a.Failure
	}
	sub := c.s.hub.Subscribe() // its own, per replay: Replay drains it
	defer sub.Close()
	client := c.s.srv.ReplayClient(req.Of, replayTimeout)
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), replayTimeout)
	defer cancel()
	target := ReplayTarget{URL: c.s.BaseURL(), Client: client, KeepHost: true, Recorded: sub}
	return replayResult(Replay(ctx, target, &sent, capture.CompareOptions{}))
}

// replayResult turns a replay into the plain data a UI shows.
func replayResult(res Replayed) exchange.ReplayResult {
	out := exchange.ReplayResult{New: res.New, Notes: res.Notes}
	switch {
	case res.Err != nil:
		out.Err, out.Changed = res.Err.Error(), true
	case res.Skipped != "":
		out.Notes = append(out.Notes, "not compared: "+res.Skipped)
	case !res.Diff.Match():
		out.Changed, out.What = true, res.Diff.What()
		var b strings.Builder
		res.Diff.Write(&b, "", 0)
		out.Diff = strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	default:
		out.Notes = append(out.Notes, res.Diff.Notes...)
	}
	return out
}

// Curl is ex's request as a curl command line for this server.
func (c *Control) Curl(ex *exchange.Exchange) string {
	return capture.CurlCommand(ex, c.s.CurlBase())
}

// Break adds a breakpoint written as --break takes it.
func (c *Control) Break(expr string) error {
	b, err := ParseBreakpoint(expr)
	if err != nil {
		return err
	}
	c.s.srv.debug.SetBreak(b)
	return nil
}

// ClearBreaks removes every breakpoint; requests held stay held.
func (c *Control) ClearBreaks() { c.s.srv.debug.ClearBreaks() }

// Breaks are the breakpoints set, as written.
func (c *Control) Breaks() []string {
	breaks := c.s.srv.debug.Breaks()
	exprs := make([]string, len(breaks))
	for i, b := range breaks {
		exprs[i] = b.Expr
	}
	return exprs
}

// Step, Continue and Abort act on a held request (Debugger.Step, …).
func (c *Control) Step(id uint64) error     { return c.s.srv.debug.Step(id) }
func (c *Control) Continue(id uint64) error { return c.s.srv.debug.Continue(id) }
func (c *Control) Abort(id uint64) error    { return c.s.srv.debug.Abort(id) }

// EditEnviron sets key to value in the environ of a request held before
// the app, or removes key.
func (c *Control) EditEnviron(id uint64, key, value string, remove bool) error {
	if remove {
		return c.s.srv.debug.Edit(id, nil, []string{key})
	}
	return c.s.srv.debug.Edit(id, map[string]string{key: value}, nil)
}

// PostMortem opens pdb on the traceback kept when request id failed
// (Server.PostMortem); its lines go through Input.
func (c *Control) PostMortem(id uint64) error { return c.s.srv.PostMortem(id) }

// Interrupt stops the app of a request in a pdb session where it runs,
// and brings pdb's prompt back: Ctrl-C in the pdb console.
func (c *Control) Interrupt(id uint64) error {
	if err := c.s.srv.Interrupt(id); err != nil {
		return fmt.Errorf("pdb console: %w", err)
	}
	return nil
}

// Input answers a request whose app reads stdin (pdb's prompt).
func (c *Control) Input(id uint64, line string, eof bool) error {
	if err := c.s.srv.Input(id, line, eof); err != nil {
		return fmt.Errorf("pdb console: %w", err)
	}
	return nil
}
