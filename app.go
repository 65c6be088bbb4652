package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/pyrunner"
	"github.com/wsgidev/wsgidev/templates"
)

// appChoice is the app to serve, how the banner names it, and the .env
// files that gave it variables.
type appChoice struct {
	spec   pyrunner.AppSpec
	label  string
	dotenv dotenv
}

// chooseApp resolves APPSPEC, or finds app.py / wsgi.py, or falls back to
// the embedded demo.
func chooseApp(c *cli.Context, dir string) (appChoice, error) {
	if c.NArg() > 1 {
		return appChoice{}, fmt.Errorf("one APPSPEC at most, got %q", c.Args().Slice())
	}
	if arg := c.Args().First(); arg != "" {
		spec, err := pyrunner.ParseAppSpec(arg)
		if err != nil {
			return appChoice{}, err
		}
		if spec.File != "" {
			info, err := os.Stat(spec.File)
			if err != nil {
				return appChoice{}, fmt.Errorf("%s: no such file; run wsgidev from the app's folder or give the path to it", spec.File)
			}
			if info.IsDir() {
				return appChoice{}, fmt.Errorf("%s is a folder; name the app's file in it, e.g. %s", spec.File, filepath.Join(spec.File, "app.py"))
			}
		}
		if folder := filepath.FromSlash(strings.ReplaceAll(spec.Module, ".", "/")); spec.Module != "" && isPlainFolder(folder) {
			return appChoice{}, fmt.Errorf("%s is a folder, not a Python module; name the app's file in it, e.g. %s", folder, filepath.Join(folder, "app.py"))
		}
		return appChoice{spec: spec, label: spec.String()}, nil
	}
	for _, name := range []string{"app.py", "wsgi.py"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return appChoice{spec: pyrunner.AppSpec{File: name}, label: name + " (found in this folder)"}, nil
		}
	}
	path, err := writeDemo()
	if err != nil {
		return appChoice{}, err
	}
	return appChoice{spec: pyrunner.AppSpec{File: path}, label: "the built-in demo (no app.py or wsgi.py in this folder)"}, nil
}

// isPlainFolder reports whether a module spec names a folder that imports
// as an empty namespace package: no __init__.py, no module file beside it.
// Such a package can never hold the app.
func isPlainFolder(path string) bool {
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return false
	}
	for _, p := range []string{filepath.Join(path, "__init__.py"), path + ".py"} {
		if _, err := os.Stat(p); err == nil {
			return false
		}
	}
	return true
}

func writeDemo() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "wsgidev", "demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("writing the demo app: %w", err)
	}
	path := filepath.Join(dir, "wsgidev_demo.py")
	if old, err := os.ReadFile(path); err == nil && string(old) == string(templates.DemoApp) {
		return path, nil // left alone: a demo already running reloads when it changes
	}
	if err := os.WriteFile(path, templates.DemoApp, 0o644); err != nil {
		return "", fmt.Errorf("writing the demo app: %w", err)
	}
	return path, nil
}
