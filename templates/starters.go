package templates

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// starterFS holds the starter apps `wsgidev new` writes: new/<name>/app.py
// and whatever else the app needs beside it.
//
//go:embed new
var starterFS embed.FS

// Starter is one starter app: a runnable app.py that shows one idea.
type Starter struct {
	Name    string // what --template takes
	Summary string // the idea it shows, in a few words
}

// Starters lists the starter apps in the order to learn them.
func Starters() []Starter {
	return []Starter{
		{"hello", "environ and start_response: the whole of WSGI in one function"},
		{"streaming", "a generator that sends the body in chunks, as it is made"},
		{"form", "reading a POSTed form from wsgi.input, and escaping what you echo"},
		{"middleware", "a WSGI app that wraps another, changing its environ and headers"},
		{"routing", "a dispatcher that mounts two apps under prefixes, moving SCRIPT_NAME and PATH_INFO"},
		{"flask", "a Flask app is a WSGI app too (needs Flask)"},
	}
}

// StarterNames is the starters' names, for messages: "hello, streaming, …".
func StarterNames() string {
	var names []string
	for _, s := range Starters() {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

// File is one file of a starter app.
type File struct {
	Name string // relative to the app's folder, with forward slashes
	Data []byte
}

// IsStarter reports whether name is one of Starters.
func IsStarter(name string) bool {
	for _, s := range Starters() {
		if s.Name == name {
			return true
		}
	}
	return false
}

// StarterFiles returns the files of the starter called name, in name order.
func StarterFiles(name string) ([]File, error) {
	if !IsStarter(name) {
		return nil, fmt.Errorf("no template %q; choose one of %s", name, StarterNames())
	}
	root := path.Join("new", name)
	var files []File
	err := fs.WalkDir(starterFS, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := starterFS.ReadFile(p)
		files = append(files, File{Name: strings.TrimPrefix(p, root+"/"), Data: data})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("templates: reading template %s: %w", name, err)
	}
	return files, nil
}
