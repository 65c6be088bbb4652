package main

// `wsgidev new DIR --template NAME` writes a starter app to learn from.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	if err := writeStarter(dir, files); err != nil {
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

// writeStarter writes files into dir, making dir if it is missing. It
// writes all of them or none: a file that is already there stops it
// before it writes anything, and a failure midway removes what it wrote.
func writeStarter(dir string, files []templates.File) (err error) {
	if file := fileOnTheWay(dir); file != "" {
		return fmt.Errorf("%s is a file, not a folder; name a folder for the app", file)
	}
	var existing []string
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if _, err := os.Lstat(p); err == nil {
			existing = append(existing, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("checking %s: %w", p, err)
		}
	}
	switch len(existing) {
	case 0:
	case 1:
		return fmt.Errorf("%s already exists; wsgidev new never overwrites a file: pick another folder, or move it away", existing[0])
	default:
		return fmt.Errorf("%s already exist; wsgidev new never overwrites a file: pick another folder, or move them away", strings.Join(existing, " and "))
	}

	made, err := mkdirs(dir)
	if err != nil {
		return err
	}
	var written []string
	defer func() {
		if err == nil {
			return
		}
		for _, p := range written {
			os.Remove(p)
		}
		for i := len(made) - 1; i >= 0; i-- {
			os.Remove(made[i]) // only if empty: never what someone else put there
		}
	}()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := writeNew(p, f.Data); err != nil {
			return err
		}
		written = append(written, p)
	}
	return nil
}

// fileOnTheWay is dir, or the nearest of its parents that exists, when
// that is not a folder.
func fileOnTheWay(dir string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if info, err := os.Stat(d); err == nil {
			if info.IsDir() {
				return ""
			}
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// mkdirs makes dir and any missing parents, and returns the folders it
// made, outermost first.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var made []string
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue // made by someone else meanwhile: not ours to remove
		}
		if err != nil {
			for j := len(made) - 1; j >= 0; j-- {
				os.Remove(made[j])
			}
			return nil, fmt.Errorf("making the folder %s: %w", missing[i], err)
		}
		made = append(made, missing[i])
	}
	return made, nil
}

// writeNew writes data to a new file at p; O_EXCL refuses one that
// appeared since the check.
func writeNew(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; wsgidev new never overwrites a file", p)
		}
		return fmt.Errorf("writing %s: %w", p, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}
