package main

// .env and .flaskenv, loaded as flask run loads them with python-dotenv,
// parsed in Go (pyrunner.ParseEnvFile says the syntax): the app needs no
// python-dotenv.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// dotenvNames are the files looked for, the first winning over the second
// as in Flask: .env is the developer's own, .flaskenv the project's
// shared defaults.
var dotenvNames = []string{".env", ".flaskenv"}

// dotenv is what the files gave the app.
type dotenv struct {
	files []string // the files read, as dotenvNames orders them; relative to the folder wsgidev started in when inside it
	env   []string // KEY=VALUE for the app
	added int      // keys the app got from them (not already set)
}

// loadDotenv reads each of dotenvNames nearest the app (findDotenv). As in
// Flask, a key the environment sets already is left as it is; --env-file
// and --env, placed after these, win over them.
func loadDotenv(appDir, top string, lookup func(string) (string, bool)) (dotenv, error) {
	var d dotenv
	seen := map[string]bool{} // keys an earlier file gave
	for _, path := range findDotenv(appDir, top) {
		pairs, err := pyrunner.ParseEnvFile(path)
		if err != nil {
			return d, fmt.Errorf("%w (--no-dotenv skips the .env files)", err)
		}
		if rel, err := filepath.Rel(top, path); err == nil && !strings.HasPrefix(rel, "..") {
			path = rel
		}
		d.files = append(d.files, path)
		mine := map[string]bool{}
		for _, kv := range pairs {
			key, _, _ := strings.Cut(kv, "=")
			if _, set := lookup(key); set || seen[key] {
				continue
			}
			mine[key] = true
			d.env = append(d.env, kv) // a key twice in one file: the last wins
		}
		for key := range mine {
			seen[key] = true
		}
	}
	d.added = len(seen)
	return d, nil
}

// findDotenv finds each of dotenvNames in the app's folder or, failing
// that, the nearest folder above it up to top (the folder wsgidev was
// started in), when the app is inside top: a .env beside manage.py serves
// mysite/wsgi.py. An app outside top is looked for in its own folder only.
func findDotenv(appDir, top string) []string {
	dirs := []string{appDir}
	if rel, err := filepath.Rel(top, appDir); err == nil && rel != "." && !strings.HasPrefix(rel, "..") {
		for d := appDir; d != top; {
			d = filepath.Dir(d)
			dirs = append(dirs, d)
		}
	}
	var files []string
	for _, name := range dotenvNames {
		for _, d := range dirs {
			path := filepath.Join(d, name)
			if info, err := os.Stat(path); err == nil && info.Mode().IsRegular() {
				files = append(files, path)
				break
			}
		}
	}
	return files
}

// appDir is the app's folder: a file spec's own folder, else dir (a module
// is imported from there).
func appDir(spec pyrunner.AppSpec, dir string) string {
	if spec.File == "" {
		return dir
	}
	file := spec.File
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	return filepath.Dir(file)
}
