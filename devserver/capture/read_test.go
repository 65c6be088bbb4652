package capture

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// captureFile is a header and n exchanges, /1 to /n, as the writer makes.
func captureFile(n int) []byte {
	var b bytes.Buffer
	b.Write(EncodeHeader(Header{Started: time.Unix(0, 0).UTC(), App: "app.py", Dir: "/proj", BodyMax: 64}))
	for i := 1; i <= n; i++ {
		b.Write(EncodeExchange(sample(uint64(i), fmt.Sprintf("/%d", i)), 64))
	}
	return b.Bytes()
}

func targets(src *Source) string {
	var t []string
	for _, e := range src.Entries {
		t = append(t, fmt.Sprintf("%s@%d", e.Exchange.Target, e.Line))
	}
	return strings.Join(t, " ")
}

func read(t *testing.T, data []byte) *Source {
	t.Helper()
	src, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return src
}

func TestReadCapture(t *testing.T) {
	src := read(t, captureFile(3))
	if src.Format != FormatCapture || len(src.Problems) != 0 {
		t.Fatalf("format %q, problems %v", src.Format, src.Problems)
	}
	if got := targets(src); got != "/1@2 /2@3 /3@4" {
		t.Errorf("entries %s", got)
	}
	if spec, dir := src.App(); spec != "app.py" || dir != "/proj" {
		t.Errorf("App() = %q, %q", spec, dir)
	}
	if !src.Entries[0].Exchange.Done || src.Entries[0].Session != 0 {
		t.Errorf("entry %+v", src.Entries[0])
	}
}

// A crash leaves the last line cut anywhere: every cut gives the lines
// before it and one warning on the cut line, never an error.
func TestReadCutLastLine(t *testing.T) {
	whole := captureFile(3)
	lastStart := bytes.LastIndexByte(whole[:len(whole)-1], '\n') + 1
	for cut := lastStart + 1; cut < len(whole)-1; cut++ {
		src := read(t, whole[:cut])
		if got := targets(src); got != "/1@2 /2@3" {
			t.Fatalf("cut at %d: entries %s", cut, got)
		}
		if len(src.Problems) != 1 || !src.Problems[0].Warning || src.Problems[0].Line != 4 ||
			!strings.Contains(src.Problems[0].Message, "cut short") {
			t.Fatalf("cut at %d: problems %v", cut, src.Problems)
		}
	}
	// Cut just before the newline: the line is whole.
	if src := read(t, whole[:len(whole)-1]); len(src.Entries) != 3 || len(src.Problems) != 0 {
		t.Errorf("without the last newline: %s, %v", targets(src), src.Problems)
	}
}

func TestReadBadLines(t *testing.T) {
	lines := strings.SplitAfter(string(captureFile(6)), "\n")
	lines[2] = lines[2][:40] + "\n"                                           // line 3: corrupt in the middle
	lines[3] = strings.Replace(lines[3], `"AP9hCg=="`, `"AP9h%%%%"`, 1)       // line 4: bad base64
	lines[4] = strings.Replace(lines[4], `"method":"POST"`, `"method":""`, 1) // line 5: no method
	lines[5] = "\n"                                                           // line 6: blank, ignored
	src := read(t, []byte(strings.Join(lines, "")))
	if got := targets(src); got != "/1@2 /6@7" {
		t.Errorf("good entries %s, want /1@2 /6@7", got)
	}
	want := []string{
		"line 3: not valid JSON",
		"line 4: response_body is not valid base64",
		`line 5: an exchange without "method"; skipped`,
	}
	if len(src.Problems) != len(want) {
		t.Fatalf("problems %v, want %d", src.Problems, len(want))
	}
	for i, w := range want {
		if p := src.Problems[i]; !strings.HasPrefix(p.String(), w) || p.Warning {
			t.Errorf("problem %d = %q (warning %v), want %q…", i, p, p.Warning, w)
		}
	}
	if !src.HasErrors() {
		t.Error("HasErrors() = false")
	}
}

func TestReadUnknownVersion(t *testing.T) {
	data := bytes.Replace(captureFile(2), []byte(`"wsgidev_capture":1`), []byte(`"wsgidev_capture":2`), 1)
	src := read(t, data)
	if len(src.Entries) != 2 || len(src.Problems) != 1 {
		t.Fatalf("entries %s, problems %v", targets(src), src.Problems)
	}
	if p := src.Problems[0]; p.Line != 1 || p.Warning || !strings.Contains(p.Message, "version 2") || !strings.Contains(p.Message, "newer wsgidev") {
		t.Errorf("problem %v", p)
	}
}

func TestReadSessions(t *testing.T) {
	data := append(captureFile(1), EncodeHeader(Header{App: "other.py:app"})...)
	data = append(data, EncodeExchange(sample(1, "/again"), 0)...)
	src := read(t, data)
	if len(src.Headers) != 2 || src.Entries[1].Session != 1 || src.Entries[0].Session != 0 {
		t.Fatalf("headers %d, entries %+v", len(src.Headers), src.Entries)
	}
	if spec, _ := src.App(); spec != "other.py:app" {
		t.Errorf("App() = %q, want the newest session's", spec)
	}
}

func TestReadWithoutHeader(t *testing.T) {
	whole := captureFile(2)
	src := read(t, whole[bytes.IndexByte(whole, '\n')+1:])
	if len(src.Entries) != 2 || len(src.Problems) != 1 || !src.Problems[0].Warning {
		t.Errorf("entries %s, problems %v", targets(src), src.Problems)
	}
	// A damaged header is an error on line 1; the rest is still read.
	src = read(t, append([]byte("{\"wsgidev_captu\n"), whole[bytes.IndexByte(whole, '\n')+1:]...))
	if got := targets(src); got != "/1@2 /2@3" || !src.HasErrors() || src.Problems[0].Line != 1 {
		t.Errorf("entries %s, problems %v", got, src.Problems)
	}
}

func TestReadNeither(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"empty", "", "empty"},
		{"blank", "\n\n", "not a wsgidev capture"},
		{"text", "hello\nworld\n", "not a wsgidev capture"},
		{"json array", "[1, 2]", "not a wsgidev capture"},
		{"json without log", `{"x": {"log": 1}}`, `no "log"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestReadCRLF(t *testing.T) {
	data := bytes.ReplaceAll(captureFile(2), []byte("\n"), []byte("\r\n"))
	if src := read(t, data); len(src.Entries) != 2 || len(src.Problems) != 0 {
		t.Errorf("entries %s, problems %v", targets(src), src.Problems)
	}
}
