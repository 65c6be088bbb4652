package main

// What people type, made into what urfave/cli parses, and what a mistyped
// command line gets told: two lines, not the whole help.

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// commandLine rewrites os.Args for urfave/cli: an app given where a command
// goes is served ("wsgidev app.py", as "wsgidev serve app.py"), and each
// command's flags move ahead of its arguments.
func commandLine(args []string, cmds []*cli.Command) []string {
	if len(args) > 1 && findCommand(cmds, args[1]) == nil && looksLikeApp(args[1]) {
		args = append([]string{args[0], "serve"}, args[1:]...)
	}
	for _, cmd := range cmds {
		args = flagsFirst(args, cmd.Names(), cmd.Flags)
	}
	return args
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, cmd := range cmds {
		if cmd.HasName(name) {
			return cmd
		}
	}
	return nil
}

// looksLikeApp says whether a first argument that is no command names an
// app: a .py file or a path (served, or refused as serve refuses a missing
// file), an app spec with a callable after the colon, or a module that
// exists here. A bare word that is none of these is a mistyped command.
func looksLikeApp(arg string) bool {
	if strings.HasPrefix(arg, "-") {
		return false
	}
	if strings.HasSuffix(arg, ".py") || strings.ContainsRune(arg, '/') || strings.ContainsRune(arg, ':') {
		return true
	}
	spec, err := pyrunner.ParseAppSpec(arg)
	if err != nil || spec.Module == "" {
		return false
	}
	base := filepath.FromSlash(strings.ReplaceAll(spec.Module, ".", "/"))
	for _, p := range []string{base + ".py", filepath.Join(base, "__init__.py")} {
		if _, err := os.Stat(p); err == nil {
			return true
		}
	}
	return false
}

// flagsFirst moves the flags of the command named by names ahead of its
// arguments, so "wsgidev serve app.py --port 9000" works as people type it
// for flask and gunicorn (urfave/cli v2 stops parsing flags at the first
// argument).
func flagsFirst(args []string, names []string, flags []cli.Flag) []string {
	cmd := -1
	for i, a := range args[1:] {
		if containsString(names, a) {
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

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// usageError answers a flag urfave/cli could not parse in two lines, the
// error (with the closest flag for an unknown one) and where the help is,
// instead of the whole help; exit status 2, as for any bad usage.
func usageError(c *cli.Context, err error, _ bool) error {
	msg := err.Error()
	names := []string{"help"}
	for _, f := range c.Command.Flags {
		names = append(names, f.Names()...)
	}
	if given, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		msg = "unknown flag " + dashed(given)
		if near := closest(names, given); near != "" {
			msg += "; did you mean " + dashed(near) + "?"
		}
	} else if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		msg = dashed(name) + " needs a value"
	} else {
		msg = flagInMessage.ReplaceAllStringFunc(msg, func(m string) string { return " " + dashed(m[2:]) })
	}
	return cli.Exit(fmt.Sprintf("%s: %s\nRun '%s --help' to see every flag.", c.Command.HelpName, msg, c.Command.HelpName), 2)
}

// unknownCommand answers a first argument that is neither a command nor an
// app.
func unknownCommand(c *cli.Context) error {
	if !c.Args().Present() {
		return cli.ShowAppHelp(c)
	}
	name := c.Args().First()
	var names []string
	for _, cmd := range c.App.Commands {
		names = append(names, cmd.Names()...)
	}
	msg := fmt.Sprintf("wsgidev: unknown command or app %q", name)
	if near := closest(names, name); near != "" {
		msg += "; did you mean " + near + "?"
	}
	return cli.Exit(msg+"\nRun 'wsgidev --help' to see the commands; an app is a .py file or a spec such as pkg.module:app.", 2)
}

// flagInMessage is a flag as Go's flag package names it in its errors
// ("invalid value "x" for flag -port"), always with one dash.
var flagInMessage = regexp.MustCompile(` -[A-Za-z][\w-]*`)

// dashed writes a flag's name as it is typed: -p, --port.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// closest is the name nearest to given, if it is near enough to be a typo
// (at most a third of its letters changed, at least one), else "". Names
// under three letters are too short to guess from.
func closest(names []string, given string) string {
	if len(given) < 3 {
		return ""
	}
	best, bestDist := "", max(1, len(given)/3)+1
	for _, name := range names {
		if d := editDistance(name, given); d < bestDist {
			best, bestDist = name, d
		}
	}
	return best
}

// editDistance counts the letters inserted, deleted, changed or swapped
// with their neighbour to make a into b (optimal string alignment).
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
