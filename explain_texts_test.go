package main

import (
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/inspector"
)

// The texts reach the inspector worded as it shows them, and every topic
// the inspector explains in place has a text under the name it looks for.
func TestExplainTextsForTheInspector(t *testing.T) {
	x := explainTexts{}
	for key, origin := range map[string]string{
		"HTTP_USER_AGENT": "from the User-Agent request header",
		"PATH_INFO":       "from the path in the request line",
		"wsgi.version":    "set by the server",
	} {
		e, ok := x.Environ(key)
		if !ok || e.Origin != origin || e.Means == "" || e.Section == "" {
			t.Errorf("%s: %+v, %v; want origin %q, a meaning and a section", key, e, ok, origin)
		}
	}
	if e, ok := x.Environ("myapp.session"); ok {
		t.Errorf("a key wsgidev never sets has a text: %+v", e)
	}
	// The names detail_http.go and detail_events.go look up.
	for list, keys := range map[string][]string{
		"start_response": {"start_response", "status", "response_headers", "exc_info", "called twice", "write"},
		"body":           {"body", "iteration", "close"},
	} {
		var texts []inspector.Explanation
		if list == "body" {
			texts = x.Body()
		} else {
			texts = x.StartResponse()
		}
		have := map[string]inspector.Explanation{}
		for _, e := range texts {
			have[e.Key] = e
		}
		for _, k := range keys {
			e, ok := have[k]
			if !ok || e.Means == "" || e.Section == "" || strings.HasPrefix(e.Origin, "from ") {
				t.Errorf("%s texts: %q is %+v, %v; want a meaning, a section, and the app or the server as origin", list, k, e, ok)
			}
		}
	}
}
