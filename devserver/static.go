package devserver

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/devserver/wsgi"
)

// StaticDir is a folder wsgidev serves itself at a URL prefix, before the
// app (--static /static=./static).
type StaticDir struct {
	Prefix string // under the mount (--script-name): "/static"; "" for the root
	Dir    string // the folder, as given: relative ones are from wsgidev's working folder
}

// ParseStatic reads --static's PREFIX=FOLDER and checks the folder.
func ParseStatic(spec string) (StaticDir, error) {
	prefix, dir, ok := strings.Cut(spec, "=")
	if !ok || !strings.HasPrefix(prefix, "/") || dir == "" {
		return StaticDir{}, fmt.Errorf("--static %q: give URL-PREFIX=FOLDER, e.g. --static /static=./static", spec)
	}
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return StaticDir{}, fmt.Errorf("--static %s: %w", spec, err)
	case !fi.IsDir():
		return StaticDir{}, fmt.Errorf("--static %s: %s is not a folder", spec, dir)
	}
	return StaticDir{Prefix: strings.TrimRight(prefix, "/"), Dir: filepath.Clean(dir)}, nil
}

// serveStatic answers a GET or HEAD that names a file in a --static
// folder, and reports whether it did. A path that names no file there
// (a folder, a dotfile, nothing) goes on to the app, as with nginx's
// try_files and WhiteNoise. The file is served with net/http's rules
// (content type, Last-Modified, conditional requests, ranges) and an ETag,
// and the exchange is marked as wsgidev's (Exchange.Static).
func (s *Server) serveStatic(r *http.Request, rec *recorder, resp *response) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	for _, d := range s.cfg.Static {
		_, rel, ok := wsgi.Mount(s.cfg.ScriptName+d.Prefix, r.URL.Path)
		if !ok {
			continue
		}
		f, fi, ok := d.open(rel)
		if !ok {
			continue
		}
		defer f.Close()
		rec.ex.Static = filepath.Join(d.Dir, filepath.FromSlash(rel))
		h := resp.w.Header()
		h.Set("ETag", fmt.Sprintf(`"%x-%x"`, fi.ModTime().UnixNano(), fi.Size()))
		h.Set("Cache-Control", "no-cache") // the browser asks again each time (a 304 while unchanged): edits show at once
		http.ServeContent(&staticWriter{ResponseWriter: resp.w, resp: resp, rec: rec, limit: s.cfg.BodyCap}, r, fi.Name(), fi.ModTime(), f)
		return true
	}
	return false
}

// open opens the file rel (a URL path under the prefix) names in d. No
// segment may start with a dot (dotfiles, ".."), and the folder is an
// os.Root: neither a path nor a symbolic link leads out of it.
func (d StaticDir) open(rel string) (*os.File, os.FileInfo, bool) {
	rel = strings.TrimPrefix(rel, "/")
	if rel == "" || strings.ContainsAny(rel, "\\\x00") {
		return nil, nil, false
	}
	for _, seg := range strings.Split(rel, "/") {
		if seg == "" || seg[0] == '.' {
			return nil, nil, false
		}
	}
	root, err := os.OpenRoot(d.Dir)
	if err != nil {
		return nil, nil, false
	}
	defer root.Close()
	f, err := root.Open(filepath.FromSlash(rel))
	if err != nil {
		return nil, nil, false
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, false
	}
	return f, fi, true
}

// staticWriter records what http.ServeContent answers and sends it
// through the request's response, so that the last byte waits for the
// exchange to be recorded as the app's answers do.
type staticWriter struct {
	http.ResponseWriter
	resp  *response
	rec   *recorder
	limit int
}

func (w *staticWriter) WriteHeader(code int) {
	if w.resp.committed {
		return
	}
	h := w.resp.w.Header()
	if n, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64); err == nil && n >= 0 {
		w.resp.declared = n
	}
	w.resp.committed = true
	w.resp.writeHead(code, strconv.Itoa(code)+" "+http.StatusText(code))
	w.rec.ex.Status = code
	for _, name := range headerNames(h) {
		for _, v := range h[name] {
			w.rec.ex.ResponseHeaders = append(w.rec.ex.ResponseHeaders, exchange.Header{Name: name, Value: v})
		}
	}
}

func (w *staticWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.rec.ex.ResponseBody.Append(p, w.limit)
	if err := w.resp.send(p); err != nil {
		return 0, err
	}
	if w.resp.clientErr {
		return 0, errors.New("devserver: the client went away")
	}
	return len(p), nil
}
