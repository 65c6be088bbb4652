package main

// `wsgidev new DIR --template NAME` writes a starter app to learn from.

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/templates"
)

var newFlags = []cli.Flag{
	&cli.StringFlag{Name: "template", Aliases: []string{"t"}, Value: "hello", Usage: "the starter app: " + templates.StarterNames()},
}

var newCommand = &cli.Command{
	Name:        "new",
	Usage:       "write a starter WSGI app to learn from",
	ArgsUsage:   "DIR",
	Description: newHelp(),
	Flags:       newFlags,
	Action:      newApp,
}

func newHelp() string {
	var b strings.Builder
	b.WriteString("Write a small, commented app into DIR (made if missing) that shows one idea\n")
	b.WriteString("of WSGI and runs as it is under `wsgidev serve DIR/app.py`. Existing files\n")
	b.WriteString("are never overwritten.\n\nTemplates (--template):\n")
	b.WriteString(starterList("   "))
	b.WriteString("\n\n   wsgidev new hello\n   wsgidev new myform --template form")
	return b.String()
}

func newApp(c *cli.Context) error {
	fail := func(msg string) error { return cli.Exit("wsgidev new: "+msg, 2) }
	if c.NArg() != 1 {
		return fail("name one folder to write the app into, e.g. wsgidev new myapp, or wsgidev new myapp --template form")
	}
	dir, name := c.Args().First(), c.String("template")
	if !templates.IsStarter(name) {
		return fail(fmt.Sprintf("no template %q; choose one of these with --template:\n%s", name, starterList("  ")))
	}
	files, err := templates.StarterFiles(name)
	if err != nil {
		return fail(err.Error())
	}
	if err := templates.WriteStarter(dir, files); err != nil {
		return fail(err.Error())
	}
	out := c.App.Writer
	for _, f := range files {
		fmt.Fprintf(out, "wrote %s\n", filepath.Join(dir, filepath.FromSlash(f.Name)))
	}
	fmt.Fprintf(out, "\nNext, serve it and open the URL it prints:\n  wsgidev serve %s\n",
		capture.ShellQuote(filepath.Join(dir, "app.py")))
	if name == "flask" {
		fmt.Fprintln(out, "It needs Flask: python3 -m pip install flask (in your virtualenv)")
	}
	return nil
}

// starterList is the templates, one a line with its summary.
func starterList(indent string) string {
	var b strings.Builder
	for _, s := range templates.Starters() {
		fmt.Fprintf(&b, "%s%-11s %s\n", indent, s.Name, s.Summary)
	}
	return strings.TrimRight(b.String(), "\n")
}
