package main

// The command line people type: an app where the command goes, the run
// alias, and a mistyped flag or command told in two lines.

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestCommandLine(t *testing.T) {
	t.Chdir("testdata/specs") // looksLikeApp looks for modules here
	cmds := []*cli.Command{
		{Name: "serve", Aliases: []string{"run"}, Flags: []cli.Flag{&cli.IntFlag{Name: "port", Aliases: []string{"p"}}, &cli.BoolFlag{Name: "no-tui"}}},
		{Name: "export", Flags: []cli.Flag{&cli.StringFlag{Name: "format"}}},
	}
	for _, tc := range []struct{ in, want string }{
		{"app.py", "serve -- app.py"},
		{"app.py --port 0", "serve --port 0 -- app.py"},
		{"missing.py", "serve -- missing.py"}, // serve then says there is no such file
		{"path/to/app.py", "serve -- path/to/app.py"},
		{"pkg.module:name -p 0", "serve --port 0 -- pkg.module:name"},
		{"pkg.module", "serve -- pkg.module"}, // pkg/module.py is there
		{"mysite", "serve -- mysite"},         // mysite/__init__.py
		{"run app.py --no-tui", "run --no-tui -- app.py"},
		{"serve app.py --port=0", "serve --port=0 -- app.py"},
		{"export c.jsonl --format har", "export --format har -- c.jsonl"},
		{"srve", "srve"}, // no such command or module: a typo, told as one
		{"nomodule", "nomodule"},
		{"--help", "--help"},
		{"version", "version"},
	} {
		got := strings.Join(commandLine(append([]string{"wsgidev"}, strings.Fields(tc.in)...), cmds)[1:], " ")
		if got != tc.want {
			t.Errorf("wsgidev %s: parsed as %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"host", "port", "p", "python", "no-tui", "no-reload", "env", "env-file", "threads", "script-name"}
	for _, tc := range []struct{ given, want string }{
		{"prt", "port"},
		{"hots", "host"}, // two letters swapped
		{"pyhton", "python"},
		{"no-tiu", "no-tui"},
		{"envfile", "env-file"},
		{"treads", "threads"},
		{"scriptname", "script-name"},
		{"x", ""},      // too short to guess
		{"zzzzz", ""},  // nothing near
		{"debug", ""},  // a word of its own, not a typo
		{"reload", ""}, // three letters from no-reload: too far
		{"portt", "port"},
	} {
		if got := closest(names, tc.given); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.given, got, tc.want)
		}
	}
}

func TestUsageErrorsAreShort(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string // a regexp for stderr's first line
	}{
		{[]string{"serve", "--prt", "9000"}, `^wsgidev serve: unknown flag --prt; did you mean --port\?$`},
		{[]string{"serve", "app.py", "--hots", "0.0.0.0"}, `^wsgidev serve: unknown flag --hots; did you mean --host\?$`},
		{[]string{"app.py", "--prt", "0"}, `^wsgidev serve: unknown flag --prt; did you mean --port\?$`},
		{[]string{"serve", "--port"}, `^wsgidev serve: --port needs a value$`},
		{[]string{"serve", "--port", "abc"}, `^wsgidev serve: invalid value "abc" for flag --port`},
		{[]string{"export", "--fromat", "har", "c.jsonl"}, `^wsgidev export: unknown flag --fromat; did you mean --format\?$`},
		{[]string{"--prt"}, `^wsgidev: unknown flag --prt$`},
		{[]string{"srve"}, `^wsgidev: unknown command or app "srve"; did you mean serve\?$`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			p := start(t, launch{dir: "testdata/specs", args: tc.args})
			if code := p.wait(); code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			lines := strings.Split(strings.TrimSuffix(p.stderr.String(), "\n"), "\n")
			if len(lines) > 3 || !regexp.MustCompile(tc.want).MatchString(lines[0]) {
				t.Errorf("stderr is not at most three lines starting with %q:\n%s", tc.want, p.dump())
			}
			if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "--help") }) {
				t.Errorf("stderr does not say how to see the help:\n%s", p.dump())
			}
			if p.stdout.String() != "" {
				t.Errorf("stdout is not empty (the help was printed?):\n%s", p.dump())
			}
		})
	}
}

func TestAppWithoutServe(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		body string // GET / ; "" when wsgidev must refuse with exit 2
	}{
		{[]string{"app.py", "--port", "0"}, "app.py application"},
		{[]string{"run", "app.py", "--port", "0"}, "app.py application"},
		{[]string{"pkg.module:name", "--port", "0"}, "pkg.module name"},
		{[]string{"--port", "0"}, ""}, // flags alone are no app: serve must be named
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			if tc.body == "" {
				p := start(t, launch{dir: "testdata/specs", args: tc.args})
				if code := p.wait(); code != 2 {
					t.Errorf("exit status %d, want 2\n%s", code, p.dump())
				}
				return
			}
			p := startServing(t, launch{dir: "testdata/specs", args: tc.args})
			if body := p.getText("/", http.StatusOK); body != tc.body {
				t.Errorf("GET / = %q, want %q", body, tc.body)
			}
		})
	}
}
