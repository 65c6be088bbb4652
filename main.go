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

wsgidev run is the same command, and wsgidev APPSPEC short for it:
   wsgidev app.py --port 9000             as wsgidev serve app.py --port 9000

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
				Aliases:     []string{"run"}, // flask's word
				Usage:       "serve a WSGI app on this machine (wsgidev APPSPEC is short for it)",
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
			versionCommand,
		},
	}
	app.Action, app.OnUsageError = unknownCommand, usageError
	for _, cmd := range app.Commands {
		cmd.OnUsageError = usageError
	}
	if err := app.Run(commandLine(os.Args, app.Commands)); err != nil {
		var exit cli.ExitCoder
		if !errors.As(err, &exit) {
			fmt.Fprintln(os.Stderr, "wsgidev:", err)
			os.Exit(2)
		}
		cli.HandleExitCoder(err)
	}
}
