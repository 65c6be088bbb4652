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
	breaks, err := parseBreaks(c.StringSlice("break"))
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
	stdin := newAppStdin(os.Stdin, term.IsTerminal(int(os.Stdin.Fd())))
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
		Warm:    warmReloads(c),
		OnNotice: func(text string) {
			hub.Publish(exchange.Update{Notice: &exchange.Notice{At: time.Now(), Text: text}})
		},
		OnOutput: func(o pyrunner.Output) {
			stream := "stdout"
			if o.Stream == pyrunner.StreamStderr {
				stream = "stderr"
			}
			hub.Publish(exchange.Update{Output: &exchange.Output{At: time.Now(), Stream: stream, Line: o.Line}})
		},
		OnState: func(s pyrunner.State) { hub.Publish(exchange.Update{Child: childState(s)}) },
		OnInput: stdin.onInput,
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
	for _, b := range breaks {
		srv.Debugger().SetBreak(b)
	}
	go releaseOnUSR1(ctx, srv.Debugger(), hub)
	stdin.tui, stdin.hub, stdin.srv, stdin.runner = tui, hub, srv, runner
	var stdinSub *exchange.Subscription
	if !tui {
		stdinSub = hub.Subscribe()
	}
	go stdin.run(ctx, stdinSub)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	info, loadErr := runner.Loaded(ctx)
	out := c.App.Writer
	printBanner(out, banner{
		choice: choice, info: info, loadErr: loadErr, python: py, hello: hello,
		url: serverURL(l.Addr(), scriptName), threads: c.Int("threads"),
		host: c.String("host"), watcher: watcher, warm: warmReloads(c), capture: c.String("capture"), bodyCap: bodyCap,
		breaks: breaks, tui: tui,
	})
	reloads := &reloader{runner: runner, hub: hub, grace: c.Duration("grace"), held: srv.Debugger(), ctx: ctx}
	ctl := &control{reloader: reloads, srv: srv, hub: hub, base: strings.TrimSuffix(serverURL(l.Addr(), ""), "/")}
	if tui {
		reloads.release = "R again releases them and reloads"
	}
	if watcher != nil {
		go reloads.follow(ctx, watcher, !tui)
	}
	closed := present(out, logSub, tui, inspector.Options{
		AppLabel: appLabel(choice, info, loadErr), Python: "Python " + hello.Python,
		URL: serverURL(l.Addr(), scriptName), Watching: watching(watcher),
		NoColor: os.Getenv("NO_COLOR") != "", Control: ctl, Keep: c.Int("keep"),
		Explain: explainTexts{}, ExplainOn: c.Bool("explain"), Large: c.Bool("large"),
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

// warmReloads says whether reloads fork from a template (pyrunner/template.go).
func warmReloads(c *cli.Context) bool {
	return !c.Bool("no-warm") && !c.Bool("no-reload") && pyrunner.WarmReloads
}

func childState(s pyrunner.State) *exchange.ChildState {
	cs := &exchange.ChildState{At: s.At, Kind: exchange.ChildKind(s.Kind), PID: s.PID, Note: s.Note}
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
	f, ok := w.(*os.File)
	return os.Getenv("NO_COLOR") == "" && ok && isTerminal(f) && enableVT(f)
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
	warm    bool
	capture string // --capture FILE
	bodyCap int
	breaks  []devserver.Breakpoint
	tui     bool
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
		if b.warm {
			fmt.Fprintf(w, "           warm: new code runs in a fork of a Python that has the libraries imported (--no-warm: plain restarts)\n")
		}
	} else {
		fmt.Fprintf(w, "  reload   off\n")
	}
	if b.capture != "" {
		fmt.Fprintf(w, "  capture  %s (bodies up to %d bytes)\n", b.capture, b.bodyCap)
	}
	printBreaks(w, b.breaks, b.tui)
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
