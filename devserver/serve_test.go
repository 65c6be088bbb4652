package devserver_test

// The request side of PEP 3333 over real HTTP with a real child, every app
// wrapped in wsgiref.validate: the environ, wsgi.input, request framing and
// the --script-name mount. response_test.go has the response side,
// faults_test.go what broken apps get.

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestEnvironReachesApp(t *testing.T) {
	ts := startValidated(t, "rules")
	resp, body := ts.get(t, "/environ?a=1&b=%20x", "X-Custom", "v")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var env map[string]any
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"REQUEST_METHOD": "GET", "PATH_INFO": "/environ", "QUERY_STRING": "a=1&b=%20x", "SCRIPT_NAME": "",
		"SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "HTTP_X_CUSTOM": "v",
		"wsgi.url_scheme": "http", "wsgi.multithread": true, "wsgi.multiprocess": false,
		"wsgi.run_once": false, "wsgi.input_terminated": true, "has_file_wrapper": true,
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %#v, want %#v", k, env[k], v)
		}
	}
	for _, k := range []string{"CONTENT_LENGTH", "HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE"} {
		if v, ok := env[k]; ok {
			t.Errorf("%s = %v, want absent", k, v)
		}
	}
	for _, k := range []string{"SERVER_NAME", "SERVER_PORT", "REMOTE_PORT", "REQUEST_URI", "RAW_URI", "HTTP_HOST"} {
		if s, ok := env[k].(string); !ok || s == "" {
			t.Errorf("%s = %#v, want a non-empty str", k, env[k])
		}
	}
}

func TestEnvironAddresses(t *testing.T) {
	ts := startValidated(t, "rules")
	c := ts.dial(t)
	resp, body := c.roundTrip(t, newRequest(t, "GET", ts.URL+"/environ", nil))
	env := decodeEnviron(t, resp, body)
	server, client := c.RemoteAddr().(*net.TCPAddr), c.LocalAddr().(*net.TCPAddr)
	want := map[string]string{
		"SERVER_NAME": "127.0.0.1", "SERVER_PORT": fmt.Sprint(server.Port),
		"REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": fmt.Sprint(client.Port),
		"HTTP_HOST": server.String(), "SERVER_PROTOCOL": "HTTP/1.1",
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %#v, want %q", k, env[k], v)
		}
	}
}

// environ requests target from rules.py's /environ and decodes its answer.
func (ts *testServer) environ(t *testing.T, method, target string, body io.Reader) map[string]any {
	t.Helper()
	resp, data := ts.do(t, method, target, body)
	return decodeEnviron(t, resp, data)
}

func decodeEnviron(t *testing.T, resp *http.Response, body string) map[string]any {
	t.Helper()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	var env map[string]any
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatalf("%v in %q", err, body)
	}
	return env
}

func TestPathInfoIsLatin1BytesAsStr(t *testing.T) {
	ts := startValidated(t, "rules")
	tests := []struct{ target, raw, utf8 string }{
		{"/echo-path/caf%C3%A9", "/echo-path/caf\xc3\xa9", "/echo-path/café"},
		{"/echo-path/caf%E9", "/echo-path/caf\xe9", "/echo-path/caf\ufffd"}, // not UTF-8: the byte still arrives
		{"/echo-path/%E2%98%83%20x", "/echo-path/\xe2\x98\x83 x", "/echo-path/☃ x"},
		{"/echo-path/a%2Fb", "/echo-path/a/b", "/echo-path/a/b"},
		{"/echo-path/café", "/echo-path/caf\xc3\xa9", "/echo-path/café"}, // the client escapes it
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			resp, body := ts.get(t, tt.target)
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var got struct {
				Raw  []byte `json:"-"`
				Ints []int  `json:"raw"`
				UTF8 string `json:"utf8"`
			}
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			for _, b := range got.Ints {
				got.Raw = append(got.Raw, byte(b))
			}
			if string(got.Raw) != tt.raw || got.UTF8 != tt.utf8 {
				t.Errorf("PATH_INFO bytes %q (as UTF-8 %q), want %q (%q)", got.Raw, got.UTF8, tt.raw, tt.utf8)
			}
		})
	}
}

func TestNULInPathIsRefused(t *testing.T) {
	ts := startValidated(t, "rules")
	resp, body := ts.get(t, "/a%00b")
	if resp.StatusCode != 400 || !strings.Contains(body, "NUL") {
		t.Errorf("status %d, body %q; want 400 naming the NUL byte", resp.StatusCode, body)
	}
}

func TestQueryStringIsRaw(t *testing.T) {
	ts := startValidated(t, "rules")
	for _, q := range []string{"", "a=1&b=%20x", "q=caf%C3%A9&q=2", "x=a+b&y=%2F%3F", "a=1;b=2", "flag", "empty=&=v"} {
		t.Run(q, func(t *testing.T) {
			target := "/environ"
			if q != "" {
				target += "?" + q
			}
			env := ts.environ(t, "GET", target, nil)
			if env["QUERY_STRING"] != q {
				t.Errorf("QUERY_STRING = %#v, want %q", env["QUERY_STRING"], q)
			}
			if env["REQUEST_URI"] != target || env["RAW_URI"] != target {
				t.Errorf("REQUEST_URI %#v, RAW_URI %#v, want %q", env["REQUEST_URI"], env["RAW_URI"], target)
			}
		})
	}
}

func TestRepeatedHeadersAreJoined(t *testing.T) {
	ts := startValidated(t, "rules")
	req, _ := http.NewRequest("GET", ts.URL+"/environ", nil)
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	req.Header.Add("Accept", "text/plain")
	req.Header.Add("Accept", "application/json")
	req.Header.Add("Cookie", "x=1")
	req.Header.Add("Cookie", "y=2")
	resp, body := send(t, req)
	env := decodeEnviron(t, resp, body)
	want := map[string]string{"HTTP_X_MULTI": "a,b", "HTTP_ACCEPT": "text/plain,application/json", "HTTP_COOKIE": "x=1; y=2"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %#v, want %q", k, env[k], v)
		}
	}
}

// send runs req with the test client and reads the whole body.
func send(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return resp, string(data)
}

// chunked hides a reader's length, so the client sends it chunked.
func chunked(r io.Reader) io.Reader { return struct{ io.Reader }{r} }

func TestContentLength(t *testing.T) {
	ts := startValidated(t, "rules")
	tests := []struct {
		name, method string
		body         io.Reader
		want         any // nil: absent
	}{
		{"GET without body", "GET", nil, nil},
		{"POST with body", "POST", strings.NewReader("abc"), "3"},
		{"POST with an empty body", "POST", http.NoBody, "0"}, // Go's client says Content-Length: 0
		{"chunked POST", "POST", chunked(strings.NewReader("abc")), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := ts.environ(t, tt.method, "/environ", tt.body)
			if got, ok := env["CONTENT_LENGTH"]; got != tt.want || (tt.want == nil && ok) {
				t.Errorf("CONTENT_LENGTH = %#v (present %v), want %#v", got, ok, tt.want)
			}
		})
	}
}

func TestChunkedRequestBody(t *testing.T) {
	ts := startValidated(t, "rules")
	t.Run("environ", func(t *testing.T) {
		env := ts.environ(t, "POST", "/environ", chunked(strings.NewReader("abc")))
		if env["HTTP_TRANSFER_ENCODING"] != "chunked" || env["wsgi.input_terminated"] != true {
			t.Errorf("HTTP_TRANSFER_ENCODING %#v, wsgi.input_terminated %#v", env["HTTP_TRANSFER_ENCODING"], env["wsgi.input_terminated"])
		}
	})
	t.Run("read to the end", func(t *testing.T) {
		// Pieces written over time through a pipe: the client cannot know
		// the length and sends chunks as they come.
		data := make([]byte, 1<<20+123)
		rand.Read(data)
		pr, pw := io.Pipe()
		go func() {
			for rest := data; len(rest) > 0; {
				n := min(len(rest), 7919)
				if _, err := pw.Write(rest[:n]); err != nil {
					return
				}
				rest = rest[n:]
			}
			pw.Close()
		}()
		_, body := ts.do(t, "POST", "/upload", pr)
		checkUpload(t, body, data)
	})
}

func checkUpload(t *testing.T, body string, data []byte) {
	t.Helper()
	var got struct {
		SHA256 string `json:"sha256"`
		Size   int    `json:"size"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("%v in %q", err, body)
	}
	sum := sha256.Sum256(data)
	if got.Size != len(data) || got.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("the app read %d bytes with sha256 %s; sent %d bytes with sha256 %x", got.Size, got.SHA256, len(data), sum)
	}
}

// rawConn is one client connection, for tests that look at the wire.
type rawConn struct {
	net.Conn
	br *bufio.Reader
}

func (ts *testServer) dial(t *testing.T) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	t.Cleanup(func() { c.Close() })
	return &rawConn{Conn: c, br: bufio.NewReader(c)}
}

// roundTrip writes req and reads its whole response from the connection.
func (c *rawConn) roundTrip(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	if err := req.Write(c); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(c.br, req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL, err)
	}
	return resp, string(data)
}

func newRequest(t *testing.T, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestExpectContinue(t *testing.T) {
	ts := startValidated(t, "rules")
	c := ts.dial(t)
	fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
	line, err := c.br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 ") {
		t.Fatalf("interim response %q, %v; want 100 Continue before the body is sent", line, err)
	}
	if blank, err := c.br.ReadString('\n'); blank != "\r\n" || err != nil {
		t.Fatalf("after the 100 status line: %q, %v", blank, err)
	}
	io.WriteString(c, "hello")
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	checkUpload(t, string(body), []byte("hello"))
}

func TestInputReading(t *testing.T) {
	ts := startValidated(t, "rules")
	long := strings.Repeat("x", 100000)
	tests := []struct {
		path, body, want string
	}{
		{"/lines", "first\nsecond\nthird\nfourth", `["first\n", "sec", ["ond\n", "third\n", "fourth"]]`},
		{"/lines", "abc", `["abc", "", []]`},
		{"/lines", "ab\ncd", `["ab\n", "cd", []]`},
		{"/lines", "\n\n\n", `["\n", "\n", ["\n"]]`},
		{"/lines", long + "\nend\n", `["` + long + `\n", "end", ["\n"]]`},
		{"/iterate", "a\nb\nc", `["a\n", "b\n", "c"]`},
		{"/iterate", "one line\n", `["one line\n"]`},
		{"/iterate", "", `[]`},
	}
	for _, tt := range tests {
		for _, how := range []string{"length", "chunked"} {
			name := fmt.Sprintf("%s %s %.20q", tt.path, how, tt.body)
			t.Run(name, func(t *testing.T) {
				var body io.Reader = strings.NewReader(tt.body)
				if how == "chunked" {
					body = chunked(iotest.HalfReader(body)) // small pieces
				}
				resp, got := ts.do(t, "POST", tt.path, body)
				if resp.StatusCode != 200 || got != tt.want {
					t.Errorf("status %d, got %.200s\nwant %.200s", resp.StatusCode, got, tt.want)
				}
			})
		}
	}
}

func TestScriptNameMount(t *testing.T) {
	ts := startServer(t, "rules", serverOptions{scriptName: "/app"})
	tests := []struct {
		target, scriptName, pathInfo string
	}{
		{"/app/environ", "/app", "/environ"},
		{"/app/environ?x=1", "/app", "/environ"},
	}
	for _, tt := range tests {
		env := ts.environ(t, "GET", tt.target, nil)
		if env["SCRIPT_NAME"] != tt.scriptName || env["PATH_INFO"] != tt.pathInfo {
			t.Errorf("%s: SCRIPT_NAME %#v, PATH_INFO %#v", tt.target, env["SCRIPT_NAME"], env["PATH_INFO"])
		}
	}
	// The app's own 404 for its root (PATH_INFO ""), wsgidev's outside.
	if resp, body := ts.get(t, "/app"); resp.StatusCode != 404 || body != "not found: " {
		t.Errorf("/app: status %d, body %q; want the app's 404 for an empty PATH_INFO", resp.StatusCode, body)
	}
	for _, target := range []string{"/", "/apple", "/environ", "/other/app/environ"} {
		resp, body := ts.get(t, target)
		if resp.StatusCode != 404 || !strings.Contains(body, "--script-name") {
			t.Errorf("%s: status %d, body %q; want wsgidev's 404 naming the mount", target, resp.StatusCode, body)
		}
		ex := ts.waitExchange(t, byPath(target))
		if ex.Failure == nil || ex.Failure.Kind != "not-mounted" {
			t.Errorf("%s: failure %+v", target, ex.Failure)
		}
	}
}
