// Command wsgidev is a development server for Python WSGI apps: it answers
// HTTP in Go, runs the app in a child Python, and shows every request.
// Package main is the command line: the flags, choosing the app, the
// banner, the inspector or the log, and the file watcher; a
// devserver.Session runs the rest (ARCHITECTURE.md).
package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

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
			inspectCommand,
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
	args := os.Args
	for _, cmd := range app.Commands {
		args = flagsFirst(args, cmd.Name, cmd.Flags)
	}
	if err := app.Run(args); err != nil {
		var exit cli.ExitCoder
		if !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, "wsgidev:", err)
			os.Exit(2)
		}
		cli.HandleExitCoder(err)
	}
}

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
