package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/inspector"
)

// The session's Control is what the inspector is handed: the method sets
// match, so devserver need not import the inspector.
var (
	_ inspector.Control        = (*devserver.Control)(nil)
	_ inspector.StepControl    = (*devserver.Control)(nil)
	_ inspector.ConsoleControl = (*devserver.Control)(nil)
)

// presentation is whichever shows the exchanges: the inspector on a
// terminal, the headless log otherwise.
type presentation struct {
	isTUI bool
	tui   chan struct{} // closed when the user quits the inspector
	done  chan struct{} // closed when the presentation has finished
	stop  context.CancelFunc
}

// wait stops the presentation and waits until it has finished; safe twice.
// A terminal that hung up may never take the inspector's last writes, so
// that wait is bounded: shutting down matters more than a tidy screen.
func (p presentation) wait() {
	p.stop()
	select {
	case <-p.done:
	case <-time.After(2 * time.Second):
	}
}

// wantTUI: the inspector when stdout and stdin are terminals and --no-tui
// was not given.
func wantTUI(noTUI bool, out io.Writer) bool {
	return !noTUI && isTerminal(out) && stdinIsTerminal()
}

func stdinIsTerminal() bool { return term.IsTerminal(int(os.Stdin.Fd())) }

func useColor(w io.Writer) bool {
	f, ok := w.(*os.File)
	return os.Getenv("NO_COLOR") == "" && ok && isTerminal(f) && enableVT(f)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// present starts the inspector or the headless log.
func present(out io.Writer, sub *exchange.Subscription, tui bool, opts inspector.Options) presentation {
	pctx, stop := context.WithCancel(context.Background())
	p := presentation{tui: make(chan struct{}), done: make(chan struct{}), stop: stop}
	if !tui {
		go func() {
			devserver.Log{Out: out, Color: useColor(out)}.Run(pctx, sub)
			close(p.done)
		}()
		return p
	}
	opts.Updates = sub
	p.isTUI = true
	go func() {
		if err := inspector.Run(pctx, opts); err != nil {
			fmt.Fprintln(os.Stderr, "wsgidev: inspector:", err)
		}
		close(p.tui)
		close(p.done)
	}()
	return p
}
