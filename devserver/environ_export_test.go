package devserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// connectionKeys are the environ keys that come from the connection, which
// a request recorded without its environ (a browser's HAR) does not have.
var connectionKeys = map[string]bool{"SERVER_NAME": true, "SERVER_PORT": true, "REMOTE_ADDR": true, "REMOTE_PORT": true}

// The pytest export builds the environ of a request recorded without one
// as the server does: one request with two Cookie headers, a Host that is
// not the listening address, a query and a body gives the same keys both
// ways, but for those of the connection.
func TestExportEnvironIsTheServers(t *testing.T) {
	t.Parallel()
	ts := startValidated(t, "rules")
	req, err := http.NewRequest("POST", ts.URL+"/upload?a=1&b=%20", strings.NewReader("the body"))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "example.test:9999"
	req.Header.Add("Cookie", "a=1")
	req.Header.Add("Cookie", "b=2")
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("X-Dashed-Name", "v")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ex := ts.waitExchange(t, byPath("/upload?a=1&b=%20"))

	recorded := *ex
	recorded.Environ = nil // as a HAR has it
	built, err := capture.EnvironFor(&recorded, "", "wsgidev/test")
	if err != nil {
		t.Fatal(err)
	}
	server, export := strEnviron(ex.Environ), strEnviron(built)
	if server["HTTP_COOKIE"] != "a=1; b=2" || server["HTTP_HOST"] != "example.test:9999" || server["CONTENT_LENGTH"] != "8" {
		t.Fatalf("the server's environ is not the request sent: %v", server)
	}
	for key, v := range server {
		if connectionKeys[key] {
			continue
		}
		if got, ok := export[key]; !ok || got != v {
			t.Errorf("%s: the server gave the app %q, the export builds %q (present %v)", key, v, got, ok)
		}
	}
	for key, v := range export {
		if _, ok := server[key]; !ok && !connectionKeys[key] {
			t.Errorf("%s: the export builds %q, the server gave the app no such key", key, v)
		}
	}
}

// strEnviron is the str values of an environ by key.
func strEnviron(env []exchange.EnvVar) map[string]string {
	m := map[string]string{}
	for _, v := range env {
		if v.Type == "str" {
			m[v.Key] = v.Value
		}
	}
	return m
}
