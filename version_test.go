package main

// `wsgidev version` and `--version` say which build this is: a release
// (version, commit and date stamped by release/build with -ldflags -X) or a
// development build (the commit go build recorded from git).

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// buildTimeout bounds a go build in these tests: a cold cache under load.
const buildTimeout = 10 * time.Minute

func TestVersionText(t *testing.T) {
	goLine := "go      " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	dev := "wsgidev 0.2.0, development build (not made by release/build)\n"
	noDate := "built   unknown: only release/build stamps a date\n"
	vcs := func(settings ...string) *debug.BuildInfo {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/wsgidev/wsgidev", Version: "(devel)"}}
		for i := 0; i+1 < len(settings); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return info
	}
	installed := vcs()
	installed.Main.Version = "v0.2.0"
	tests := []struct {
		name         string
		commit, date string
		info         *debug.BuildInfo
		want         string
	}{
		{"release build", "f3759c3", "2026-12-03T14:36:00Z", vcs("vcs.revision", "ignored"),
			"wsgidev 0.2.0\ncommit  f3759c3\nbuilt   2026-12-03T14:36:00Z\n" + goLine},
		{"clean checkout", "", "", vcs("vcs.revision", "abc123", "vcs.modified", "false"),
			dev + "commit  abc123\n" + noDate + goLine},
		{"edited checkout", "", "", vcs("vcs.revision", "abc123", "vcs.modified", "true"),
			dev + "commit  abc123 with uncommitted changes\n" + noDate + goLine},
		{"go install from the proxy", "", "", installed,
			dev + "commit  unknown: built from module github.com/wsgidev/wsgidev v0.2.0\n" + noDate + goLine},
		{"no git", "", "", vcs(),
			dev + "commit  unknown: go build found no .git folder (a git worktree has none) or ran with -buildvcs=false\n" + noDate + goLine},
		{"no build info", "", "", nil,
			dev + "commit  unknown: the binary carries no build information\n" + noDate + goLine},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := versionText("0.2.0", tt.commit, tt.date, tt.info); got != tt.want {
				t.Errorf("versionText:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestVersionCommandAndFlagAgree(t *testing.T) {
	t.Parallel()
	byCommand, code := command(t, ".", nil, wsgidevBin, "version")
	if code != 0 {
		t.Fatalf("wsgidev version exited %d:\n%s", code, byCommand)
	}
	byFlag, code := command(t, ".", nil, wsgidevBin, "--version")
	if code != 0 {
		t.Fatalf("wsgidev --version exited %d:\n%s", code, byFlag)
	}
	if byCommand != byFlag {
		t.Errorf("wsgidev version printed\n%s\nbut wsgidev --version printed\n%s", byCommand, byFlag)
	}
	want := "wsgidev " + version + ", development build"
	if !strings.HasPrefix(byCommand, want) || !strings.Contains(byCommand, "\ngo      "+runtime.Version()+" ") {
		t.Errorf("wsgidev version printed\n%s\nwant it to start %q and name %s", byCommand, want, runtime.Version())
	}
}

func TestVersionStampedByReleaseBuild(t *testing.T) {
	t.Parallel()
	bin := buildVariant(t, ".", "-ldflags=-X main.version=9.8.7 -X main.commit=0123abc -X main.buildDate=2026-01-02T03:04:05Z")
	out, code := command(t, ".", nil, bin, "version")
	want := "wsgidev 9.8.7\ncommit  0123abc\nbuilt   2026-01-02T03:04:05Z\ngo      " + runtime.Version()
	if code != 0 || !strings.HasPrefix(out, want) {
		t.Errorf("a stamped wsgidev version exited %d and printed\n%s\nwant it to start\n%s", code, out, want)
	}
}

// A development build names the commit it was built from, and says when the
// checkout had changes. It builds from a copy of this tree in a git
// repository of its own, since go build finds no commit in a git worktree.
func TestVersionDevelopmentBuildNamesItsCommit(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		needTool(t, "no git")
	}
	dir := copyTreeIntoNewRepo(t)
	revision := strings.TrimSpace(runGit(t, dir, "rev-parse", "HEAD"))
	for _, edited := range []bool{false, true} {
		want := "\ncommit  " + revision + "\n"
		if edited {
			if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("edited\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			want = "\ncommit  " + revision + " with uncommitted changes\n"
		}
		out, code := command(t, dir, nil, buildVariant(t, dir, "-buildvcs=true"), "version")
		if code != 0 || !strings.Contains(out, ", development build") || !strings.Contains(out, want) {
			t.Errorf("edited=%v: wsgidev version exited %d and printed\n%s\nwant a development build with %q", edited, code, out, want)
		}
	}
}

// buildVariant builds wsgidev from dir with TestMain's flags (so its build
// cache serves) plus flags, and returns the binary.
func buildVariant(t *testing.T, dir string, flags ...string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "wsgidev")
	args := append(append(append([]string{"build"}, buildFlags...), flags...), "-o", bin, ".")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return bin
}

// copyTreeIntoNewRepo copies this checkout's files (tracked, and untracked
// but not ignored) into a fresh git repository with one commit.
func copyTreeIntoNewRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range bytes.Split([]byte(runGit(t, ".", "ls-files", "-z", "--cached", "--others", "--exclude-standard")), []byte{0}) {
		data, err := os.ReadFile(string(name))
		if len(name) == 0 || os.IsNotExist(err) { // a tracked file deleted here
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dir, string(name))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	runGit(t, dir, "init", "-q")
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "-c", "user.name=wsgidev test", "-c", "user.email=test@wsgidev.invalid", "-c", "commit.gpgsign=false",
		"commit", "-q", "-m", "a copy to build")
	return dir
}

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if exit, ok := err.(*exec.ExitError); ok {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, exit.Stderr)
	} else if err != nil {
		t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}
