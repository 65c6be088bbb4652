package reload

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// ignoredDirs are folders never watched, at any depth below a root (werkzeug
// and watchdog skip the same set). Virtualenvs are recognised by their
// pyvenv.cfg instead of by name.
var ignoredDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, "__pycache__": true,
	".tox": true, ".nox": true, ".mypy_cache": true, ".pytest_cache": true,
	".ruff_cache": true, "node_modules": true,
}

// venvMarker is the file that makes a folder a virtualenv (PEP 405).
const venvMarker = "pyvenv.cfg"

// venvDirs are the folders a virtualenv puts next to its pyvenv.cfg (bin,
// lib and include; Scripts, Lib and Include on Windows), in lower case. When
// a root is itself a virtualenv (a project made inside one), these are
// skipped and the rest of it is watched.
var venvDirs = map[string]bool{
	"bin": true, "lib": true, "lib64": true, "include": true, "scripts": true,
}

// systemFiles are files the system writes into folders: macOS's Finder
// (.DS_Store) and Windows Explorer (Thumbs.db, desktop.ini), in lower case.
var systemFiles = map[string]bool{".ds_store": true, "thumbs.db": true, "desktop.ini": true}

// ignoredFile reports whether name is a file an editor or the system writes
// beside the user's: vim swap files (.x.py.swp, .swo, .swx …) and its 4913
// probe, ~ backups, emacs lock (.#x.py) and autosave (#x.py#) files,
// JetBrains safe-write files (x.py___jb_tmp___, x.py___jb_old___), Office
// lock files (~$report.docx), *.tmp files (Word's, and many a Windows
// program's), and systemFiles. The case of the name does not matter.
func ignoredFile(name string) bool {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(name, "~"),
		strings.HasPrefix(name, ".#"),
		strings.HasPrefix(name, "~$"),
		len(name) > 1 && name[0] == '#' && name[len(name)-1] == '#',
		strings.HasSuffix(name, "___jb_tmp___"),
		strings.HasSuffix(name, "___jb_old___"),
		strings.HasSuffix(lower, ".tmp"),
		systemFiles[lower]:
		return true
	}
	if ext := path.Ext(lower); len(ext) == 4 && strings.HasPrefix(ext, ".sw") {
		return true // .swp, .swo, .swn … and .swx
	}
	return allDigits(name) // vim's write probe: 4913, then 5036, 5159 …
}

func allDigits(s string) bool {
	if len(s) < 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasExt reports whether name ends in "." + one of exts (case-insensitive;
// exts may hold several dots, like "tar.gz"). A bare ".py" has no extension.
func hasExt(name string, exts []string) bool {
	for _, e := range exts {
		n := len(name) - len(e)
		if n > 1 && name[n-1] == '.' && strings.EqualFold(name[n:], e) {
			return true
		}
	}
	return false
}

// glob is one gitignore-style pattern.
type glob struct {
	text     string   // as given, for messages
	segs     []string // split on "/"; "**" is a segment of its own
	anchored bool     // has a "/" before its end: matched from the root
	dirOnly  bool     // ends in "/": matches folders only
	negate   bool     // starts with "!": re-includes what an earlier one excluded
}

// compileGlobs parses gitignore-style patterns: "*" and "?" and "[a-z]" within
// a path segment, "**" across segments, a trailing "/" for folders only, a
// leading or inner "/" anchoring the pattern to the root, "!" to re-include,
// and "\" to escape. A pattern without a "/" matches a base name at any depth.
// On Windows "\" is a "/" instead (sys.backslash), and where names ignore
// case the patterns do too (sys.fold; ruleSet folds the paths).
func compileGlobs(patterns []string, sys system) ([]glob, error) {
	var gs []glob
	for _, text := range patterns {
		p := strings.TrimSpace(text)
		if sys.backslash {
			p = strings.ReplaceAll(p, `\`, "/")
		}
		if sys.fold {
			p = strings.ToLower(p)
		}
		g := glob{text: text}
		if strings.HasPrefix(p, "!") {
			g.negate, p = true, p[1:]
		}
		if strings.HasSuffix(p, "/") {
			g.dirOnly, p = true, strings.TrimRight(p, "/")
		}
		if strings.Contains(p, "/") {
			g.anchored, p = true, strings.TrimLeft(p, "/")
		}
		if p == "" {
			if text == "" || strings.TrimSpace(text) == "" {
				continue
			}
			return nil, fmt.Errorf("reload: ignore %q: empty pattern", text)
		}
		for _, s := range strings.Split(p, "/") {
			if s == "" {
				continue // "a//b" is "a/b"
			}
			if strings.Contains(s, "**") && s != "**" {
				s = strings.ReplaceAll(s, "**", "*") // "foo**" is "foo*"
			}
			if _, err := path.Match(s, "x"); err != nil {
				return nil, fmt.Errorf("reload: ignore %q: %w", text, err)
			}
			g.segs = append(g.segs, s)
		}
		gs = append(gs, g)
	}
	return gs, nil
}

// ignoredBy applies the globs to one path relative to a root ("a/b/c.py",
// slash-separated), the last matching glob deciding. It does not look at the
// path's parents; ruleSet.ignoredPath does.
func ignoredBy(gs []glob, rel string, isDir bool) bool {
	ignored := false
	var segs []string
	for i := range gs {
		g := &gs[i]
		if g.dirOnly && !isDir {
			continue
		}
		var ok bool
		if g.anchored {
			if segs == nil {
				segs = strings.Split(rel, "/")
			}
			ok = matchSegs(g.segs, segs)
		} else {
			ok = matchSeg(g.segs[0], rel[strings.LastIndexByte(rel, '/')+1:])
		}
		if ok {
			ignored = !g.negate
		}
	}
	return ignored
}

// matchSegs matches pattern segments against path segments; "**" stands for
// any number of segments, and for at least one when it ends the pattern
// ("foo/**" is everything inside foo, not foo itself).
func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			if len(pat) == 1 {
				return len(segs) > 0
			}
			for i := 0; i <= len(segs); i++ {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 || !matchSeg(pat[0], segs[0]) {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

func matchSeg(pat, name string) bool {
	if pat == "**" {
		return true
	}
	ok, _ := path.Match(pat, name) // patterns were checked by compileGlobs
	return ok
}

// ruleSet decides what is watched and what counts. It is read-only after
// New, so every goroutine may use it.
type ruleSet struct {
	roots []string // absolute, clean, longest first
	exts  []string // without dots
	globs []glob
	fold  bool // names ignore case (system.fold)
}

// name is a name or slash-separated path as the rules compare it.
func (r *ruleSet) name(s string) string {
	if r.fold {
		return strings.ToLower(s)
	}
	return s
}

// rel returns p relative to the innermost root holding it, slash-separated,
// or p's base name when no root holds it (an explicitly watched file).
func (r *ruleSet) rel(p string) (rel string, inRoot bool) {
	for _, root := range r.roots {
		if p == root {
			return "", true
		}
		if within(p, root) {
			return filepath.ToSlash(p[len(root)+len(sep(root)):]), true
		}
	}
	return filepath.Base(p), false
}

// skipDir reports whether the folder p, found below a root, is left out.
func (r *ruleSet) skipDir(p string) bool {
	if ignoredDirs[r.name(filepath.Base(p))] {
		return true
	}
	rel, _ := r.rel(p)
	return rel != "" && ignoredBy(r.globs, r.name(rel), true)
}

// skipFile reports whether the file p is ignored by its own name or path
// (editor and system files, the user's globs); its folders are not looked
// at.
func (r *ruleSet) skipFile(p string) bool {
	if ignoredFile(filepath.Base(p)) {
		return true
	}
	rel, _ := r.rel(p)
	return ignoredBy(r.globs, r.name(rel), false)
}

// ignoredPath is skipFile plus every folder between p and its root: for
// explicitly watched files, which may sit in a folder the tree walk skips.
func (r *ruleSet) ignoredPath(p string) bool {
	if r.skipFile(p) {
		return true
	}
	rel, inRoot := r.rel(p)
	if !inRoot {
		return false
	}
	parts := strings.Split(r.name(rel), "/")
	for i := 1; i < len(parts); i++ {
		if ignoredDirs[parts[i-1]] || ignoredBy(r.globs, strings.Join(parts[:i], "/"), true) {
			return true
		}
	}
	return false
}

func (r *ruleSet) isRoot(p string) bool {
	for _, root := range r.roots {
		if p == root {
			return true
		}
	}
	return false
}

// within reports whether p lies strictly below dir.
func within(p, dir string) bool {
	s := sep(dir)
	return len(p) > len(dir)+len(s) && strings.HasPrefix(p, dir) && p[len(dir):len(dir)+len(s)] == s
}

// sep is the separator to put after dir ("" for "/" itself).
func sep(dir string) string {
	if strings.HasSuffix(dir, string(filepath.Separator)) {
		return ""
	}
	return string(filepath.Separator)
}
