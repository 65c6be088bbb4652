package devserver

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/pyrunner"
	"github.com/wsgidev/wsgidev/templates"
)

// pageData is what templates/errorpage.* show.
type pageData struct {
	Status, Title, Summary, Rule, Traceback, Hint string
	Method, Path, Version                         string

	Frames []pageFrame // the traceback as frames with source and locals (HTML)
	// AppFrame is the app's frame nearest the error, whose locals the text
	// page shows; Where names it.
	AppFrame *exchange.Frame
	Where    string
	Headers  []exchange.Header // the request's, as sent
	Environ  []exchange.EnvVar // what the app got, when it was built
}

type pages struct {
	html    *htmltemplate.Template
	text    *texttemplate.Template
	version string
}

func newPages(version string) (*pages, error) {
	h, err := htmltemplate.New("errorpage.html").Parse(templates.ErrorPageHTML)
	if err != nil {
		return nil, fmt.Errorf("devserver: error page template: %w", err)
	}
	t, err := texttemplate.New("errorpage.txt").Parse(templates.ErrorPageText)
	if err != nil {
		return nil, fmt.Errorf("devserver: error page template: %w", err)
	}
	return &pages{html: h, text: t, version: version}, nil
}

func (p *pages) render(d pageData, html bool) (body []byte, contentType string) {
	d.Version = p.version
	d.Traceback = strings.TrimRight(d.Traceback, "\n")
	var buf bytes.Buffer
	var err error
	if html {
		err, contentType = p.html.Execute(&buf, d), "text/html; charset=utf-8"
	} else {
		err, contentType = p.text.Execute(&buf, d), "text/plain; charset=utf-8"
	}
	if err != nil { // the templates are ours and tested; still, never lose the message
		return []byte(d.Status + "\n" + d.Summary + "\n" + d.Traceback + "\n"), "text/plain; charset=utf-8"
	}
	return buf.Bytes(), contentType
}

// failureHeader says what failed in capture.FailureHeader: the kind, the
// rule, the message, in printable ASCII and 200 characters at most.
func failureHeader(f *exchange.Failure) string {
	s := string(f.Kind)
	if f.Rule != "" {
		s += " [" + f.Rule + "]"
	}
	b := []byte(s + ": " + f.Message)
	for i, c := range b {
		if c < 0x20 || c >= 0x7f {
			b[i] = '?'
		}
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return string(b)
}

func loadErrorPage(le *pyrunner.LoadError) pageData {
	d := pageData{
		Title:     "The app failed to import",
		Summary:   le.Summary(),
		Traceback: le.Traceback,
		Hint:      "Fix the error and save; the server stays up and this page goes away on the next request that imports cleanly.",
	}
	if le.NoApp() {
		d.Title = "No WSGI app found"
	}
	if le.Hint != "" {
		d.Hint = le.Hint
	}
	return d
}

func failurePage(f *pyrunner.Failure) pageData {
	if f.Kind == pyrunner.FailWSGI {
		return withFrames(pageData{
			Title:     "The app broke a WSGI rule",
			Summary:   "The app's response cannot be sent as it is, so wsgidev sends this page instead.",
			Rule:      f.Message + " [" + f.Rule + "]",
			Traceback: f.Traceback,
			Hint:      "PEP 3333 (https://peps.python.org/pep-3333/) describes the rule; the traceback shows where the app broke it.",
		}, f)
	}
	return withFrames(pageData{
		Title:     "The app raised an exception",
		Summary:   f.Message,
		Traceback: f.Traceback,
		Hint:      "The traceback's last lines point at the cause. Fix it and request the page again.",
	}, f)
}

// withFrames adds a failure's frames: all of them for the HTML page, the
// app's nearest the error for the text page.
func withFrames(d pageData, f *pyrunner.Failure) pageData {
	ef := exchange.Failure{Frames: exchangeFrames(f.Frames)}
	d.Frames = pageFrames(ef.Frames)
	if d.AppFrame = ef.AppFrame(); d.AppFrame != nil {
		d.Where = frameWhere(d.AppFrame)
	}
	return d
}
