package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// version is wsgidev's version, here and nowhere else: release/build reads
// it from this line, and the banner, SERVER_SOFTWARE, error pages and
// capture headers carry it.
var version = "0.2.0"

// commit and buildDate are stamped by release/build (-ldflags -X); a binary
// built any other way has neither and calls itself a development build.
var (
	commit    string
	buildDate string
)

// printVersion is both `wsgidev version` and `wsgidev --version`.
func printVersion(c *cli.Context) {
	info, _ := debug.ReadBuildInfo()
	fmt.Fprint(c.App.Writer, versionText(version, commit, buildDate, info))
}

// versionText says which wsgidev this is: a release build by its stamped
// commit and date, a development build by the commit Go recorded (nil info
// when there is none).
func versionText(version, commit, buildDate string, info *debug.BuildInfo) string {
	goLine := fmt.Sprintf("go      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if commit != "" {
		return fmt.Sprintf("wsgidev %s\ncommit  %s\nbuilt   %s\n", version, commit, buildDate) + goLine
	}
	return fmt.Sprintf("wsgidev %s, development build (not made by release/build)\ncommit  %s\nbuilt   unknown: only release/build stamps a date\n",
		version, developmentCommit(info)) + goLine
}

// developmentCommit is the commit `go build` recorded from the git checkout
// it ran in, or why there is none.
func developmentCommit(info *debug.BuildInfo) string {
	if info == nil {
		return "unknown: the binary carries no build information"
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	switch revision := settings["vcs.revision"]; {
	case revision != "" && settings["vcs.modified"] == "true":
		return revision + " with uncommitted changes"
	case revision != "":
		return revision
	case info.Main.Version != "" && info.Main.Version != "(devel)":
		return "unknown: built from module " + info.Main.Path + " " + info.Main.Version
	}
	return "unknown: go build found no .git folder (a git worktree has none) or ran with -buildvcs=false"
}

// versionCommand is `wsgidev version`, which says what --version says.
var versionCommand = &cli.Command{
	Name:  "version",
	Usage: "print wsgidev's version, commit, build date and Go version",
	Action: func(c *cli.Context) error {
		printVersion(c)
		return nil
	},
}
