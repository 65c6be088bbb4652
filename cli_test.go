package main

// App specs, flags and bad input on the command line. Helpers are in
// main_test.go.

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// appLine is the banner's "file → callable" line.
var appLine = regexp.MustCompile(`(?m)^ +(\S+) → (.+?)  `)

func TestAppSpecForms(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec, file, callable, body string
	}{
		{"app.py", "specs/app.py", "application", "app.py application"}, // application before app
		{"path/to/app.py", "specs/path/to/app.py", "app", "path/to/app.py app"},
		{"app.py:other", "specs/app.py", "other", "app.py other"},
		{"pkg.module:name", "specs/pkg/module.py", "name", "pkg.module name"},
		{"pkg.module:create_app()", "specs/pkg/module.py", "create_app()", "create_app args=() kwargs={}"},
		{"pkg.module:create_app('dev', debug=True)", "specs/pkg/module.py", "create_app('dev', debug=True)",
			"create_app args=('dev',) kwargs={'debug': True}"},
		{"mysite/wsgi.py", "specs/mysite/wsgi.py", "application", "hello from mysite.settings via mysite.wsgi"},
		{"mysite.wsgi:application", "specs/mysite/wsgi.py", "application", "hello from mysite.settings via mysite.wsgi"},
		{"factory_only.py", "specs/factory_only.py", "create_app()", "made by create_app()"},
		{"make_only.py", "specs/make_only.py", "make_app()", "made by make_app()"},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			t.Parallel()
			p := startServing(t, launch{dir: "testdata/specs", args: []string{"serve", tc.spec, "--port", "0"}})
			m := p.waitOutput(appLine)
			if !strings.HasSuffix(m[1], tc.file) || m[2] != tc.callable {
				t.Errorf("banner says %s → %s, want …%s → %s\n%s", m[1], m[2], tc.file, tc.callable, p.dump())
			}
			if body := p.getText("/", http.StatusOK); body != tc.body {
				t.Errorf("GET / = %q, want %q", body, tc.body)
			}
		})
	}
}

func TestNoAppSpec(t *testing.T) {
	t.Parallel()
	app := func(text string) string {
		return "def application(environ, start_response):\n" +
			"    start_response('200 OK', [('Content-Type', 'text/plain')])\n" +
			"    return [b'" + text + "']\n"
	}
	for _, tc := range []struct {
		name   string
		files  map[string]string
		banner string
		body   string
	}{
		{"app.py", map[string]string{"app.py": app("from app.py")}, "app.py (found in this folder)", "from app.py"},
		{"wsgi.py", map[string]string{"wsgi.py": app("from wsgi.py")}, "wsgi.py (found in this folder)", "from wsgi.py"},
		{"app.py before wsgi.py", map[string]string{"app.py": app("from app.py"), "wsgi.py": app("from wsgi.py")},
			"app.py (found in this folder)", "from app.py"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, text := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			p := startServing(t, launch{dir: dir, args: []string{"serve", "--port", "0"}})
			if !strings.Contains(p.stdout.String(), "  app      "+tc.banner) {
				t.Errorf("the banner does not say %q:\n%s", tc.banner, p.dump())
			}
			if body := p.getText("/", http.StatusOK); body != tc.body {
				t.Errorf("GET / = %q, want %q", body, tc.body)
			}
		})
	}
	t.Run("neither: the built-in demo", func(t *testing.T) {
		t.Parallel()
		p := startServing(t, launch{dir: t.TempDir(), args: []string{"serve", "--port", "0"}})
		if !strings.Contains(p.stdout.String(), "built-in demo") {
			t.Errorf("the banner does not say it serves the built-in demo:\n%s", p.dump())
		}
		if body := p.getText("/", http.StatusOK); !strings.Contains(body, "wsgidev demo app") {
			t.Errorf("GET / is not the demo's index page:\n%s", body)
		}
		checkDemoStreams(t, p)
		checkDemoQueryLink(t, p)
	})
}

// checkDemoQueryLink follows the index page's "link with a query string" as
// a browser does (the href's HTML entities decoded once) and checks that the
// app got both fields.
func checkDemoQueryLink(t *testing.T, p *proc) {
	page := p.getText("/", http.StatusOK)
	m := regexp.MustCompile(`<a href="([^"]*)">a link with a query string</a>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the demo's index has no link with a query string:\n%s", page)
	}
	href, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatalf("the link's href %q: %v", m[1], err)
	}
	if q := href.Query(); q.Get("name") != "Ada" || q.Get("lang") != "python" {
		t.Fatalf("the link %q sends %v; want name=Ada and lang=python", m[1], q)
	}
	if body := p.getText(href.RequestURI(), http.StatusOK); !strings.Contains(body, "name=Ada&amp;lang=python") {
		t.Errorf("after following the link the demo does not show QUERY_STRING 'name=Ada&lang=python':\n%s", body)
	}
}

// checkDemoStreams reads the demo's /stream until its first timed chunk,
// which must arrive long before the page's end (the app sleeps between
// chunks), then hangs up, which the demo notes on wsgi.errors.
func checkDemoStreams(t *testing.T, p *proc) {
	resp, err := p.client.Get(p.base + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(resp.TransferEncoding) == 0 || resp.TransferEncoding[0] != "chunked" {
		t.Fatalf("GET /stream: status %d, transfer encoding %v; want 200 chunked", resp.StatusCode, resp.TransferEncoding)
	}
	var got []byte
	buf := make([]byte, 4096)
	for !bytes.Contains(got, []byte("chunk 1 of 10")) {
		n, err := resp.Body.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("GET /stream ended before its first chunk (%v):\n%s", err, got)
		}
	}
	if bytes.Contains(got, []byte("Done.")) {
		t.Errorf("GET /stream: the whole page came at once, not streamed:\n%s", got)
	}
	resp.Body.Close()
	p.waitOutput(regexp.MustCompile(`(?m)^app\S* .*stream: stopped after \d+ of 10 chunks`))
}

func TestFlagsBeforeAndAfterAppSpec(t *testing.T) {
	t.Parallel()
	envFile := filepath.Join(t.TempDir(), "dev.env")
	err := os.WriteFile(envFile, []byte("# settings for the test\nexport FROM_FILE='quoted value'\n\nOVERRIDDEN=by the file\n"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	p := startServing(t, launch{args: []string{
		"serve", "--env", "BEFORE=1", "--env-file", envFile, "app.py",
		"--port", "0", "-e", "AFTER=two words", "--env", "OVERRIDDEN=by --env", "--env", "LIST=a,b",
	}})
	for key, want := range map[string]string{
		"BEFORE": "'1'", "AFTER": "'two words'", "FROM_FILE": "'quoted value'", "LIST": "'a,b'",
		"OVERRIDDEN": "'by --env'", "NOT_SET": "None",
	} {
		if got := p.getText("/env?key="+key, http.StatusOK); got != want {
			t.Errorf("os.environ[%q] in the app = %s, want %s", key, got, want)
		}
	}
}

func TestScriptName(t *testing.T) {
	t.Parallel()
	p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0", "--script-name", "/api"}})
	if !strings.HasSuffix(p.url, "/api/") {
		t.Errorf("the banner's URL %s does not include the mount point /api", p.url)
	}
	if got, want := p.getText("/api/where", http.StatusOK), "SCRIPT_NAME='/api' PATH_INFO='/where'"; got != want {
		t.Errorf("GET /api/where = %q, want %q", got, want)
	}
	p.getText("/where", http.StatusNotFound)
}

func TestThreads(t *testing.T) {
	t.Parallel()
	// Two requests meet at a barrier in the app: they pass only if the child
	// runs them at the same time.
	for _, tc := range []struct {
		threads, want, timeout string
	}{
		{"2", "passed", "20"},
		{"1", "broken", "0.3"},
	} {
		t.Run(tc.threads, func(t *testing.T) {
			t.Parallel()
			p := startServing(t, launch{args: []string{"serve", "app.py", "--port", "0", "--threads", tc.threads}})
			p.waitOutput(regexp.MustCompile(`(?m)^  threads  ` + tc.threads + `$`))
			results := make(chan string, 2)
			for range 2 {
				go func() {
					resp, err := p.client.Get(p.base + "/barrier?timeout=" + tc.timeout)
					if err != nil {
						results <- err.Error()
						return
					}
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					results <- string(body)
				}()
			}
			for range 2 {
				if got := <-results; got != tc.want {
					t.Errorf("with --threads %s a request at the barrier got %q, want %q", tc.threads, got, tc.want)
				}
			}
		})
	}
}

func TestHost(t *testing.T) {
	t.Parallel()
	warning := regexp.MustCompile(`(?m)^  WARNING  bound to 0\.0\.0\.0: anyone who can reach this machine`)
	t.Run("0.0.0.0 warns", func(t *testing.T) {
		t.Parallel()
		p := startServing(t, launch{args: []string{"serve", "app.py", "--host", "0.0.0.0", "--port", "0"}})
		p.waitOutput(warning)
		p.signal(syscall.SIGTERM) // reachable from the network: stop at once
		if code := p.wait(); code != 0 {
			t.Errorf("wsgidev exited %d after SIGTERM\n%s", code, p.dump())
		}
	})
	t.Run("loopback does not", func(t *testing.T) {
		t.Parallel()
		p := startServing(t, launch{args: []string{"serve", "app.py", "--host", "127.0.0.2", "--port", "0"}})
		if !strings.HasPrefix(p.url, "http://127.0.0.2:") {
			t.Errorf("the banner's URL is %s, want http://127.0.0.2:…", p.url)
		}
		p.getText("/x", http.StatusOK)
		p.waitOutput(regexp.MustCompile(`"GET /x HTTP/1.1" 200`)) // the banner is complete by now
		if strings.Contains(p.stdout.String(), "WARNING") {
			t.Errorf("a loopback address got the network warning:\n%s", p.dump())
		}
	})
}

func TestBadInputExitsBeforeServing(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { busy.Close() })
	busyPort := fmt.Sprint(busy.Addr().(*net.TCPAddr).Port)
	home, _ := os.UserHomeDir()
	oldPythons := map[string]string{
		"3.7": filepath.Join(home, ".pyenv/versions/3.7.16/bin/python"),
		"2.7": filepath.Join(home, ".pyenv/versions/2.7.18/bin/python"),
	}
	for _, tc := range []struct {
		name   string
		args   []string
		want   string // a regexp for the one line on stderr
		python string // an interpreter the case needs, skipped if missing
	}{
		{"missing file", []string{"nope.py"}, `^wsgidev: nope\.py: no such file`, ""},
		{"missing file in a folder", []string{"path/to/nope.py:app"}, `path/to/nope\.py: no such file`, ""},
		{"folder", []string{"path/to"}, `path/to is a folder`, ""},
		{"folder with a slash", []string{"pkg/"}, `pkg/? is a folder`, ""},
		{"folder that is no package", []string{"path"}, `path is a folder`, ""},
		{"missing python", []string{"app.py", "--python", "/nonexistent/python3"}, `--python /nonexistent/python3: no such interpreter`, ""},
		{"python 3.7", []string{"app.py", "--python", oldPythons["3.7"]}, `is Python 3\.7\.\d+; wsgidev needs Python 3\.8 or newer`, oldPythons["3.7"]},
		{"python 2.7", []string{"app.py", "--python", oldPythons["2.7"]}, `is Python 2\.7\.\d+; wsgidev needs Python 3\.8 or newer`, oldPythons["2.7"]},
		{"port in use", []string{"app.py", "--port", busyPort}, `port ` + busyPort + ` on 127\.0\.0\.1 is already in use.*--port`, ""},
		{"env without =", []string{"app.py", "--env", "DEBUG"}, `--env: "DEBUG" is not KEY=VALUE`, ""},
		{"env without key", []string{"app.py", "--env", "=1"}, `--env: "=1" is not KEY=VALUE`, ""},
		{"missing env file", []string{"app.py", "--env-file", "nope.env"}, `--env-file: .*nope\.env`, ""},
		{"script name without slash", []string{"app.py", "--script-name", "api"}, `--script-name "api" must start with /`, ""},
		{"negative keep-failures", []string{"app.py", "--keep-failures", "-1"}, `--keep-failures -1: give how many failures to keep, 0 for none`, ""},
		{"two app specs", []string{"app.py", "pkg.module:name"}, `one APPSPEC at most`, ""},
		{"spec ending in a colon", []string{"app.py:"}, `ends with a colon`, ""},
		{"factory with code for arguments", []string{"app.py:create_app(os.getcwd())"}, `^wsgidev: APPSPEC app\.py:create_app\(os\.getcwd\(\)\): the arguments in 'create_app\(os\.getcwd\(\)\)' must be literals`, ""},
		{"spec that is no name", []string{"app.py:a b"}, `cannot parse 'a b' after the colon`, ""},
		{"spec with **kwargs", []string{"pkg.module:create_app(**opts)"}, `\*\*kwargs are not supported`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.python != "" {
				if _, err := os.Stat(tc.python); err != nil {
					t.Skipf("%s is not installed", tc.python)
				}
			}
			args := append([]string{"serve"}, tc.args...)
			if !strings.Contains(strings.Join(tc.args, " "), "--port") {
				args = append(args, "--port", "0")
			}
			p := start(t, launch{dir: "testdata/specs", args: args})
			if code := p.wait(); code == 0 {
				t.Errorf("wsgidev %s exited 0", strings.Join(args, " "))
			}
			stderr := strings.TrimSuffix(p.stderr.String(), "\n")
			if strings.Contains(stderr, "\n") || !regexp.MustCompile(tc.want).MatchString(stderr) {
				t.Errorf("stderr is not one line matching %q:\n%s", tc.want, p.dump())
			}
			if strings.Contains(p.stdout.String(), "serving") {
				t.Errorf("wsgidev started serving:\n%s", p.dump())
			}
		})
	}
}
