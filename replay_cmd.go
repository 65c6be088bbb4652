package main

// wsgidev replay: send captured requests again and compare the answers.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
)

const replayHelp = `Send the requests of a capture (serve --capture) or a HAR file again, in order,
and say for each whether the answer matches the captured one: the status, the
headers and the body, with a unified diff for bodies that differ.

   wsgidev replay capture.jsonl                 the app the capture was made with, started
                                                here as serve starts it (from the folder
                                                serve ran in)
   wsgidev replay capture.jsonl --app app.py    another app, from this folder
   wsgidev replay site.har --url http://127.0.0.1:8000
                                                a server already running
   wsgidev replay capture.jsonl --update        accept the new answers: rewrite the capture

Each request is sent as captured: method, target, headers (less Host,
Content-Length and hop-by-hop ones), body. Headers that change by themselves
are not compared: Date, Server, Last-Modified, Expires, Age, Set-Cookie values
(the cookie names are), ETag (unless --compare-etag), Content-Length when the
body differs anyway, and any --headers-volatile. A body the capture cut at its
cap is compared as far as it was kept, and the sizes.

--filter (repeatable; all must match):
   ` + capture.FilterHelp + `

Exit status: 0 when every answer matches (or --update wrote them), 1 when any
differs, 2 on bad input (bad lines in the file, a bad flag, an app that does
not import) or when the server is down.`

var replayFlags = []cli.Flag{
	&cli.StringSliceFlag{Name: "filter", Usage: "only the requests that match (repeatable; see above)"},
	&cli.StringFlag{Name: "app", Usage: "start this `APPSPEC` here and replay to it (default: the capture's app)"},
	&cli.StringFlag{Name: "url", Usage: "replay to a running server at `URL` instead of starting the app"},
	&cli.BoolFlag{Name: "update", Usage: "rewrite the capture with the new answers of the requests that differ"},
	&cli.StringSliceFlag{Name: "headers-volatile", Usage: "also leave this response header out of the comparison (repeatable, or comma-separated)"},
	&cli.BoolFlag{Name: "compare-etag", Usage: "compare ETag headers too"},
	&cli.BoolFlag{Name: "keep-host", Usage: "send the captured Host header, for apps that build absolute URLs from it"},
	&cli.DurationFlag{Name: "timeout", Value: 30 * time.Second, Usage: "how long to wait for each answer"},
	&cli.IntFlag{Name: "diff-lines", Value: 200, Usage: "show at most this many lines of each body diff (0: all)"},
	&cli.StringFlag{Name: "python", Usage: "when the app is started here (no --url): the interpreter to run it with"},
	&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "when the app is started here: KEY=VALUE for its environment (repeatable)"},
	&cli.StringFlag{Name: "env-file", Usage: "when the app is started here: a file of KEY=VALUE lines for its environment"},
}

// replayCounts tallies the outcomes.
type replayCounts struct{ match, differ, skipped, failed, down int }

func replay(c *cli.Context) error {
	fail := func(msg string) error { return cli.Exit("wsgidev replay: "+msg, 2) }
	if c.String("app") != "" && c.String("url") != "" {
		return fail("give --app or --url, not both")
	}
	src, err := readSource(c, "replay")
	if err != nil {
		return err
	}
	if c.Bool("update") && src.Format != capture.FormatCapture {
		return fail(fmt.Sprintf("--update rewrites wsgidev capture files; %s is a %s file", src.Name, src.Format))
	}
	if c.Bool("update") && src.HasErrors() {
		return fail(fmt.Sprintf("--update would rewrite %s, which has bad lines (above); fix or remove them first", src.Name))
	}
	entries, err := filtered(c, "replay", src)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	bodyCap := max(src.Header().BodyMax, defaultBodyCap)
	target := devserver.ReplayTarget{
		URL: c.String("url"), Client: devserver.NewReplayClient(c.Duration("timeout")),
		BodyCap: bodyCap, KeepHost: c.Bool("keep-host"),
	}
	out := c.App.Writer
	against := target.URL
	if target.URL != "" {
		if err := checkURL(target.URL); err != nil {
			return fail(err.Error())
		}
	} else {
		spec, dir, err := appFor(c, src)
		if err != nil {
			return fail(err.Error() + ", or --url URL")
		}
		rs, err := startReplayServer(ctx, c, spec, dir, src.Header().ScriptName, bodyCap)
		if err != nil {
			var le *pyrunner.LoadError
			if errors.As(err, &le) {
				return fail(fmt.Sprintf("%s failed to import: %s: %s\n%s", spec, le.Kind, le.Message, le.Traceback))
			}
			return fail(err.Error())
		}
		defer rs.stop()
		target.URL, target.Recorded = rs.url, rs.sub
		against = fmt.Sprintf("%s (started here from %s, at %s)", rs.label, dir, rs.url)
	}
	fmt.Fprintf(out, "replaying %d of %s from %s against %s\n", len(entries), plural(len(src.Entries), "request"), src.Name, against)
	opts := capture.CompareOptions{Volatile: splitList(c.StringSlice("headers-volatile")), CompareETag: c.Bool("compare-etag")}
	var n replayCounts
	updates := map[int]*exchange.Exchange{} // by line, for --update
	for _, e := range entries {
		if ctx.Err() != nil {
			return fail("interrupted")
		}
		o := opts
		o.NoResponseBody, o.Foreign = e.NoResponseBody, e.Foreign
		res := devserver.Replay(ctx, target, e.Exchange, o)
		printReplayed(out, e, res, c.Int("diff-lines"), &n)
		if !res.Match() && res.Err == nil && res.Skipped == "" {
			updates[e.Line] = capture.WithAnswer(e.Exchange, res.New)
		}
	}
	fmt.Fprintln(out, summary(n))
	if c.Bool("update") && len(updates) > 0 && n.down == 0 {
		if err := capture.Rewrite(src.Name, updates, src.Header().BodyMax); err != nil {
			return fail(err.Error())
		}
		fmt.Fprintf(out, "updated %s in %s with the new answers\n", plural(len(updates), "request"), src.Name)
		n.differ = 0
	}
	switch {
	case n.down > 0:
		return cli.Exit(fmt.Sprintf("wsgidev replay: the server was down for %s", plural(n.down, "request")), 2)
	case src.HasErrors():
		return cli.Exit("wsgidev replay: "+src.Name+" has bad lines (above); replayed the good ones", 2)
	case n.differ > 0 || n.failed > 0:
		return cli.Exit("", 1)
	}
	return nil
}

func printReplayed(w io.Writer, e capture.Entry, res devserver.Replayed, diffLines int, n *replayCounts) {
	ex := res.Original
	what := fmt.Sprintf("%s %s", ex.Method, ex.Target)
	status := fmt.Sprint(ex.Status)
	const indent = "           "
	switch {
	case res.Err != nil && res.Down:
		n.down++
		fmt.Fprintf(w, "  DOWN     %s  %s: %v\n", what, e.Label(), res.Err)
	case res.Err != nil:
		n.failed++
		fmt.Fprintf(w, "  FAILED   %s  %s: %v\n", what, e.Label(), res.Err)
	case res.Skipped != "":
		n.skipped++
		fmt.Fprintf(w, "  sent     %s → %d  %s: not compared: %s\n", what, res.New.Status, e.Label(), res.Skipped)
	case res.Diff.Match():
		n.match++
		fmt.Fprintf(w, "  match    %s → %s  %s\n", what, status, e.Label())
	default:
		n.differ++
		if res.New.Status != ex.Status {
			status += " → " + fmt.Sprint(res.New.Status)
		}
		fmt.Fprintf(w, "  DIFFERS  %s → %s  %s: %s\n", what, status, e.Label(), res.Diff.What())
		res.Diff.Write(w, indent, diffLines)
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

func summary(n replayCounts) string {
	total := n.match + n.differ + n.skipped + n.failed + n.down
	parts := []string{fmt.Sprintf("%d match", n.match), fmt.Sprintf("%d differ", n.differ)}
	if n.skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d not compared", n.skipped))
	}
	if n.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", n.failed))
	}
	if n.down > 0 {
		parts = append(parts, fmt.Sprintf("%d not sent: server down", n.down))
	}
	return fmt.Sprintf("%s: %s", plural(total, "request"), strings.Join(parts, ", "))
}

// splitList accepts repeated and comma-separated values.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
