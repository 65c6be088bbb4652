package main

import (
	"fmt"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/inspector"
)

// The debugger's side of the inspector's control (replayctl.go): breakpoints
// and steps go to the server's debugger, and the lines an app reading stdin
// waits for (pdb in a request) to the server.
var (
	_ inspector.StepControl    = (*control)(nil)
	_ inspector.ConsoleControl = (*control)(nil)
)

// Break adds a breakpoint written as --break takes it.
func (c *control) Break(expr string) error {
	b, err := devserver.ParseBreakpoint(expr)
	if err != nil {
		return err
	}
	c.srv.Debugger().SetBreak(b)
	return nil
}

func (c *control) ClearBreaks() { c.srv.Debugger().ClearBreaks() }

func (c *control) Breaks() []string {
	breaks := c.srv.Debugger().Breaks()
	exprs := make([]string, len(breaks))
	for i, b := range breaks {
		exprs[i] = b.Expr
	}
	return exprs
}

func (c *control) Step(id uint64) error     { return c.srv.Debugger().Step(id) }
func (c *control) Continue(id uint64) error { return c.srv.Debugger().Continue(id) }
func (c *control) Abort(id uint64) error    { return c.srv.Debugger().Abort(id) }

// EditEnviron sets or removes one key of a request held before the app.
func (c *control) EditEnviron(id uint64, key, value string, remove bool) error {
	if remove {
		return c.srv.Debugger().Edit(id, nil, []string{key})
	}
	return c.srv.Debugger().Edit(id, map[string]string{key: value}, nil)
}

// ReloadWaits says whether a reload waits for held requests.
func (c *control) ReloadWaits() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting
}

// Input answers a request whose app reads stdin (pdb's prompt).
func (c *control) Input(id uint64, line string, eof bool) error {
	if err := c.srv.Input(id, line, eof); err != nil {
		return fmt.Errorf("pdb console: %w", err)
	}
	return nil
}
