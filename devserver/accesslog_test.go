package devserver

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// A log that fell behind says how much of the app's output it skipped.
func TestLogSaysSkippedOutput(t *testing.T) {
	hub := exchange.NewHub()
	sub := hub.Subscribe()
	for range 5000 { // more than a subscriber holds
		hub.Publish(exchange.Update{Output: &exchange.Output{Stream: "stdout", Line: "tick"}})
	}
	hub.Publish(exchange.Update{Started: &exchange.Exchange{ID: 1}})
	var out bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	Log{Out: &out}.Run(ctx, sub)
	got := out.String()
	if n := strings.Count(got, "app| tick\n"); n != 4096 {
		t.Errorf("%d lines of output printed, want the 4096 the subscription held", n)
	}
	if !strings.Contains(got, "wsgidev: the log fell behind and skipped 904 lines of the app's output and 1 other updates") {
		t.Errorf("the log does not say what it skipped:\n%s", got[len(got)-min(len(got), 300):])
	}
}
