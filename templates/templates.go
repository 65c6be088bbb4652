// Package templates holds the files wsgidev embeds in its binary: the demo
// WSGI app served when no app is given, the error page shown when a
// request fails (an import error, an exception before start_response, a
// broken WSGI rule, a child process that died), the starter apps of
// `wsgidev new` (new/), and the texts of explain mode (explain/).
//
// The package imports nothing of ours; beyond embedding, it reads its own
// explain files and writes a starter's files where `wsgidev new` says.
// The variables are read-only by convention: never modify them.
package templates

import _ "embed"

// DemoApp is the source of demo/app.py, a standard-library-only WSGI app
// (callable "application") that explains WSGI by showing its own environ,
// a streamed response and a form.
//
//go:embed demo/app.py
var DemoApp []byte

// ErrorPageHTML is an html/template source for the error page. Its data has
// the string fields Status, Title, Summary, Rule, Traceback, Hint, Method,
// Path and Version; Rule, Traceback and Hint may be empty, and their sections
// are then left out. Frames (each with Kind "app" or "library", Open, File,
// Line, Function, Lines of source and Locals), Headers and Environ, when
// there are any, show the traceback frame by frame and the request; the
// text page shows the Locals of AppFrame, named by Where. No script: frames
// fold with <details>.
//
//go:embed errorpage.html
var ErrorPageHTML string

// ErrorPageText is the text/template twin of ErrorPageHTML, for clients that
// do not want HTML (curl). It takes the same data.
//
//go:embed errorpage.txt
var ErrorPageText string
