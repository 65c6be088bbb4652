package main

import (
	"fmt"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/inspector"
)

// inspectorControl is what the inspector may ask of the server: reloads
// (the reloader), breakpoints and steps (the server's debugger), and the
// lines an app reading stdin waits for (pdb in a request).
type inspectorControl struct {
	*reloader
	srv *devserver.Server
}

var (
	_ inspector.StepControl    = inspectorControl{}
	_ inspector.ConsoleControl = inspectorControl{}
)

// Break adds a breakpoint written as --break takes it.
func (c inspectorControl) Break(expr string) error {
	b, err := devserver.ParseBreakpoint(expr)
	if err != nil {
		return err
	}
	c.srv.Debugger().SetBreak(b)
	return nil
}

func (c inspectorControl) ClearBreaks() { c.srv.Debugger().ClearBreaks() }

func (c inspectorControl) Breaks() []string {
	breaks := c.srv.Debugger().Breaks()
	exprs := make([]string, len(breaks))
	for i, b := range breaks {
		exprs[i] = b.Expr
	}
	return exprs
}

func (c inspectorControl) Step(id uint64) error     { return c.srv.Debugger().Step(id) }
func (c inspectorControl) Continue(id uint64) error { return c.srv.Debugger().Continue(id) }
func (c inspectorControl) Abort(id uint64) error    { return c.srv.Debugger().Abort(id) }

// EditEnviron sets or removes one key of a request held before the app.
func (c inspectorControl) EditEnviron(id uint64, key, value string, remove bool) error {
	if remove {
		return c.srv.Debugger().Edit(id, nil, []string{key})
	}
	return c.srv.Debugger().Edit(id, map[string]string{key: value}, nil)
}

// ReloadWaits says whether a reload waits for held requests.
func (c inspectorControl) ReloadWaits() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting
}

// Input answers a request whose app reads stdin (pdb's prompt).
func (c inspectorControl) Input(id uint64, line string, eof bool) error {
	if err := c.srv.Input(id, line, eof); err != nil {
		return fmt.Errorf("pdb console: %w", err)
	}
	return nil
}
