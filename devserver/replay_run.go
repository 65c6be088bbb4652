package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// ReplayRun is one `wsgidev replay`: the entries of a capture sent again
// in order, each outcome printed as it is compared.
type ReplayRun struct {
	Target    ReplayTarget
	Compare   capture.CompareOptions
	DiffLines int // at most this many lines of each body diff; 0: all
	Out       io.Writer
}

// ReplayCounts tallies a run's outcomes.
type ReplayCounts struct{ Match, Differ, Skipped, Failed, Down int }

// ErrReplayInterrupted is Run's error when ctx ended before every entry
// was sent.
var ErrReplayInterrupted = errors.New("interrupted")

// Run replays entries, prints each outcome and then a summary line, and
// returns the tallies and the new answers of the requests that differ,
// by the line they are on (for capture.Rewrite).
func (r ReplayRun) Run(ctx context.Context, entries []capture.Entry) (ReplayCounts, map[int]*exchange.Exchange, error) {
	var n ReplayCounts
	updates := map[int]*exchange.Exchange{}
	for _, e := range entries {
		if ctx.Err() != nil {
			return n, updates, ErrReplayInterrupted
		}
		o := r.Compare
		o.NoResponseBody, o.Foreign = e.NoResponseBody, e.Foreign
		res := Replay(ctx, r.Target, e.Exchange, o)
		r.print(e, res, &n)
		if !res.Match() && res.Err == nil && res.Skipped == "" {
			updates[e.Line] = capture.WithAnswer(e.Exchange, res.New)
		}
	}
	fmt.Fprintln(r.Out, n.summary())
	return n, updates, nil
}

func (r ReplayRun) print(e capture.Entry, res Replayed, n *ReplayCounts) {
	w, ex := r.Out, res.Original
	what := fmt.Sprintf("%s %s", ex.Method, ex.Target)
	status := fmt.Sprint(ex.Status)
	const indent = "           "
	switch {
	case res.Err != nil && res.Down:
		n.Down++
		fmt.Fprintf(w, "  DOWN     %s  %s: %v\n", what, e.Label(), res.Err)
	case res.Err != nil:
		n.Failed++
		fmt.Fprintf(w, "  FAILED   %s  %s: %v\n", what, e.Label(), res.Err)
	case res.Skipped != "":
		n.Skipped++
		fmt.Fprintf(w, "  sent     %s → %d  %s: not compared: %s\n", what, res.New.Status, e.Label(), res.Skipped)
	case res.Diff.Match():
		n.Match++
		fmt.Fprintf(w, "  match    %s → %s  %s\n", what, status, e.Label())
	default:
		n.Differ++
		if res.New.Status != ex.Status {
			status += " → " + fmt.Sprint(res.New.Status)
		}
		fmt.Fprintf(w, "  DIFFERS  %s → %s  %s: %s\n", what, status, e.Label(), res.Diff.What())
		res.Diff.Write(w, indent, r.DiffLines)
		for _, note := range res.Notes {
			fmt.Fprintf(w, "%snote: %s\n", indent, note)
		}
		return
	}
	if res.Err == nil {
		for _, note := range append(res.Notes, res.Diff.Notes...) {
			fmt.Fprintf(w, "%snote: %s\n", indent, note)
		}
	}
}

func (n ReplayCounts) summary() string {
	total := n.Match + n.Differ + n.Skipped + n.Failed + n.Down
	parts := []string{fmt.Sprintf("%d match", n.Match), fmt.Sprintf("%d differ", n.Differ)}
	if n.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d not compared", n.Skipped))
	}
	if n.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", n.Failed))
	}
	if n.Down > 0 {
		parts = append(parts, fmt.Sprintf("%d not sent: server down", n.Down))
	}
	return fmt.Sprintf("%s: %s", exchange.Plural(total, "request"), strings.Join(parts, ", "))
}
