package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/inspector"
	"github.com/wsgidev/wsgidev/pyrunner"
	"github.com/wsgidev/wsgidev/reload"
)

var serveFlags = slices.Concat([]cli.Flag{
	&cli.StringFlag{Name: "host", Value: "127.0.0.1", Usage: "address to bind; anything but loopback makes the server reachable from the network"},
	&cli.IntFlag{Name: "port", Aliases: []string{"p"}, Value: 8000, Usage: "port to bind; 0 picks a free one"},
}, servingFlags, childFlags, []cli.Flag{
	&cli.IntFlag{Name: "threads", Value: 32, Usage: "worker threads in the child (streaming requests each hold one)"},
	&cli.StringFlag{Name: "script-name", Usage: "mount the app under a prefix such as /api: SCRIPT_NAME is the prefix, other paths get 404"},
	&cli.IntFlag{Name: "keep", Value: inspector.DefaultKeep, Usage: "how many requests the inspector holds; older ones are dropped"},
	&cli.StringSliceFlag{Name: "break", Usage: "hold requests matching `EXPR` in the debugger before the app runs (repeatable): next, GET, /api/*, header:X-Debug=1, terms combined; the inspector steps them, headless the banner says what releases them"},
	&cli.BoolFlag{Name: "no-tui", Usage: "plain log output instead of the inspector (also when stdout is not a terminal)"},
	&cli.BoolFlag{Name: "explain", Usage: "start the inspector in explain mode: what each environ key means and where it came from, per PEP 3333 (the key X toggles it)"},
	&cli.BoolFlag{Name: "large", Usage: "a high-contrast, bold inspector theme that reads on a projector (NO_COLOR still drops colour)"},
	&cli.BoolFlag{Name: "no-reload", Usage: "do not restart the app when files change"},
	&cli.BoolFlag{Name: "no-warm", Usage: "reload by starting a new Python instead of forking one that has the app's libraries imported"},
	&cli.BoolFlag{Name: "all-layers", Usage: "record what each layer changes for every request, not for at most 100 a second (--capture does too); a load test then pays for it"},
	&cli.BoolFlag{Name: "no-layers", Usage: "do not look for the middleware the app wraps, nor record what each layer changes (the Layers tab stays empty)"},
	&cli.StringSliceFlag{Name: "watch", Usage: "also watch this file or folder for changes (repeatable)"},
	&cli.StringSliceFlag{Name: "ignore", Usage: "gitignore-style glob of paths whose changes never reload (repeatable)"},
	&cli.StringFlag{Name: "ext", Value: "py", Usage: "comma-separated extensions whose changes reload, e.g. py,html,toml"},
	&cli.BoolFlag{Name: "poll", Usage: "poll for changes instead of inotify (for file systems that send no events)"},
	&cli.DurationFlag{Name: "grace", Value: 5 * time.Second, Usage: "how long requests in flight may finish on the old code after a reload"},
}, postMortemFlags, captureFlags)

// serve runs `wsgidev serve`: the session serves, the watcher feeds it,
// and the inspector or the log shows it.
func serve(c *cli.Context) error {
	fail := func(err error) error { return cli.Exit("wsgidev: "+err.Error(), 1) }
	cfg, choice, err := sessionConfig(c)
	if err != nil {
		return fail(err)
	}
	var watcher *reload.Watcher
	if !c.Bool("no-reload") {
		if watcher, err = newWatcher(c, choice.spec, cfg.Child.Dir); err != nil {
			return fail(err)
		}
		defer watcher.Close()
		cfg.Child.OnModules = watcher.AddFiles
	}
	sess, err := devserver.NewSession(cfg)
	if err != nil {
		return fail(err)
	}
	defer sess.Stop()
	logSub := sess.Hub().Subscribe() // before the child starts: the log sees it start
	hello, err := sess.Start(c.Context)
	if err != nil {
		return fail(err)
	}
	info, loadErr := sess.Loaded()
	if le := (*pyrunner.LoadError)(nil); errors.As(loadErr, &le) && le.Kind == pyrunner.LoadBadSpec {
		return fail(fmt.Errorf("APPSPEC %s: %s", choice.spec, le.Message)) // no save can fix it
	}
	out := c.App.Writer
	printBanner(out, bannerFor(c, cfg, choice, sess, watcher, hello, info, loadErr))
	if watcher != nil {
		go follow(watcher, sess)
	}
	shown := present(out, logSub, cfg.Inspector, inspector.Options{
		AppLabel: appLabel(choice, info, loadErr), Python: "Python " + hello.Python,
		URL: sess.URL(), Watching: watching(watcher), NoColor: os.Getenv("NO_COLOR") != "",
		Control: sess.Control(), Keep: c.Int("keep"),
		Explain: explainTexts{}, ExplainOn: c.Bool("explain"), Large: c.Bool("large"),
		Save: saveTo(sess.CaptureHeader(hello)),
	})
	defer shown.wait()
	if err := sess.Wait(shown.tui); err != nil {
		return fail(err)
	}
	shown.wait() // give the terminal back before printing
	fmt.Fprintln(out, "wsgidev: shutting down (Ctrl-C again to quit at once)")
	if errors.Is(sess.Stop(), devserver.ErrInterrupted) {
		return cli.Exit("", 130)
	}
	return nil
}

// sessionConfig reads serve's flags: the app, its Python, where to serve
// it, and whether the inspector or the terminal is there.
func sessionConfig(c *cli.Context) (devserver.SessionConfig, appChoice, error) {
	var cfg devserver.SessionConfig
	dir, err := os.Getwd()
	if err != nil {
		return cfg, appChoice{}, err
	}
	choice, err := chooseApp(c, dir)
	if err != nil {
		return cfg, choice, err
	}
	if cfg.Child, choice.dotenv, err = childConfig(c, choice.spec, dir); err != nil {
		return cfg, choice, err
	}
	cfg.Child.Threads, cfg.Child.Warm, cfg.Child.NoLayers = c.Int("threads"), warmReloads(c), c.Bool("no-layers")
	cfg.AllLayers = c.Bool("all-layers")
	if cfg.Breaks, err = parseBreaks(c.StringSlice("break")); err != nil {
		return cfg, choice, err
	}
	cfg.ScriptName = strings.TrimRight(c.String("script-name"), "/")
	if cfg.ScriptName != "" && !strings.HasPrefix(cfg.ScriptName, "/") {
		return cfg, choice, fmt.Errorf("--script-name %q must start with /, e.g. /api", cfg.ScriptName)
	}
	if cfg.BodyCap = c.Int("capture-body-max"); cfg.BodyCap <= 0 {
		return cfg, choice, fmt.Errorf("--capture-body-max %d: give a number of bytes above 0", cfg.BodyCap)
	}
	if err := readServing(c, &cfg); err != nil {
		return cfg, choice, err
	}
	cfg.Version, cfg.Grace = version, c.Duration("grace")
	cfg.Inspector, cfg.Signals = wantTUI(c.Bool("no-tui"), c.App.Writer), true
	if !cfg.Inspector && stdinIsTerminal() {
		cfg.Terminal = os.Stdin
	}
	if err := readPostMortem(c, &cfg); err != nil {
		return cfg, choice, err
	}
	cfg.Capture, cfg.Stderr = c.String("capture"), c.App.ErrWriter
	cfg.CaptureHeader = capture.Header{App: choice.spec.String(), Dir: dir, Wsgidev: version}
	return cfg, choice, nil
}

// parseBreaks reads every --break.
func parseBreaks(exprs []string) ([]devserver.Breakpoint, error) {
	breaks := make([]devserver.Breakpoint, 0, len(exprs))
	for _, expr := range exprs {
		b, err := devserver.ParseBreakpoint(expr)
		if err != nil {
			return nil, fmt.Errorf("--break: %w", err)
		}
		breaks = append(breaks, b)
	}
	return breaks, nil
}

// warmReloads says whether reloads fork from a template (pyrunner/template.go).
func warmReloads(c *cli.Context) bool {
	return !c.Bool("no-warm") && !c.Bool("no-reload") && pyrunner.WarmReloads
}
