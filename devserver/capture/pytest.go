package capture

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/devserver/wsgi"
)

// PytestOptions says which app the tests load.
type PytestOptions struct {
	App string // APPSPEC, as serve takes it
	// Dir is the folder APPSPEC is relative to, itself relative to the
	// test file's folder (slashes), so the file runs wherever the project
	// is; or absolute when there is no relative way there.
	Dir        string
	ScriptName string // the mount prefix, for requests whose environ was not captured
	Software   string // SERVER_SOFTWARE for them, "wsgidev/<version>"
	Source     string // the capture's name, for the docstring
}

// WritePytest writes a pytest module with one test a request: the request
// goes through the app in-process with wsgiref (no server), and the test
// asserts the captured status and body.
func WritePytest(w io.Writer, entries []Entry, opts PytestOptions) error {
	var b strings.Builder
	fmt.Fprintf(&b, pytestPrelude, orUnnamed(opts.Source), pyStr(opts.App), pyStr(opts.Dir))
	names := map[string]int{}
	for i, e := range entries {
		writeTest(&b, i+1, e.Exchange, opts, names)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTest(b *strings.Builder, n int, ex *exchange.Exchange, opts PytestOptions, names map[string]int) {
	name := testName(n, ex)
	if names[name]++; names[name] > 1 {
		name = fmt.Sprintf("%s_%d", name, names[name])
	}
	environ, err := EnvironFor(ex, opts.ScriptName, opts.Software)
	fmt.Fprintf(b, "\n\n")
	if reason := skipReason(ex, err); reason != "" {
		fmt.Fprintf(b, "@pytest.mark.skip(reason=%s)\n", pyStr(reason))
	}
	fmt.Fprintf(b, "def %s(app):\n", name)
	fmt.Fprintf(b, "    \"\"\"%s\"\"\"\n", docLine(ex))
	b.WriteString("    environ = {\n")
	for _, v := range environ {
		if v.Type == "str" {
			fmt.Fprintf(b, "        %s: %s,\n", pyStr(v.Key), pyStr(latin1Text(v.Value)))
		}
	}
	b.WriteString("    }\n")
	fmt.Fprintf(b, "    request_body = %s\n", pyBytes(ex.RequestBody.Data, "    "))
	if f := ex.Failure; f != nil && f.Kind == exchange.FailException {
		fmt.Fprintf(b, "    # at capture the app raised: %s\n", oneLine(f.Message))
		b.WriteString("    with pytest.raises(Exception):\n        call(app, environ, request_body)\n")
		return
	}
	b.WriteString("    status, body = call(app, environ, request_body)\n")
	if line := statusLine(ex); line != "" {
		fmt.Fprintf(b, "    assert status == %s\n", pyStr(line))
	} else {
		fmt.Fprintf(b, "    assert status.split(\" \", 1)[0] == %s\n", pyStr(fmt.Sprint(ex.Status)))
	}
	body := ex.ResponseBody
	if body.Truncated {
		fmt.Fprintf(b, "    # the captured body was cut at the capture cap: its first %d of %d bytes\n", len(body.Data), body.Size)
		fmt.Fprintf(b, "    assert len(body) == %d\n", body.Size)
		fmt.Fprintf(b, "    assert body[:%d] == %s\n", len(body.Data), pyBytes(body.Data, "    "))
		return
	}
	fmt.Fprintf(b, "    assert body == %s\n", pyBytes(body.Data, "    "))
}

// skipReason says why a request cannot be a test, or "". environErr is
// why no environ could be made for it.
func skipReason(ex *exchange.Exchange, environErr error) string {
	if f := ex.Failure; f != nil && f.Kind != exchange.FailException {
		return fmt.Sprintf("at capture it ended with %s: %s", f.Kind, oneLine(f.Message))
	}
	switch {
	case environErr != nil:
		return environErr.Error()
	case ex.Status == 0:
		return "no answer was captured"
	case ex.RequestBody.Truncated:
		return fmt.Sprintf("the captured request body was cut at the capture cap (%d of %d bytes)", len(ex.RequestBody.Data), ex.RequestBody.Size)
	}
	return ""
}

// statusLine is the status the app gave its last start_response, if known.
func statusLine(ex *exchange.Exchange) string {
	for i := len(ex.Events) - 1; i >= 0; i-- {
		if ex.Events[i].Kind == exchange.EventStartResponse {
			return ex.Events[i].Status
		}
	}
	return ""
}

func testName(n int, ex *exchange.Exchange) string {
	path, _, _ := strings.Cut(ex.Target, "?")
	var slug strings.Builder
	for _, r := range strings.ToLower(ex.Method + "_" + path) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			slug.WriteRune(r)
		case slug.Len() > 0 && !strings.HasSuffix(slug.String(), "_"):
			slug.WriteByte('_')
		}
	}
	s := strings.TrimSuffix(slug.String(), "_")
	if len(s) > 40 {
		s = strings.TrimSuffix(s[:40], "_")
	}
	return fmt.Sprintf("test_%03d_%s", n, s)
}

func docLine(ex *exchange.Exchange) string {
	s := oneLine(ex.Method + " " + ex.Target)
	if ex.Status != 0 {
		s += fmt.Sprintf(" -> %d", ex.Status)
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// EnvironFor is the captured environ, or for an exchange without one (a
// HAR) the CGI environ the server would have built for its request
// (wsgi.Environ), with SERVER_NAME and SERVER_PORT from its Host header.
// software is SERVER_SOFTWARE. Values are raw bytes, as in exchange.EnvVar.
func EnvironFor(ex *exchange.Exchange, scriptName, software string) ([]exchange.EnvVar, error) {
	if len(ex.Environ) > 0 {
		return ex.Environ, nil
	}
	path, query := wsgi.SplitTarget(ex.Target)
	kv, err := wsgi.Environ(wsgi.Request{
		Method: ex.Method, Target: ex.Target, Path: path, Query: query, Proto: ex.Proto,
		Headers: ex.RequestHeaders, ScriptName: scriptName, ContentLength: ex.RequestBody.Size,
		RemoteAddr: ex.Remote, Software: software,
	})
	if err != nil {
		return nil, err
	}
	env := make([]exchange.EnvVar, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		env = append(env, exchange.EnvVar{Key: kv[i], Value: kv[i+1], Type: "str"})
	}
	return env, nil
}

// pyStr is a Python str literal for s (a Go string of code points), in
// ASCII.
func pyStr(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// pyBytes is a Python bytes literal for p, split over lines inside
// parentheses when long.
func pyBytes(p []byte, indent string) string {
	const width = 72
	var parts []string
	var cur strings.Builder
	for _, c := range p {
		var piece string
		switch {
		case c == '\\' || c == '\'':
			piece = `\` + string(c)
		case c == '\n':
			piece = `\n`
		case c == '\r':
			piece = `\r`
		case c == '\t':
			piece = `\t`
		case c >= 0x20 && c < 0x7f:
			piece = string(c)
		default:
			piece = fmt.Sprintf(`\x%02x`, c)
		}
		cur.WriteString(piece)
		if cur.Len() >= width || c == '\n' && cur.Len() > width/2 {
			parts = append(parts, "b'"+cur.String()+"'")
			cur.Reset()
		}
	}
	if cur.Len() > 0 || len(parts) == 0 {
		parts = append(parts, "b'"+cur.String()+"'")
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(\n" + indent + "    " + strings.Join(parts, "\n"+indent+"    ") + "\n" + indent + ")"
}

const pytestPrelude = `"""Regression tests from real traffic, written by wsgidev export --format pytest
from %s.

Each test sends one captured request through the app in this process with
wsgiref (no server, no network) and asserts the status and body the app gave
when it was captured. Run them with:

    python3 -m pytest THIS_FILE

WSGIDEV_APP and WSGIDEV_APP_DIR override the app and its folder; the folder
is otherwise found from this file's own, so the project can move.
"""
import ast
import importlib
import io
import os
import sys
from wsgiref.util import FileWrapper, setup_testing_defaults

import pytest

APP = os.environ.get("WSGIDEV_APP", %s)
APP_DIR = os.environ.get("WSGIDEV_APP_DIR") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), %s))


def _load_app():
    """Import APP the way wsgidev serve does: a file or a module, then the
    callable after the colon, or application, app, create_app(), make_app()."""
    target, _, expr = APP.partition(":")
    target, expr = target.strip(), expr.strip()
    if target.endswith(".py") or "/" in target:
        path = os.path.abspath(os.path.join(APP_DIR, target))
        folder, name = os.path.dirname(path), os.path.splitext(os.path.basename(path))[0]
        while os.path.exists(os.path.join(folder, "__init__.py")):  # a file inside packages
            name = os.path.basename(folder) + "." + name
            folder = os.path.dirname(folder)
        sys.path.insert(0, folder)
        module = importlib.import_module(name)
    else:
        sys.path.insert(0, APP_DIR)
        module = importlib.import_module(target)
    if not expr:
        for name in ("application", "app"):
            if callable(getattr(module, name, None)):
                return getattr(module, name)
        for name in ("create_app", "make_app"):
            if callable(getattr(module, name, None)):
                return getattr(module, name)()
        raise LookupError("%%s has no application, app, create_app() or make_app()" %% module.__name__)
    node = ast.parse(expr, mode="eval").body
    if isinstance(node, ast.Call):
        factory = _dotted(module, node.func)
        args = [ast.literal_eval(a) for a in node.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
        return factory(*args, **kwargs)
    return _dotted(module, node)


def _dotted(module, node):
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise ValueError("%%r is not a name or a call of one" %% APP)
    obj = module
    for name in [node.id] + names[::-1]:
        obj = getattr(obj, name)
    return obj


@pytest.fixture(scope="module")
def app():
    here = os.getcwd()
    os.chdir(APP_DIR)  # where wsgidev serve ran the app
    try:
        yield _load_app()
    finally:
        os.chdir(here)


def call(app, environ, request_body):
    """One WSGI call as a server makes it; returns the status and the body."""
    environ = dict(environ)
    environ["wsgi.input"] = io.BytesIO(request_body)
    environ["wsgi.errors"] = io.StringIO()
    environ["wsgi.file_wrapper"] = FileWrapper
    setup_testing_defaults(environ)
    started = []
    body = []

    def start_response(status, headers, exc_info=None):
        if exc_info is not None and started and started[-1][2]:
            raise exc_info[1].with_traceback(exc_info[2])
        started.append([status, headers, False])
        return body.append

    result = app(environ, start_response)
    try:
        for chunk in result:
            if chunk:
                started[-1][2] = True
            body.append(chunk)
    finally:
        if hasattr(result, "close"):
            result.close()
    assert started, "the app returned without calling start_response"
    return started[-1][0], b"".join(body)
`
