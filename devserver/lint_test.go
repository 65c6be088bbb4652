package devserver_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// TestLintRules: each route of testdata/lint.py breaks one rule and must
// draw exactly that warning, in words that name what the PEP expects; the
// clean route draws none.
func TestLintRules(t *testing.T) {
	ts := startServer(t, "lint.py", serverOptions{raw: true})
	tests := []struct {
		path, rule, says string
	}{
		{"/clean", "", ""},
		{"/keywords", "start-response-keywords", "by position"},
		{"/status-header", "header-status", "first argument"},
		{"/name-chars", "header-name-chars", "X.Dotted"},
		{"/name-end", "header-name-end", "ending in - or _"},
		{"/value-control", "header-value-control", "control character"},
		{"/no-type", "content-type-missing", "without a Content-Type"},
		{"/type-204", "content-type-no-body", "never has a body"},
		{"/exc-info-list", "exc-info-type", "sys.exc_info()"},
		{"/input-close", "input-close", "wsgi.input.close()"},
		{"/errors-close", "errors-close", "wsgi.errors.close()"},
		{"/length", "content-length-mismatch", "Content-Length: 10 but its body had 5 bytes"},
		{"/headers-after-body", "headers-after-body", "after body bytes were sent"},
		{"/unclosed", "close-not-called", "did not call close()"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			// Some of these cut the connection (a short body): read what comes.
			resp, err := http.Get(ts.URL + tt.path)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			ex := ts.waitExchange(t, byPath(tt.path))
			var rules []string
			for _, w := range ex.Lint {
				rules = append(rules, w.Rule)
			}
			if tt.rule == "" {
				if len(ex.Lint) != 0 {
					t.Fatalf("a clean app drew %v", ex.Lint)
				}
				return
			}
			if len(ex.Lint) != 1 || ex.Lint[0].Rule != tt.rule {
				t.Fatalf("lint %v, want exactly %s", rules, tt.rule)
			}
			if msg := ex.Lint[0].Message; !strings.Contains(msg, tt.says) || !teaches(msg) {
				t.Errorf("the warning %q should say %q and name the rule's source", msg, tt.says)
			}
			if !hasLintEvent(ex, tt.rule) {
				t.Errorf("no lint event on the timeline for %s", tt.rule)
			}
		})
	}
}

// teaches: a warning says what PEP 3333 (or its reference validator) expects.
func teaches(msg string) bool {
	return strings.Contains(msg, "PEP 3333") || strings.Contains(msg, "wsgiref.validate")
}

func hasLintEvent(ex *exchange.Exchange, rule string) bool {
	for _, e := range ex.Events {
		if e.Kind == exchange.EventLint && e.Rule == rule {
			return true
		}
	}
	return false
}
