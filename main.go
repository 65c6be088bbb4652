// Command wsgidev is a development server for Python WSGI apps: it answers
// HTTP in Go, runs the app in a child Python, and shows every request.
// This file is the CLI and the only place the packages are wired together.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/inspector"
	"github.com/wsgidev/wsgidev/pyrunner"
	"github.com/wsgidev/wsgidev/reload"
	"github.com/wsgidev/wsgidev/templates"
)

const version = "0.1.0"

var _ devserver.Backend = (*pyrunner.Runner)(nil)

const serveHelp = `Serve a WSGI app for development: HTTP in Go, the app in a child Python.

APPSPEC says where the app is, as gunicorn and flask take it:
   wsgidev serve                          app.py or wsgi.py here, else the built-in demo
   wsgidev serve app.py                   the callable named application, app, or made
                                          by create_app() / make_app()
   wsgidev serve path/to/app.py:api       a named callable in a file
   wsgidev serve pkg.module:app           a module importable from this folder
   wsgidev serve 'pkg.web:create_app("dev", debug=True)'
                                          a factory, literal arguments only
   wsgidev serve mysite/wsgi.py           a Django project (or mysite.wsgi:application)

Flags go before or after APPSPEC:
   wsgidev serve app.py --port 9000 --env DEBUG=1
   wsgidev serve --port 0 app.py          pick a free port; the banner prints it`

func main() {
	app := &cli.App{
		Name:                 "wsgidev",
		Usage:                "a development server for Python WSGI apps that shows every request",
		Version:              version,
		EnableBashCompletion: true,
		Commands: []*cli.Command{
			{
				Name:        "serve",
				Usage:       "serve a WSGI app on this machine",
				ArgsUsage:   "[APPSPEC]",
				Description: serveHelp,
				Flags:       serveFlags,
				Action:      serve,
			},
			{
				Name:        "export",
				Usage:       "write captured requests as HAR, curl commands or pytest tests",
				ArgsUsage:   "CAPTURE|HAR",
				Description: exportHelp,
				Flags:       exportFlags,
				Action:      export,
			},
			{
				Name:        "replay",
				Usage:       "send captured requests again and compare the answers",
				ArgsUsage:   "CAPTURE|HAR",
				Description: replayHelp,
				Flags:       replayFlags,
				Action:      replay,
			},
			{
				Name:  "version",
				Usage: "print wsgidev's version",
				Action: func(c *cli.Context) error {
					fmt.Fprintln(c.App.Writer, "wsgidev", version)
					return nil
				},
			},
		},
	}
	args := flagsFirst(os.Args, "serve", serveFlags)
	args = flagsFirst(args, "export", exportFlags)
	args = flagsFirst(args, "replay", replayFlags)
	if err := app.Run(args); err != nil {
		var exit cli.ExitCoder
		if !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, "wsgidev:", err)
			os.Exit(2)
		}
		cli.HandleExitCoder(err)
	}
}

var serveFlags = append([]cli.Flag{
	&cli.StringFlag{Name: "host", Value: "127.0.0.1", Usage: "address to bind; anything but loopback makes the server reachable from the network"},
	&cli.IntFlag{Name: "port", Aliases: []string{"p"}, Value: 8000, Usage: "port to bind; 0 picks a free one"},
	&cli.StringFlag{Name: "python", Usage: "the interpreter to run the app with (default: $VIRTUAL_ENV, ./.venv, ./venv, then python3)"},
	&cli.IntFlag{Name: "threads", Value: 32, Usage: "worker threads in the child (streaming requests each hold one)"},
	&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "KEY=VALUE for the app's environment (repeatable)"},
	&cli.StringFlag{Name: "env-file", Usage: "a file of KEY=VALUE lines for the app's environment"},
	&cli.StringFlag{Name: "script-name", Usage: "mount the app under a prefix such as /api: SCRIPT_NAME is the prefix, other paths get 404"},
	&cli.IntFlag{Name: "keep", Value: inspector.DefaultKeep, Usage: "how many requests the inspector holds; older ones are dropped"},
	&cli.BoolFlag{Name: "no-tui", Usage: "plain log output instead of the inspector (also when stdout is not a terminal)"},
	&cli.BoolFlag{Name: "no-reload", Usage: "do not restart the app when files change"},
	&cli.StringSliceFlag{Name: "watch", Usage: "also watch this file or folder for changes (repeatable)"},
	&cli.StringSliceFlag{Name: "ignore", Usage: "gitignore-style glob of paths whose changes never reload (repeatable)"},
	&cli.StringFlag{Name: "ext", Value: "py", Usage: "comma-separated extensions whose changes reload, e.g. py,html,toml"},
	&cli.BoolFlag{Name: "poll", Usage: "poll for changes instead of inotify (for file systems that send no events)"},
	&cli.DurationFlag{Name: "grace", Value: 5 * time.Second, Usage: "how long requests in flight may finish on the old code after a reload"},
}, captureFlags...)

// flagsFirst moves the flags of the named command ahead of its arguments,
// so "wsgidev serve app.py --port 9000" works as people type it for flask
// and gunicorn (urfave/cli v2 stops parsing flags at the first argument).
func flagsFirst(args []string, command string, flags []cli.Flag) []string {
	cmd := -1
	for i, a := range args[1:] {
		if a == command {
			cmd = i + 1
			break
		}
		if !strings.HasPrefix(a, "-") {
			return args
		}
	}
	if cmd < 0 {
		return args
	}
	takesValue := map[string]bool{}
	canonical := map[string]string{} // urfave/cli refuses "-e A=1 --env B=2" as two forms of one flag
	for _, f := range flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = !isBool
			canonical[name] = f.Names()[0]
		}
	}
	var opts, positional []string
	rest := args[cmd+1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case strings.HasPrefix(a, "-") && a != "-":
			name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if long, ok := canonical[name]; ok {
				a = "--" + long
				if hasValue {
					a += "=" + value
				}
			}
			opts = append(opts, a)
			if !hasValue && takesValue[name] && i+1 < len(rest) {
				i++
				opts = append(opts, rest[i])
			}
		default:
			positional = append(positional, a)
		}
	}
	out := append(append([]string{}, args[:cmd+1]...), opts...)
	if len(positional) > 0 {
		out = append(append(out, "--"), positional...)
	}
	return out
}

// appChoice is the app to serve and how the banner names it.
type appChoice struct {
	spec  pyrunner.AppSpec
	label string
}

// chooseApp resolves APPSPEC, or finds app.py / wsgi.py, or falls back to
// the embedded demo.
func chooseApp(c *cli.Context, dir string) (appChoice, error) {
	if c.NArg() > 1 {
		return appChoice{}, fmt.Errorf("one APPSPEC at most, got %q", c.Args().Slice())
	}
	if arg := c.Args().First(); arg != "" {
		spec, err := pyrunner.ParseAppSpec(arg)
		if err != nil {
			return appChoice{}, err
		}
		if spec.File != "" {
			info, err := os.Stat(spec.File)
			if err != nil {
				return appChoice{}, fmt.Errorf("%s: no such file; run wsgidev from the app's folder or give the path to it", spec.File)
			}
			if info.IsDir() {
				return appChoice{}, fmt.Errorf("%s is a folder; name the app's file in it, e.g. %s", spec.File, filepath.Join(spec.File, "app.py"))
			}
		}
		if folder := filepath.FromSlash(strings.ReplaceAll(spec.Module, ".", "/")); spec.Module != "" && isPlainFolder(folder) {
			return appChoice{}, fmt.Errorf("%s is a folder, not a Python module; name the app's file in it, e.g. %s", folder, filepath.Join(folder, "app.py"))
		}
		return appChoice{spec: spec, label: spec.String()}, nil
	}
	for _, name := range []string{"app.py", "wsgi.py"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return appChoice{spec: pyrunner.AppSpec{File: name}, label: name + " (found in this folder)"}, nil
		}
	}
	path, err := writeDemo()
	if err != nil {
		return appChoice{}, err
	}
	return appChoice{spec: pyrunner.AppSpec{File: path}, label: "the built-in demo (no app.py or wsgi.py in this folder)"}, nil
}

// isPlainFolder reports whether a module spec names a folder that imports
// as an empty namespace package: no __init__.py, no module file beside it.
// Such a package can never hold the app.
func isPlainFolder(path string) bool {
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return false
	}
	for _, p := range []string{filepath.Join(path, "__init__.py"), path + ".py"} {
		if _, err := os.Stat(p); err == nil {
			return false
		}
	}
	return true
}

func writeDemo() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "wsgidev", "demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("writing the demo app: %w", err)
	}
	path := filepath.Join(dir, "wsgidev_demo.py")
	if old, err := os.ReadFile(path); err == nil && string(old) == string(templates.DemoApp) {
		return path, nil // left alone: a demo already running reloads when it changes
	}
	if err := os.WriteFile(path, templates.DemoApp, 0o644); err != nil {
		return "", fmt.Errorf("writing the demo app: %w", err)
	}
	return path, nil
}

func childEnv(c *cli.Context) ([]string, error) {
	var env []string
	if path := c.String("env-file"); path != "" {
		fileEnv, err := pyrunner.ParseEnvFile(path)
		if err != nil {
			return nil, err
		}
		env = fileEnv
	}
	for _, pair := range c.StringSlice("env") {
		kv, err := pyrunner.ParseEnvPair(pair)
		if err != nil {
			return nil, fmt.Errorf("--env: %w", err)
		}
		env = append(env, kv)
	}
	return env, nil
}

func listen(host string, port int) (net.Listener, error) {
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	l, err := net.Listen("tcp", addr)
	if err == nil {
		return l, nil
	}
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("port %d on %s is already in use (another server running?); stop it, or pick another port with --port %d, or --port 0 for a free one", port, host, port+1)
	}
	if errors.Is(err, syscall.EACCES) {
		return nil, fmt.Errorf("not allowed to bind %s: ports below 1024 need root; use --port 8000", addr)
	}
	return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func serve(c *cli.Context) error {
	fail := func(err error) error { return cli.Exit("wsgidev: "+err.Error(), 1) }
	dir, err := os.Getwd()
	if err != nil {
		return fail(err)
	}
	choice, err := chooseApp(c, dir)
	if err != nil {
		return fail(err)
	}
	py, err := pyrunner.FindPython(c.String("python"), dir)
	if err != nil {
		return fail(err)
	}
	env, err := childEnv(c)
	if err != nil {
		return fail(err)
	}
	scriptName := strings.TrimRight(c.String("script-name"), "/")
	if scriptName != "" && !strings.HasPrefix(scriptName, "/") {
		return fail(fmt.Errorf("--script-name %q must start with /, e.g. /api", scriptName))
	}
	l, err := listen(c.String("host"), c.Int("port"))
	if err != nil {
		return fail(err)
	}
	defer l.Close()

	hub := exchange.NewHub()
	logSub := hub.Subscribe()
	var watcher *reload.Watcher
	if !c.Bool("no-reload") {
		watcher, err = newWatcher(c, choice.spec, dir)
		if err != nil {
			return fail(err)
		}
		defer watcher.Close()
	}
	runner, err := pyrunner.New(pyrunner.Config{
		Python:  py,
		Spec:    choice.spec,
		Dir:     dir,
		Env:     env,
		Argv:    []string{choice.spec.String()},
		Threads: c.Int("threads"),
		OnOutput: func(o pyrunner.Output) {
			stream := "stdout"
			if o.Stream == pyrunner.StreamStderr {
				stream = "stderr"
			}
			hub.Publish(exchange.Update{Output: &exchange.Output{At: time.Now(), Stream: stream, Line: o.Line}})
		},
		OnState: func(s pyrunner.State) { hub.Publish(exchange.Update{Child: childState(s)}) },
		OnModules: func(files []string) {
			if watcher != nil {
				watcher.AddFiles(files)
			}
		},
	})
	if err != nil {
		return fail(err)
	}
	// With the inspector, SIGHUP means the terminal went away: quit, as
	// interactive programs do. Headless, it reloads, as in gunicorn.
	tui := wantTUI(c.Bool("no-tui"), c.App.Writer)
	stopSignals := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if tui {
		stopSignals = append(stopSignals, syscall.SIGHUP)
	}
	ctx, stop := signal.NotifyContext(c.Context, stopSignals...)
	defer stop()
	hello, err := runner.Start(ctx)
	if err != nil {
		return fail(err)
	}
	defer runner.Stop(time.Second)

	bodyCap := c.Int("capture-body-max")
	if bodyCap <= 0 {
		return fail(fmt.Errorf("--capture-body-max %d: give a number of bytes above 0", bodyCap))
	}
	stopCapture, err := startCapture(c, hub, capture.Header{
		Started: time.Now(), App: choice.spec.String(), Dir: dir, URL: strings.TrimSuffix(serverURL(l.Addr(), ""), "/"),
		ScriptName: scriptName, BodyMax: bodyCap, Wsgidev: version, Python: hello.Executable,
	})
	if err != nil {
		return fail(err)
	}
	defer stopCapture() // after the shutdown below: what finished meanwhile is written too
	srv, err := devserver.New(devserver.Config{Backend: runner, Hub: hub, ScriptName: scriptName, BodyCap: bodyCap, Version: version})
	if err != nil {
		return fail(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	info, loadErr := runner.Loaded(ctx)
	out := c.App.Writer
	printBanner(out, banner{
		choice: choice, info: info, loadErr: loadErr, python: py, hello: hello,
		url: serverURL(l.Addr(), scriptName), threads: c.Int("threads"),
		host: c.String("host"), watcher: watcher, capture: c.String("capture"), bodyCap: bodyCap,
	})
	reloads := &reloader{runner: runner, hub: hub, grace: c.Duration("grace")}
	if watcher != nil {
		go reloads.follow(ctx, watcher, !tui)
	}
	closed := present(out, logSub, tui, inspector.Options{
		AppLabel: appLabel(choice, info, loadErr), Python: "Python " + hello.Python,
		URL: serverURL(l.Addr(), scriptName), Watching: watching(watcher),
		NoColor: os.Getenv("NO_COLOR") != "", Control: reloads, Keep: c.Int("keep"),
	})
	defer closed.wait()

	select {
	case err := <-served:
		return fail(err)
	case <-ctx.Done():
	case <-closed.tui:
	}
	if closed.isTUI {
		closed.wait() // give the terminal back before printing
	}
	// A second Ctrl-C now ends the process at once. Catch it before the
	// first handler goes, or a quick one would meet the default action.
	again := make(chan os.Signal, 1)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	stop()
	go func() {
		<-again
		runner.Stop(0)
		os.Exit(130)
	}()
	fmt.Fprintln(out, "wsgidev: shutting down (Ctrl-C again to quit at once)")
	grace, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	srv.Shutdown(grace)
	runner.Stop(time.Second)
	return nil
}

func childState(s pyrunner.State) *exchange.ChildState {
	cs := &exchange.ChildState{At: s.At, Kind: s.Kind, PID: s.PID, Note: s.Note}
	if s.LoadErr != nil {
		cs.Detail = s.LoadErr.Traceback
	}
	return cs
}

func serverURL(addr net.Addr, scriptName string) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + scriptName + "/"
}

func useColor(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

type banner struct {
	choice  appChoice
	info    pyrunner.AppInfo
	loadErr error
	python  pyrunner.Python
	hello   pyrunner.Hello
	url     string
	threads int
	host    string
	watcher *reload.Watcher // nil with --no-reload
	capture string          // --capture FILE
	bodyCap int
}

func printBanner(w io.Writer, b banner) {
	fmt.Fprintf(w, "wsgidev %s: development server, not for production\n", version)
	target := b.info.File
	if target == "" {
		target = b.choice.spec.File
	}
	switch {
	case b.loadErr != nil:
		fmt.Fprintf(w, "  app      %s: failed to import (see below; the server stays up)\n", b.choice.label)
	default:
		fmt.Fprintf(w, "  app      %s\n", b.choice.label)
		fmt.Fprintf(w, "           %s → %s  %s\n", target, b.info.Callable, b.info.Repr)
	}
	fmt.Fprintf(w, "  python   %s (Python %s, from %s)\n", b.hello.Executable, b.hello.Python, b.python.Source)
	fmt.Fprintf(w, "  threads  %d\n", b.threads)
	if b.watcher != nil {
		fmt.Fprintf(w, "  reload   on changes to %s (--no-reload to turn off; SIGHUP or R reloads)\n", b.watcher.Describe())
	} else {
		fmt.Fprintf(w, "  reload   off\n")
	}
	if b.capture != "" {
		fmt.Fprintf(w, "  capture  %s (bodies up to %d bytes)\n", b.capture, b.bodyCap)
	}
	fmt.Fprintf(w, "  serving  %s  (Ctrl-C to stop)\n", b.url)
	if !isLoopback(b.host) {
		fmt.Fprintf(w, "  WARNING  bound to %s: anyone who can reach this machine can use this development server\n", b.host)
	}
	var le *pyrunner.LoadError
	if errors.As(b.loadErr, &le) {
		fmt.Fprintf(w, "wsgidev: the app failed to import: %s: %s\n", le.Kind, le.Message)
		var tb strings.Builder
		devserver.Log{}.Traceback(&tb, le.Traceback)
		io.WriteString(w, tb.String())
		fmt.Fprintln(w, "wsgidev: still serving: requests get this error until a save fixes it")
	}
}

// newWatcher watches the app's folder (the current one for a module spec)
// and whatever --watch names.
func newWatcher(c *cli.Context, spec pyrunner.AppSpec, dir string) (*reload.Watcher, error) {
	root := dir
	if spec.File != "" {
		abs, err := filepath.Abs(spec.File)
		if err != nil {
			return nil, err
		}
		root = filepath.Dir(abs)
	}
	cfg := reload.Config{Roots: []string{root}, Ignore: c.StringSlice("ignore"), Poll: c.Bool("poll")}
	for _, ext := range strings.Split(c.String("ext"), ",") {
		if ext = strings.TrimPrefix(strings.TrimSpace(ext), "."); ext != "" {
			cfg.Exts = append(cfg.Exts, ext)
		}
	}
	for _, p := range c.StringSlice("watch") {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("--watch %s: no such file or folder", p)
		}
		abs, _ := filepath.Abs(p)
		if info.IsDir() {
			cfg.Roots = append(cfg.Roots, abs)
		} else {
			cfg.Files = append(cfg.Files, abs)
		}
	}
	return reload.New(cfg)
}

// reloader restarts the app for every batch of changes, on SIGHUP and on
// the inspector's reload key, and reports each reload to the hub.
type reloader struct {
	runner *pyrunner.Runner
	hub    *exchange.Hub
	grace  time.Duration
}

var _ inspector.Control = (*reloader)(nil)

// Reload restarts the app by hand (the inspector's key).
func (r *reloader) Reload() { r.start(nil) }

func (r *reloader) start(files []string) {
	err := r.runner.Reload(files, r.grace, r.report)
	if err != nil && !errors.Is(err, pyrunner.ErrStopping) {
		r.notice("reload failed: " + err.Error())
	}
}

func (r *reloader) report(res pyrunner.Reload) {
	u := &exchange.Reload{At: time.Now(), Files: res.Files, Took: res.Took, OK: res.LoadErr == nil}
	if res.LoadErr != nil {
		u.Error = res.LoadErr.Kind + ": " + res.LoadErr.Message
		u.Detail = res.LoadErr.Traceback
	}
	r.hub.Publish(exchange.Update{Reload: u})
}

func (r *reloader) notice(text string) {
	r.hub.Publish(exchange.Update{Notice: &exchange.Notice{At: time.Now(), Text: text}})
}

// follow reloads on every batch the watcher sends (and on SIGHUP when
// onHUP) until ctx ends, and passes the watcher's notices on.
func (r *reloader) follow(ctx context.Context, w *reload.Watcher, onHUP bool) {
	hup := make(chan os.Signal, 1)
	if onHUP {
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
	}
	notices := w.Notices()
	for {
		select {
		case b, ok := <-w.Batches():
			if !ok {
				return
			}
			r.start(b.Paths)
		case <-hup:
			r.start(nil)
		case text, ok := <-notices:
			if !ok {
				notices = nil // closed with the watcher; batches end too
				continue
			}
			r.notice(text)
		case <-ctx.Done():
			return
		}
	}
}

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
	return !noTUI && isTerminal(out) && term.IsTerminal(int(os.Stdin.Fd()))
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

func appLabel(choice appChoice, info pyrunner.AppInfo, loadErr error) string {
	if loadErr != nil {
		return choice.label + " (failed to import)"
	}
	return filepath.Base(info.File) + " → " + info.Callable
}

func watching(w *reload.Watcher) string {
	if w == nil {
		return ""
	}
	return w.Describe()
}
