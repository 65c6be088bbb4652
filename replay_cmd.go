package main

// wsgidev replay: send captured requests again and compare the answers.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
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

--python, --env and --env-file say how to run an app started here (no --url).

--filter (repeatable; all must match):
   ` + capture.FilterHelp + `

Exit status: 0 when every answer matches (or --update wrote them), 1 when any
differs, 2 on bad input (bad lines in the file, a bad flag, an app that does
not import) or when the server is down.`

var replayFlags = append([]cli.Flag{
	&cli.StringSliceFlag{Name: "filter", Usage: "only the requests that match (repeatable; see above)"},
	&cli.StringFlag{Name: "app", Usage: "start this `APPSPEC` here and replay to it (default: the capture's app)"},
	&cli.StringFlag{Name: "url", Usage: "replay to a running server at `URL` instead of starting the app"},
	&cli.BoolFlag{Name: "update", Usage: "rewrite the capture with the new answers of the requests that differ"},
	&cli.StringSliceFlag{Name: "headers-volatile", Usage: "also leave this response header out of the comparison (repeatable, or comma-separated)"},
	&cli.BoolFlag{Name: "compare-etag", Usage: "compare ETag headers too"},
	&cli.BoolFlag{Name: "keep-host", Usage: "send the captured Host header, for apps that build absolute URLs from it"},
	&cli.DurationFlag{Name: "timeout", Value: 30 * time.Second, Usage: "how long to wait for each answer"},
	&cli.IntFlag{Name: "diff-lines", Value: 200, Usage: "show at most this many lines of each body diff (0: all)"},
}, childFlags...)

func replay(c *cli.Context) error {
	fail := func(msg string) error { return cli.Exit("wsgidev replay: "+msg, 2) }
	src, entries, err := replaySource(c)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	run := devserver.ReplayRun{
		Compare:   capture.CompareOptions{Volatile: splitList(c.StringSlice("headers-volatile")), CompareETag: c.Bool("compare-etag")},
		DiffLines: c.Int("diff-lines"), Out: c.App.Writer,
	}
	against, stopApp, err := replayTarget(ctx, c, src, &run.Target)
	if err != nil {
		return fail(err.Error())
	}
	defer stopApp()
	fmt.Fprintf(run.Out, "replaying %d of %s from %s against %s\n", len(entries), exchange.Plural(len(src.Entries), "request"), src.Name, against)
	n, updates, err := run.Run(ctx, entries)
	if err != nil {
		return fail(err.Error())
	}
	if c.Bool("update") && len(updates) > 0 && n.Down == 0 {
		if err := capture.Rewrite(src.Name, updates, src.Header().BodyMax); err != nil {
			return fail(err.Error())
		}
		fmt.Fprintf(run.Out, "updated %s in %s with the new answers\n", exchange.Plural(len(updates), "request"), src.Name)
		n.Differ = 0
	}
	switch {
	case n.Down > 0:
		return cli.Exit(fmt.Sprintf("wsgidev replay: the server was down for %s", exchange.Plural(n.Down, "request")), 2)
	case src.HasErrors():
		return cli.Exit("wsgidev replay: "+src.Name+" has bad lines (above); replayed the good ones", 2)
	case n.Differ > 0 || n.Failed > 0:
		return cli.Exit("", 1)
	}
	return nil
}

// replaySource reads the capture and the requests --filter selects, and
// checks the flags that depend on it.
func replaySource(c *cli.Context) (*capture.Source, []capture.Entry, error) {
	fail := func(msg string) error { return cli.Exit("wsgidev replay: "+msg, 2) }
	if c.String("app") != "" && c.String("url") != "" {
		return nil, nil, fail("give --app or --url, not both")
	}
	src, err := readSource(c, "replay")
	if err != nil {
		return nil, nil, err
	}
	if c.Bool("update") && src.Format != capture.FormatCapture {
		return nil, nil, fail(fmt.Sprintf("--update rewrites wsgidev capture files; %s is a %s file", src.Name, src.Format))
	}
	if c.Bool("update") && src.HasErrors() {
		return nil, nil, fail(fmt.Sprintf("--update would rewrite %s, which has bad lines (above); fix or remove them first", src.Name))
	}
	entries, err := filtered(c, "replay", src)
	return src, entries, err
}

// replayTarget points t at --url, or at the app started here, and says
// which for the first line; stop stops an app started here.
func replayTarget(ctx context.Context, c *cli.Context, src *capture.Source, t *devserver.ReplayTarget) (against string, stop func(), err error) {
	t.URL, t.Client, t.KeepHost = c.String("url"), devserver.NewReplayClient(c.Duration("timeout")), c.Bool("keep-host")
	t.BodyCap = max(src.Header().BodyMax, defaultBodyCap)
	if t.URL != "" {
		return t.URL, func() {}, checkURL(t.URL)
	}
	spec, dir, err := appFor(c, src)
	if err != nil {
		return "", nil, errors.New(err.Error() + ", or --url URL")
	}
	sess, sub, _, err := startApp(ctx, c, appStart{spec: spec, dir: dir, scriptName: src.Header().ScriptName, bodyCap: t.BodyCap})
	if err != nil {
		return "", nil, importError(spec, err)
	}
	t.URL, t.Recorded = sess.BaseURL(), sub
	return fmt.Sprintf("%s (started here from %s, at %s)", spec, dir, sess.BaseURL()), func() { sess.Stop() }, nil
}

// importError says an app failed to import with its traceback; other
// errors as they are.
func importError(spec string, err error) error {
	var le *pyrunner.LoadError
	if errors.As(err, &le) {
		return fmt.Errorf("%s: %s\n%s", spec, le.Error(), le.Traceback)
	}
	return err
}

// appStart says how to start an app inside another command: replay's
// app, and the one wsgidev inspect --app replays against.
type appStart struct {
	spec, dir, scriptName string
	bodyCap               int
	firstID               uint64 // the session's exchanges are numbered after it
	inspector             bool   // the inspector shows the app's output and answers pdb; else output goes to stderr
}

// startApp starts an app as serve starts it, on a free loopback port, and
// subscribes to its hub: a replay compares with the server's own record
// of each answer, and the inspector shows it.
func startApp(ctx context.Context, c *cli.Context, a appStart) (*devserver.Session, *exchange.Subscription, pyrunner.Hello, error) {
	var hello pyrunner.Hello
	spec, err := pyrunner.ParseAppSpec(a.spec)
	if err != nil {
		return nil, nil, hello, err
	}
	if file := spec.File; file != "" {
		if !filepath.IsAbs(file) {
			file = filepath.Join(a.dir, file)
		}
		if _, err := os.Stat(file); err != nil {
			return nil, nil, hello, fmt.Errorf("%s: no such file in %s; give --app APPSPEC, or run wsgidev %s from the app's folder", spec.File, a.dir, c.Command.Name)
		}
	}
	child, _, err := childConfig(c, spec, a.dir)
	if err != nil {
		return nil, nil, hello, err
	}
	child.Threads = 4
	if !a.inspector {
		errw := c.App.ErrWriter
		child.OnOutput = func(o pyrunner.Output) { fmt.Fprintln(errw, "app|", exchange.Printable(o.Line)) }
	}
	sess, err := devserver.NewSession(devserver.SessionConfig{Child: child, Port: 0, ScriptName: a.scriptName, BodyCap: a.bodyCap,
		Version: version, FirstID: a.firstID, Inspector: a.inspector})
	if err != nil {
		return nil, nil, hello, err
	}
	sub := sess.Hub().Subscribe()
	if hello, err = sess.Start(ctx); err == nil {
		_, err = sess.Loaded()
	}
	if err != nil {
		sess.Stop()
		return nil, nil, hello, err
	}
	return sess, sub, hello, nil
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
