package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
	"github.com/wsgidev/wsgidev/reload"
)

// banner is what wsgidev says when it starts serving.
type banner struct {
	choice     appChoice
	info       pyrunner.AppInfo
	loadErr    error
	python     pyrunner.Python
	hello      pyrunner.Hello
	url        string
	threads    int
	host       string
	watching   string // what the watcher covers; "" with --no-reload
	reloadHint string // how to reload by hand here
	warm       bool
	noLayers   bool   // --no-layers
	allLayers  bool   // --all-layers, or --capture: every request's recorded
	capture    string // --capture FILE
	bodyCap    int
	breaks     []devserver.Breakpoint
	heldHint   string   // what becomes of held requests here
	lan        []lanURL // other addresses it answers at, bound to all of them
	socket     string   // --bind unix:PATH
	tls        *devserver.Cert
	static     []devserver.StaticDir
	scriptName string
}

func bannerFor(c *cli.Context, cfg devserver.SessionConfig, choice appChoice, sess *devserver.Session,
	w *reload.Watcher, hello pyrunner.Hello, info pyrunner.AppInfo, loadErr error) banner {
	return banner{
		choice: choice, info: info, loadErr: loadErr, python: cfg.Child.Python, hello: hello,
		url: sess.URL(), threads: cfg.Child.Threads, host: cfg.Host, watching: watching(w),
		reloadHint: sess.ReloadHint(), warm: cfg.Child.Warm, noLayers: cfg.Child.NoLayers, allLayers: cfg.AllLayers || cfg.Capture != "", capture: cfg.Capture, bodyCap: cfg.BodyCap,
		breaks: cfg.Breaks, heldHint: sess.HeldHint(), lan: sessionLAN(cfg, sess),
		socket: cfg.Socket, tls: cfg.TLS, static: cfg.Static, scriptName: cfg.ScriptName,
	}
}

// sessionLAN lists the other addresses a session bound to all of them
// answers at.
func sessionLAN(cfg devserver.SessionConfig, sess *devserver.Session) []lanURL {
	tcp, ok := sess.Addr().(*net.TCPAddr)
	if !isWildcard(cfg.Host) || !ok {
		return nil
	}
	scheme := "http"
	if cfg.TLS != nil {
		scheme = "https"
	}
	return lanURLs(localInterfaces(), scheme, tcp.Port, cfg.ScriptName+"/", tcp.IP.To4() == nil)
}

func printBanner(w io.Writer, b banner) {
	fmt.Fprintf(w, "wsgidev %s: development server, not for production\n", version)
	target := b.info.File
	if target == "" {
		target = b.choice.spec.File
	}
	switch {
	case b.loadErr != nil:
		fmt.Fprintf(w, "  app      %s: %s (see below; the server stays up)\n", b.choice.label, loadWords(b.loadErr))
	default:
		fmt.Fprintf(w, "  app      %s\n", b.choice.label)
		// What the app says of itself is printed as text, never as escapes.
		fmt.Fprintf(w, "           %s → %s  %s\n", exchange.Printable(target), exchange.Printable(b.info.Callable), exchange.Printable(b.info.Repr))
		printLayers(w, b)
	}
	fmt.Fprintf(w, "  python   %s (Python %s, from %s)\n", exchange.Printable(b.hello.Executable), exchange.Printable(b.hello.Python), b.python.Source)
	fmt.Fprintf(w, "  threads  %d\n", b.threads)
	printDotenv(w, b.choice.dotenv)
	printReload(w, b)
	if b.capture != "" {
		fmt.Fprintf(w, "  capture  %s (bodies up to %d bytes)\n", b.capture, b.bodyCap)
	}
	printBreaks(w, b)
	printServing(w, b)
	if !isLoopback(b.host) {
		host := b.host
		if strings.Contains(host, ":") {
			host = "[" + host + "]" // bound to [::]
		}
		fmt.Fprintf(w, "  WARNING  bound to %s: anyone who can reach this machine can use this development server\n", host)
	}
	var le *pyrunner.LoadError
	if errors.As(b.loadErr, &le) {
		fmt.Fprintf(w, "wsgidev: %s\n", exchange.Printable(le.Error()))
		var tb strings.Builder
		devserver.Log{}.Traceback(&tb, le.Traceback)
		io.WriteString(w, tb.String())
		if le.Hint != "" {
			fmt.Fprintln(w, "wsgidev: "+exchange.Printable(le.Hint))
		}
		fmt.Fprintln(w, "wsgidev: still serving: requests get this error until a save fixes it")
	}
}

// printLayers shows the app's stack as the Layers tab draws it, when the
// app wraps another WSGI app.
func printLayers(w io.Writer, b banner) {
	switch {
	case b.noLayers:
		fmt.Fprintf(w, "  layers   off (--no-layers)\n")
	case len(b.info.Layers) > 1 && b.allLayers:
		fmt.Fprintf(w, "  layers   %s  (recorded for every request; --no-layers to turn off)\n", exchange.Printable(stackLabel(b.info)))
	case len(b.info.Layers) > 1:
		fmt.Fprintf(w, "  layers   %s  (recorded for up to %d requests a second; --all-layers, --no-layers)\n",
			exchange.Printable(stackLabel(b.info)), exchange.LayersPerSecond)
	}
}

// stackLabel is the app's stack in a line: app.py → ProxyFix → Flask 'app',
// the apps a dispatcher mounts in braces: {/api: Flask 'api' | app: …}.
func stackLabel(info pyrunner.AppInfo) string {
	return filepath.Base(info.File) + " → " + layerLabel(info.Layers, 0)
}

func layerLabel(layers []pyrunner.Layer, i int) string {
	var inner []int
	for j, l := range layers {
		if l.Parent == i && j > i {
			inner = append(inner, j)
		}
	}
	switch len(inner) {
	case 0:
		return layers[i].Name
	case 1:
		return layers[i].Name + " → " + layerLabel(layers, inner[0])
	}
	parts := make([]string, len(inner))
	for k, j := range inner {
		via := strings.Trim(strings.TrimSuffix(strings.TrimPrefix(layers[j].Via, "mounts["), "]"), "'\"")
		parts[k] = via + ": " + layerLabel(layers, j)
	}
	return layers[i].Name + " → {" + strings.Join(parts, " | ") + "}"
}

// printDotenv names the .env files loaded.
func printDotenv(w io.Writer, d dotenv) {
	if len(d.files) == 0 {
		return
	}
	fmt.Fprintf(w, "  dotenv   %s: %s for the app (--no-dotenv to skip)\n", exchange.Printable(strings.Join(d.files, ", ")), exchange.Plural(d.added, "variable"))
}

func printReload(w io.Writer, b banner) {
	if b.watching == "" {
		fmt.Fprintf(w, "  reload   off\n")
		return
	}
	how := "--no-reload to turn off"
	if b.reloadHint != "" {
		how += "; " + b.reloadHint
	}
	fmt.Fprintf(w, "  reload   on changes to %s (%s)\n", b.watching, how)
	switch {
	case b.warm:
		fmt.Fprintf(w, "           warm: new code runs in a fork of a Python that has the libraries imported (--no-warm: plain restarts)\n")
	case !pyrunner.WarmReloads:
		fmt.Fprintf(w, "           each reload starts a fresh Python (forking one that has the libraries imported is Linux-only)\n")
	}
}

// printBreaks adds the breakpoints to the banner. Headless, nobody can step
// a held request, so the banner says what will release it: --break still
// has its use there (hold requests while a debugger attaches, or to see
// them queue), and refusing it would leave no way to test a hold by script.
func printBreaks(w io.Writer, b banner) {
	if len(b.breaks) == 0 {
		return
	}
	exprs := make([]string, len(b.breaks))
	for i, br := range b.breaks {
		exprs[i] = br.Expr
	}
	fmt.Fprintf(w, "  break    %s\n", strings.Join(exprs, " | "))
	if b.heldHint != "" {
		fmt.Fprintf(w, "           %s\n", b.heldHint)
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func appLabel(choice appChoice, info pyrunner.AppInfo, loadErr error) string {
	if loadErr != nil {
		return choice.label + " (" + loadWords(loadErr) + ")"
	}
	if len(info.Layers) > 1 {
		return stackLabel(info)
	}
	return filepath.Base(info.File) + " → " + info.Callable
}

// loadWords says in a few words why the app is not there: it failed to
// import, or it imported and the spec's name is not in it.
func loadWords(loadErr error) string {
	var le *pyrunner.LoadError
	if errors.As(loadErr, &le) && le.NoApp() {
		return "no WSGI app found"
	}
	return "failed to import"
}
