// Command wsgidev is a development server for Python WSGI apps: it answers
// HTTP in Go, runs the app in a child Python, and shows every request.
// This file is the CLI and the only place the packages are wired together.
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/inspector"
	"github.com/wsgidev/wsgidev/pyrunner"
)

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
	cli.VersionPrinter = printVersion
	app := &cli.App{
		Name:                 "wsgidev",
		Usage:                "a development server for Python WSGI apps that shows every request",
		Version:              version,
		EnableBashCompletion: true,
		// A repeatable flag's value is taken whole: --env LIST=a,b,
		// --filter method:get,post and --break header:Accept=a,b hold commas.
		DisableSliceFlagSeparator: true,
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
			newCommand,
			{
				Name:  "version",
				Usage: "print wsgidev's version, commit, build date and Go version",
				Action: func(c *cli.Context) error {
					printVersion(c)
					return nil
				},
			},
		},
	}
	args := flagsFirst(os.Args, "serve", serveFlags)
	args = flagsFirst(args, "export", exportFlags)
	args = flagsFirst(args, "replay", replayFlags)
	args = flagsFirst(args, "new", newFlags)
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
	&cli.StringSliceFlag{Name: "break", Usage: "hold requests matching `EXPR` in the debugger before the app runs (repeatable): next, GET, /api/*, header:X-Debug=1, terms combined; the inspector steps them, SIGUSR1 releases them all"},
	&cli.BoolFlag{Name: "no-tui", Usage: "plain log output instead of the inspector (also when stdout is not a terminal)"},
	&cli.BoolFlag{Name: "explain", Usage: "start the inspector in explain mode: what each environ key means and where it came from, per PEP 3333 (the key X toggles it)"},
	&cli.BoolFlag{Name: "large", Usage: "a high-contrast, bold inspector theme that reads on a projector (NO_COLOR still drops colour)"},
	&cli.BoolFlag{Name: "no-reload", Usage: "do not restart the app when files change"},
	&cli.BoolFlag{Name: "no-warm", Usage: "reload by starting a new Python instead of forking one that has the app's libraries imported"},
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
