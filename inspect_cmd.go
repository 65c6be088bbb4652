package main

// wsgidev inspect: a capture or a HAR file in the inspector, without
// serving; with --app, an app started here to replay against.

import (
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/inspector"
)

const inspectHelp = `Open a capture (serve --capture, or w in the inspector) or a HAR file in the
inspector, without serving: each request with its environ, chunks, log and
timeline as they were recorded. Nothing is sent anywhere.

   wsgidev inspect capture.jsonl
   wsgidev inspect site.har
   wsgidev inspect capture.jsonl --app app.py    r, e and pins replay against app.py,
                                                 started here as serve starts it

--python, --env and --env-file say how to run the --app.

Problems in the file are reported with their line numbers on stderr and in the
inspector's log pane (L), and the good entries are shown; the exit status is
then 2.`

var inspectFlags = append([]cli.Flag{
	&cli.StringFlag{Name: "app", Usage: "start this `APPSPEC` here, so that r, e and pins replay against it"},
	&cli.BoolFlag{Name: "explain", Usage: "start the inspector in explain mode (the key X toggles it)"},
	&cli.BoolFlag{Name: "large", Usage: "a high-contrast, bold inspector theme that reads on a projector"},
}, childFlags...)

var inspectCommand = &cli.Command{
	Name:        "inspect",
	Usage:       "open a capture or a HAR file in the inspector, without serving",
	ArgsUsage:   "CAPTURE|HAR",
	Description: inspectHelp,
	Flags:       inspectFlags,
	Action:      inspect,
}

// noReplay is what the replay keys say without --app.
const noReplay = "nothing to replay against: wsgidev inspect FILE --app APPSPEC starts an app for r, e and pins"

func inspect(c *cli.Context) error {
	fail := func(msg string) error { return cli.Exit("wsgidev inspect: "+msg, 2) }
	src, err := readSource(c, "inspect")
	if err != nil {
		return err
	}
	if !wantTUI(false, c.App.Writer) {
		return fail("the inspector needs a terminal (standard input and output); wsgidev export writes a capture as HAR, curl commands or pytest")
	}
	exs, lastID := loadedExchanges(src)
	if len(exs) == 0 {
		return fail(src.Name + " has no requests to show")
	}
	hdr := src.Header()
	opts := inspector.Options{
		AppLabel: fmt.Sprintf("%s · %s", filepath.Base(src.Name), exchange.Plural(len(exs), "request")),
		NoColor:  os.Getenv("NO_COLOR") != "", Keep: len(exs) + inspector.DefaultKeep,
		Loaded: exs, Notes: problemLines(src), NoReplay: noReplay,
		Explain: explainTexts{}, ExplainOn: c.Bool("explain"), Large: c.Bool("large"),
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if spec := c.String("app"); spec != "" {
		cwd, err := os.Getwd()
		if err != nil {
			return fail(err.Error())
		}
		bodyCap := max(hdr.BodyMax, defaultBodyCap)
		sess, sub, hello, err := startApp(ctx, c, appStart{spec: spec, dir: cwd, scriptName: hdr.ScriptName, bodyCap: bodyCap, firstID: lastID, inspector: true})
		if err != nil {
			return fail(importError(spec, err).Error())
		}
		defer sess.Stop()
		opts.AppLabel += " · replays to " + spec
		opts.Control, opts.Updates, opts.URL, opts.Python, opts.NoReplay = sess.Control(), sub, sess.URL(), "Python "+hello.Python, ""
		hdr = sess.CaptureHeader(hello)
		hdr.App, hdr.Dir = spec, cwd
	}
	opts.Save = saveTo(hdr)
	if err := inspector.Run(ctx, opts); err != nil {
		return cli.Exit("wsgidev inspect: "+err.Error(), 1)
	}
	if src.HasErrors() {
		return fail(fmt.Sprintf("%s has bad lines (above); showed the good ones (%s)", src.Name, exchange.Plural(len(exs), "request")))
	}
	return nil
}

// loadedExchanges are the file's exchanges for the inspector, numbered as
// in the file when it numbers each once, else 1, 2, 3… in file order (a
// capture appended to by several sessions starts again at 1 in each, and
// a browser's HAR has no numbers), replays still pointing at their
// originals. lastID is the highest number.
func loadedExchanges(src *capture.Source) (exs []*exchange.Exchange, lastID uint64) {
	seen := map[uint64]bool{}
	unique := true
	for _, e := range src.Entries {
		id := e.Exchange.ID
		unique = unique && id != 0 && !seen[id]
		seen[id] = true
		exs = append(exs, e.Exchange)
		lastID = max(lastID, id)
	}
	if unique {
		return exs, lastID
	}
	type key struct {
		session int
		id      uint64
	}
	renumbered := map[key]uint64{}
	for i, e := range src.Entries {
		renumbered[key{e.Session, e.Exchange.ID}] = uint64(i + 1)
	}
	for i, e := range src.Entries {
		ex := e.Exchange
		ex.ID = uint64(i + 1)
		if n, ok := renumbered[key{e.Session, ex.ReplayOf}]; ok && ex.ReplayOf != 0 {
			ex.ReplayOf = n
		}
	}
	return exs, uint64(len(exs))
}

// problemLines are the file's problems, as readSource prints them.
func problemLines(src *capture.Source) []string {
	var lines []string
	for _, p := range src.Problems {
		kind := "error"
		if p.Warning {
			kind = "warning"
		}
		lines = append(lines, fmt.Sprintf("%s: %s: %s", src.Name, kind, p))
	}
	return lines
}

// saveTo writes the inspector's w: a capture file with header h, started
// when it is written.
func saveTo(h capture.Header) func(string, []*exchange.Exchange, bool) error {
	h.Wsgidev = version
	return func(path string, exs []*exchange.Exchange, replace bool) error {
		h := h
		h.Started = time.Now()
		return capture.WriteFile(path, h, exs, replace)
	}
}
