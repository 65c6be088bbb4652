package wsgi

import (
	"reflect"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

func envMap(t *testing.T, r Request) map[string]string {
	t.Helper()
	kv, err := Environ(r)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		if _, dup := m[kv[i]]; dup {
			t.Fatalf("key %s twice", kv[i])
		}
		m[kv[i]] = kv[i+1]
	}
	return m
}

func headers(pairs ...string) []exchange.Header {
	var hs []exchange.Header
	for i := 0; i < len(pairs); i += 2 {
		hs = append(hs, exchange.Header{Name: pairs[i], Value: pairs[i+1]})
	}
	return hs
}

// Requests known only as data (a browser's HAR): header names in any case
// and order, no connection.
func TestEnvironFromPlainData(t *testing.T) {
	tests := []struct {
		name   string
		req    Request
		want   map[string]string
		absent []string
	}{
		{
			name: "repeated headers apart and in lower case are joined; cookies with semicolons",
			req:  Request{Method: "GET", Path: "/", Headers: headers("cookie", "a=1", "accept", "x", "Cookie", "b=2", "Accept", "y")},
			want: map[string]string{"HTTP_COOKIE": "a=1; b=2", "HTTP_ACCEPT": "x,y"},
		},
		{
			name:   "pseudo-headers, underscores and the body's headers make no HTTP_ key",
			req:    Request{Method: "POST", Path: "/", Headers: headers(":path", "/", "X_Auth", "evil", "content-type", "text/plain", "Content-Length", "3"), ContentLength: 3},
			want:   map[string]string{"CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": "3"},
			absent: []string{"HTTP_:PATH", "HTTP_X_AUTH", "HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"},
		},
		{
			name: "no connection: SERVER_NAME and SERVER_PORT from Host",
			req:  Request{Method: "GET", Path: "/", Headers: headers("Host", "example.test:8080")},
			want: map[string]string{"SERVER_NAME": "example.test", "SERVER_PORT": "8080", "HTTP_HOST": "example.test:8080"},
		},
		{
			name: "a Host without a port has the scheme's",
			req:  Request{Method: "GET", Path: "/", Scheme: "https", Headers: headers("Host", "[::1]")},
			want: map[string]string{"SERVER_NAME": "::1", "SERVER_PORT": "443", "wsgi.url_scheme": "https"},
		},
		{
			name:   "no Host and no connection: localhost",
			req:    Request{Method: "GET", Path: "/", Proto: "HTTP/1.0"},
			want:   map[string]string{"SERVER_NAME": "localhost", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.0"},
			absent: []string{"HTTP_HOST"},
		},
		{
			name:   "no client address, no software, no protocol: no REMOTE_*, no SERVER_SOFTWARE, HTTP/1.1",
			req:    Request{Method: "GET", Path: "/"},
			want:   map[string]string{"SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http"},
			absent: []string{"REMOTE_ADDR", "REMOTE_PORT", "SERVER_SOFTWARE", "CONTENT_LENGTH", "CONTENT_TYPE"},
		},
		{
			name: "the connection's addresses win over Host",
			req: Request{Method: "GET", Path: "/x", Target: "/x?q", Query: "q", Headers: headers("Host", "h:1"),
				ServerName: "127.0.0.1", ServerPort: "8000", RemoteAddr: "127.0.0.1:5000", Software: "wsgidev/1"},
			want: map[string]string{"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "REMOTE_ADDR": "127.0.0.1",
				"REMOTE_PORT": "5000", "SERVER_SOFTWARE": "wsgidev/1", "REQUEST_URI": "/x?q", "RAW_URI": "/x?q", "QUERY_STRING": "q"},
		},
		{
			name: "https: the scheme and HTTPS=on",
			req:  Request{Method: "GET", Path: "/", Scheme: "https", ServerName: "127.0.0.1", ServerPort: "8443"},
			want: map[string]string{"wsgi.url_scheme": "https", "HTTPS": "on", "SERVER_PORT": "8443"},
		},
		{
			name:   "plain http: no HTTPS key",
			req:    Request{Method: "GET", Path: "/", ServerName: "127.0.0.1", ServerPort: "8000"},
			want:   map[string]string{"wsgi.url_scheme": "http"},
			absent: []string{"HTTPS"},
		},
		{
			name:   "a unix socket: SERVER_* from Host, the client's empty name, no port",
			req:    Request{Method: "GET", Path: "/", Socket: "/run/app.sock", Headers: headers("Host", "localhost")},
			want:   map[string]string{"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": ""},
			absent: []string{"REMOTE_PORT"},
		},
		{
			name: "a unix socket: a Host with a port, a client with a name, https",
			req: Request{Method: "GET", Path: "/", Socket: "/run/app.sock", Scheme: "https", RemoteAddr: "/tmp/client.sock",
				Headers: headers("Host", "example.test:8443")},
			want:   map[string]string{"SERVER_NAME": "example.test", "SERVER_PORT": "8443", "REMOTE_ADDR": "/tmp/client.sock"},
			absent: []string{"REMOTE_PORT"},
		},
		{
			name:   "a unix socket without Host: the socket's path and no port",
			req:    Request{Method: "GET", Path: "/", Proto: "HTTP/1.0", Socket: "/run/app.sock"},
			want:   map[string]string{"SERVER_NAME": "/run/app.sock", "SERVER_PORT": "", "REMOTE_ADDR": ""},
			absent: []string{"REMOTE_PORT", "HTTP_HOST"},
		},
		{
			name: "mounted",
			req:  Request{Method: "GET", Path: "/api/users", ScriptName: "/api"},
			want: map[string]string{"SCRIPT_NAME": "/api", "PATH_INFO": "/users"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := envMap(t, tt.req)
			for k, v := range tt.want {
				if got, ok := env[k]; !ok || got != v {
					t.Errorf("%s = %q (present %v), want %q", k, got, ok, v)
				}
			}
			for _, k := range tt.absent {
				if v, ok := env[k]; ok {
					t.Errorf("%s = %q, want absent", k, v)
				}
			}
		})
	}
}

func TestEnvironRefuses(t *testing.T) {
	for _, tt := range []struct {
		req  Request
		want error
	}{
		{Request{Path: "/a\x00b"}, ErrNULInPath},
		{Request{Path: "/other", ScriptName: "/api"}, ErrNotMounted},
	} {
		if _, err := Environ(tt.req); err != tt.want {
			t.Errorf("Environ(%+v) = %v, want %v", tt.req, err, tt.want)
		}
	}
}

func TestMount(t *testing.T) {
	tests := []struct {
		prefix, path, sn, pi string
		ok                   bool
	}{
		{"", "/x", "", "/x", true},
		{"/api", "/api/x", "/api", "/x", true},
		{"/api", "/api", "/api", "", true},
		{"/api", "/apix", "", "", false},
		{"/api", "/", "", "", false},
	}
	for _, tt := range tests {
		sn, pi, ok := Mount(tt.prefix, tt.path)
		if !reflect.DeepEqual([]any{sn, pi, ok}, []any{tt.sn, tt.pi, tt.ok}) {
			t.Errorf("Mount(%q, %q) = %q %q %v", tt.prefix, tt.path, sn, pi, ok)
		}
	}
}

func TestSplitTarget(t *testing.T) {
	for _, tt := range []struct{ target, path, query string }{
		{"/a%20b/c%2Fd?x=%20", "/a b/c/d", "x=%20"},
		{"http://example.test/p?q", "/p", "q"},
		{"/plain", "/plain", ""},
		{"/bad%zz?q", "/bad%zz", "q"},
	} {
		if path, query := SplitTarget(tt.target); path != tt.path || query != tt.query {
			t.Errorf("SplitTarget(%q) = %q, %q; want %q, %q", tt.target, path, query, tt.path, tt.query)
		}
	}
}

func TestIsHopByHop(t *testing.T) {
	for name, want := range map[string]bool{
		"Connection": true, "keep-alive": true, "TE": true, "Trailers": true, "Trailer": true,
		"transfer-encoding": true, "Upgrade": true, "Proxy-Connection": true, "Proxy-Authorization": true,
		"Content-Length": false, "Cookie": false, "X-Connection": false,
	} {
		if got := IsHopByHop(name); got != want {
			t.Errorf("IsHopByHop(%q) = %v, want %v", name, got, want)
		}
	}
}
