package devserver

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/wsgi"
)

func readRequest(t *testing.T, raw string) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	r.RemoteAddr = "127.0.0.1:51234"
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8000}
	return r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, addr))
}

func environMap(t *testing.T, raw, prefix string) map[string]string {
	t.Helper()
	r := readRequest(t, raw)
	dropFragment(r) // as ServeHTTP does first
	s := &Server{cfg: Config{ScriptName: prefix}, software: "wsgidev/1.2.3"}
	kv, err := s.environ(r, requestHeaders(r))
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

func TestBuildEnviron(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		prefix string
		want   map[string]string
		absent []string
	}{
		{
			name: "plain GET",
			raw:  "GET /hello?a=1&b=%20 HTTP/1.1\r\nHost: example.test:8000\r\nUser-Agent: t\r\n\r\n",
			want: map[string]string{
				"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/hello", "QUERY_STRING": "a=1&b=%20",
				"SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
				"REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "51234", "REQUEST_URI": "/hello?a=1&b=%20",
				"RAW_URI": "/hello?a=1&b=%20", "HTTP_HOST": "example.test:8000", "HTTP_USER_AGENT": "t",
				"wsgi.url_scheme": "http", "SERVER_SOFTWARE": "wsgidev/1.2.3",
			},
			absent: []string{"CONTENT_LENGTH", "CONTENT_TYPE", "HTTP_CONTENT_LENGTH"},
		},
		{
			name: "path is percent-decoded to raw bytes, query stays raw",
			raw:  "GET /caf%C3%A9/a%2Fb?q=caf%C3%A9 HTTP/1.1\r\nHost: h\r\n\r\n",
			want: map[string]string{"PATH_INFO": "/caf\xc3\xa9/a/b", "QUERY_STRING": "q=caf%C3%A9"},
		},
		{
			name: "repeated headers comma-joined, cookies with semicolons",
			raw:  "GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\nAccept: b\r\nCookie: x=1\r\nCookie: y=2\r\nX-Dashed-Name: v\r\n\r\n",
			want: map[string]string{"HTTP_ACCEPT": "a,b", "HTTP_COOKIE": "x=1; y=2", "HTTP_X_DASHED_NAME": "v"},
		},
		{
			name:   "underscored header names are dropped",
			raw:    "GET / HTTP/1.1\r\nHost: h\r\nX_Auth: evil\r\n\r\n",
			absent: []string{"HTTP_X_AUTH"},
		},
		{
			name:   "body with length: CONTENT_* without HTTP_ twins",
			raw:    "POST /f HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
			want:   map[string]string{"CONTENT_TYPE": "text/plain", "CONTENT_LENGTH": "3"},
			absent: []string{"HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"},
		},
		{
			name: "an explicit Content-Length: 0 passes, as under gunicorn",
			raw:  "POST /f HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
			want: map[string]string{"CONTENT_LENGTH": "0"},
		},
		{
			name: "a #fragment from a raw client stays out of PATH_INFO and QUERY_STRING",
			raw:  "GET /p%23q?a=1#frag?x HTTP/1.1\r\nHost: h\r\n\r\n",
			want: map[string]string{"PATH_INFO": "/p#q", "QUERY_STRING": "a=1", "REQUEST_URI": "/p%23q?a=1#frag?x"},
		},
		{
			name: "a #fragment right after the path",
			raw:  "GET /p#frag?x HTTP/1.1\r\nHost: h\r\n\r\n",
			want: map[string]string{"PATH_INFO": "/p", "QUERY_STRING": ""},
		},
		{
			name: "OPTIONS * reaches the app with PATH_INFO *",
			raw:  "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
			want: map[string]string{"REQUEST_METHOD": "OPTIONS", "PATH_INFO": "*", "QUERY_STRING": "", "REQUEST_URI": "*"},
		},
		{
			name:   "chunked body: no CONTENT_LENGTH",
			raw:    "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
			want:   map[string]string{"HTTP_TRANSFER_ENCODING": "chunked"},
			absent: []string{"CONTENT_LENGTH"},
		},
		{
			name: "mounted under a prefix",
			raw:  "GET /api/users/1 HTTP/1.1\r\nHost: h\r\n\r\n", prefix: "/api",
			want: map[string]string{"SCRIPT_NAME": "/api", "PATH_INFO": "/users/1"},
		},
		{
			name: "the prefix itself",
			raw:  "GET /api HTTP/1.1\r\nHost: h\r\n\r\n", prefix: "/api",
			want: map[string]string{"SCRIPT_NAME": "/api", "PATH_INFO": ""},
		},
		{
			name:   "HTTP/1.0 without Host",
			raw:    "GET / HTTP/1.0\r\n\r\n",
			want:   map[string]string{"SERVER_PROTOCOL": "HTTP/1.0", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000"},
			absent: []string{"HTTP_HOST"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := environMap(t, tt.raw, tt.prefix)
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

func TestNULInPathRefused(t *testing.T) {
	r := readRequest(t, "GET /a%00b HTTP/1.1\r\nHost: h\r\n\r\n")
	s := &Server{software: "wsgidev/1.2.3"}
	if _, err := s.environ(r, requestHeaders(r)); err != wsgi.ErrNULInPath {
		t.Fatalf("got %v", err)
	}
}
