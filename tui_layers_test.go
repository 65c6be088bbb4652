package main

import "testing"

// The Layers tab of the real binary: both middleware classes of the app,
// the key the outer one added and the header the inner one added.
func TestLayersTabInTmux(t *testing.T) {
	t.Parallel()
	m, _ := serveInTmux(t, tmuxServe{dir: "testdata/layers", ready: "/tagged"})
	m.waitScreen("GET", "/tagged", "1 request")
	m.run("send-keys", "-t", "tui", "Enter")
	m.waitScreen("[1 Environ]", "wsgi.url_scheme") // the server's environ: the outer layer adds its key later
	m.run("send-keys", "-t", "tui", "8")
	m.waitScreen("[8 Layers]", "server → RequestTagger → ServerTiming → hello",
		"RequestTagger  middleware", "↓ + tagger.tag = 'blue'",
		"ServerTiming  middleware", "↑ + Server-Timing: app;dur=1", "hello  application")
	m.run("send-keys", "-t", "tui", "X")
	m.waitScreen("Middleware plays both sides", "The layer added a key before calling the layer below")
	m.run("send-keys", "-t", "tui", "6")
	m.run("send-keys", "-t", "tui", "t")
	m.waitScreen("result = app(environ, start_response)", "# returns [b'tagged blue\\n']", "for chunk in result:")
}
