package main

import (
	"context"
	"strings"
	"time"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/inspector"
)

// control is what the inspector may ask of the server: reloads, and
// replays of what it shows, sent to this server over HTTP and recorded
// by it as replays (the new exchange is linked to its original).
type control struct {
	*reloader
	srv  *devserver.Server
	hub  *exchange.Hub
	base string // the server's own address, http://127.0.0.1:PORT; targets carry any --script-name
}

var _ inspector.Control = (*control)(nil)

// replayTimeout bounds one replay, so a hanging app ends a pin run too.
const replayTimeout = 30 * time.Second

// Replay sends req.Request again and compares the server's record of the
// answer with req.Against's, volatile headers ignored as in `wsgidev replay`.
func (c *control) Replay(req exchange.ReplayRequest) exchange.ReplayResult {
	sent := *req.Request
	if a := req.Against; a != nil {
		sent.Status, sent.ResponseHeaders, sent.ResponseBody, sent.Failure = a.Status, a.ResponseHeaders, a.ResponseBody, a.Failure
	}
	sub := c.hub.Subscribe() // its own, per replay: Replay drains it
	defer sub.Close()
	client := c.srv.ReplayClient(req.Of, replayTimeout)
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), replayTimeout)
	defer cancel()
	target := devserver.ReplayTarget{URL: c.base, Client: client, KeepHost: true, Recorded: sub}
	res := devserver.Replay(ctx, target, &sent, capture.CompareOptions{})
	return replayResult(res)
}

// replayResult turns a replay into the plain data the inspector shows.
func replayResult(res devserver.Replayed) exchange.ReplayResult {
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
func (c *control) Curl(ex *exchange.Exchange) string {
	return capture.CurlCommand(ex, capture.ShellQuote(c.base))
}
