package pyrunner

import (
	"fmt"
	"regexp"
	"strings"
)

// AppSpec says where the WSGI callable lives: a file or an importable module,
// and the optional expression after the colon (a name, a dotted name, or a
// factory call with literal arguments, which the child parses with ast and
// never evaluates).
type AppSpec struct {
	File   string // app.py, path/to/app.py, mysite/wsgi.py
	Module string // pkg.module
	Expr   string // "", "app", "create_app('dev', debug=True)"
}

var moduleName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)

// ParseAppSpec splits the forms gunicorn and flask accept: app.py,
// path/to/app.py, app.py:name, pkg.module:name, pkg.module:create_app(...).
func ParseAppSpec(s string) (AppSpec, error) {
	target, expr, hasExpr := strings.Cut(strings.TrimSpace(s), ":")
	target, expr = strings.TrimSpace(target), strings.TrimSpace(expr)
	if target == "" {
		return AppSpec{}, fmt.Errorf("app spec %q names no file or module; try app.py or mypkg.app:app", s)
	}
	if hasExpr && expr == "" {
		return AppSpec{}, fmt.Errorf("app spec %q ends with a colon; name the callable after it (%s:app) or drop the colon", s, target)
	}
	if strings.HasSuffix(target, ".py") || strings.ContainsRune(target, '/') {
		return AppSpec{File: target, Expr: expr}, nil
	}
	if !moduleName.MatchString(target) {
		return AppSpec{}, fmt.Errorf("app spec %q: %q is neither a .py file nor a dotted module name", s, target)
	}
	return AppSpec{Module: target, Expr: expr}, nil
}

// String gives the spec back in the form a user types.
func (a AppSpec) String() string {
	t := a.File
	if t == "" {
		t = a.Module
	}
	if a.Expr != "" {
		return t + ":" + a.Expr
	}
	return t
}
