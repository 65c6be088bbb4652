package main

import (
	"bufio"
	"context"
	"io"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

// appStdin answers the app's reads of sys.stdin (pdb's prompt, input())
// where the inspector does not: headless on a terminal, from wsgidev's own
// standard input, as pdb works under `flask run`; without a terminal, with
// the end of input at once, so pdb quits instead of hanging the request.
// With the inspector, it answers only reads outside any request (pdb at
// import time), with the end of input and a notice: the inspector's pdb
// console belongs to requests.
type appStdin struct {
	in          *bufio.Reader
	interactive bool
	tui         bool
	hub         *exchange.Hub
	srv         *devserver.Server
	runner      *pyrunner.Runner
	atImport    chan struct{} // the app reads stdin outside any request
}

func newAppStdin(in io.Reader, interactive bool) *appStdin {
	return &appStdin{in: bufio.NewReader(in), interactive: interactive, atImport: make(chan struct{}, 1)}
}

// onInput is the runner's OnInput: it must not block.
func (a *appStdin) onInput() {
	select {
	case a.atImport <- struct{}{}:
	default:
	}
}

// run answers each read until ctx ends. One line typed answers one read;
// a line typed early waits in the terminal until the app asks.
func (a *appStdin) run(ctx context.Context, sub *exchange.Subscription) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-a.atImport:
			if a.tui {
				a.hub.Publish(exchange.Update{Notice: &exchange.Notice{At: time.Now(), Text: "the app read stdin " +
					"outside a request (pdb or input() at import?) and got end of input: the inspector answers " +
					"stdin only inside requests; run with --no-tui to debug an import"}})
				a.runner.Input("", true)
				continue
			}
			line, eof := a.line()
			a.runner.Input(line, eof)
		case <-wake(sub):
			updates, _ := sub.Drain()
			for _, u := range updates {
				if u.Event != nil && u.Event.Event.Kind == exchange.EventInput {
					line, eof := a.line()
					a.srv.Input(u.Event.ID, line, eof) // an error: the request ended meanwhile
				}
			}
		}
	}
}

// wake is sub's wake channel; nil (never ready) without a subscription.
func wake(sub *exchange.Subscription) <-chan struct{} {
	if sub == nil {
		return nil
	}
	return sub.Wake()
}

// line reads one line for the app, or says the input has ended.
func (a *appStdin) line() (string, bool) {
	if !a.interactive {
		return "", true
	}
	line, err := a.in.ReadString('\n')
	if line == "" && err != nil {
		return "", true
	}
	return line, false
}
