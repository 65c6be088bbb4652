package devserver

import (
	"bufio"
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// The console is wsgidev's own standard input, as a session uses it. It
// answers the app's reads of sys.stdin (pdb's prompt, input()) where the
// inspector does not: headless on a terminal, with the lines typed there,
// as pdb works under `flask run`; without a terminal, with the end of
// input at once, so pdb quits instead of hanging the request. With the
// inspector it answers only reads outside any request (pdb at import
// time), with the end of input and a notice: the inspector's pdb console
// belongs to requests.
//
// Headless on a terminal, a line typed while no app reads stdin is a
// command (consoleCommands): the portable way to reload and to release
// held requests, for platforms without SIGHUP and SIGUSR1.

// consoleCommand is one command typed on the console.
type consoleCommand struct {
	keys []string // what is typed, before Enter
	act  sessionAction
	does string // for the list ?⏎ shows
}

var consoleCommands = []consoleCommand{
	{keys: []string{"r"}, act: doReload, does: "reload the app"},
	{keys: []string{"c"}, act: doRelease, does: "continue every request held in the debugger"},
	{keys: []string{"?", "h"}, act: doHelp, does: "list these commands"},
}

// consoleAction is what a typed line asks for: doNothing for an empty line,
// and ok false for one that is no command.
func consoleAction(line string) (act sessionAction, ok bool) {
	line = strings.TrimSpace(line)
	if line == "" {
		return doNothing, true
	}
	for _, c := range consoleCommands {
		for _, k := range c.keys {
			if line == k {
				return c.act, true
			}
		}
	}
	return doNothing, false
}

// consoleHelp lists the commands on one line.
func consoleHelp() string {
	parts := make([]string, len(consoleCommands))
	for i, c := range consoleCommands {
		parts[i] = strings.Join(c.keys, "⏎ or ") + "⏎ " + c.does
	}
	return "commands (when no app reads stdin): " + strings.Join(parts, " · ")
}

// typed is one read of the terminal: a line, or the end of input (Ctrl-D).
type typed struct {
	line string
	eof  bool
}

// console is the session's side of its standard input.
type console struct {
	s        *Session
	atImport chan struct{} // the app reads stdin outside any request
}

// onInput is the runner's OnInput: it must not block.
func (c *console) onInput() {
	select {
	case c.atImport <- struct{}{}:
	default:
	}
}

// run answers the app's reads, and with a terminal takes commands, until
// ctx ends.
func (c *console) run(ctx context.Context) {
	var lines <-chan typed
	if c.s.hasConsole() {
		lines = readLines(ctx, c.s.cfg.Terminal)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.atImport:
			c.importRead(ctx, lines)
		case <-c.s.srv.stdin.asked:
			if lines == nil && !c.s.cfg.Inspector { // nobody can type: the end of input, at once
				for _, id := range c.s.srv.stdin.waiting() {
					c.s.srv.Input(id, "", true)
				}
			}
		case t := <-lines:
			c.typed(t)
		}
	}
}

// importRead answers a read of stdin outside any request.
func (c *console) importRead(ctx context.Context, lines <-chan typed) {
	if lines == nil {
		if c.s.cfg.Inspector {
			c.s.notice("the app read stdin outside a request (pdb or input() at import?) and got end of input: " +
				"the inspector answers stdin only inside requests; run with --no-tui to debug an import")
		}
		c.s.runner.Input("", true)
		return
	}
	select {
	case t := <-lines:
		c.s.runner.Input(t.line, t.eof)
	case <-ctx.Done():
	}
}

// typed gives a line to the app that reads stdin, or else runs it as a
// command.
func (c *console) typed(t typed) {
	if id, ok := c.s.srv.stdin.reader(); ok {
		c.s.srv.Input(id, t.line, t.eof) // an error: the request ended meanwhile
		return
	}
	if t.eof {
		return
	}
	act, ok := consoleAction(t.line)
	switch {
	case !ok:
		c.s.notice("no command " + quoteLine(t.line) + "; " + consoleHelp())
	case act == doHelp:
		c.s.notice(consoleHelp())
	default:
		c.s.do(act, strings.TrimSpace(t.line)+"⏎")
	}
}

func quoteLine(line string) string {
	return `"` + strings.TrimRight(line, "\r\n") + `"`
}

// readLines reads in from its own goroutine, a line at a time, until ctx
// ends. After an end of input (Ctrl-D, which a terminal can take again)
// or an error (a read from the background: see quietBackgroundReads) it
// waits a second before it reads again, so a terminal that is gone costs
// a read a second, not a busy loop.
func readLines(ctx context.Context, in io.Reader) <-chan typed {
	quietBackgroundReads()
	out := make(chan typed)
	br := bufio.NewReader(in)
	go func() {
		for ctx.Err() == nil {
			line, err := br.ReadString('\n')
			if line != "" && !send(ctx, out, typed{line: line}) {
				return
			}
			if err == nil {
				continue
			}
			if errors.Is(err, io.EOF) && !send(ctx, out, typed{eof: true}) {
				return
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	return out
}

func send(ctx context.Context, out chan<- typed, t typed) bool {
	select {
	case out <- t:
		return true
	case <-ctx.Done():
		return false
	}
}

// notice publishes a line from wsgidev itself.
func (s *Session) notice(text string) {
	s.hub.Publish(exchange.Update{Notice: &exchange.Notice{At: time.Now(), Text: text}})
}
