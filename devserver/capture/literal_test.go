package capture

// The shell and Python literals the exporters write, checked by the real
// /bin/sh and a real python3.

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// awkward strings: every byte, quotes of all kinds, a leading dash.
var awkward = []string{
	"", "plain", "it's", `"double"`, `back\slash`, "$HOME `x` $(y)", "-n", "-", "%s %d %%", "tab\there",
	"new\nline", "ünïcödé", "\x00nul", "*?[]{}", "a'b\"c\\d'",
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func TestShellQuoteAndPrintf(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range append(awkward, string(allBytes())) {
		data := []byte(s)
		// printf FORMAT prints exactly the bytes, NUL included.
		out, err := exec.Command(sh, "-c", "printf "+printfFormat(data)).Output()
		if err != nil || !bytes.Equal(out, data) {
			t.Errorf("printf %s printed %q (%v), want %q", printfFormat(data), out, err, data)
		}
		if strings.IndexByte(s, 0) >= 0 {
			continue // no shell word holds a NUL
		}
		out, err = exec.Command(sh, "-c", `printf %s `+ShellQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("ShellQuote(%q) = %s came back as %q (%v)", s, ShellQuote(s), out, err)
		}
	}
}

func TestCurlCommand(t *testing.T) {
	ex := &exchange.Exchange{Method: "POST", Target: "/a b?x=[1]&y='", RequestHeaders: []exchange.Header{
		{Name: "Host", Value: "h"}, {Name: "Content-Length", Value: "3"}, {Name: "Connection", Value: "keep-alive"},
		{Name: "X-Empty", Value: ""}, {Name: "Accept", Value: "*/*"},
	}, RequestBody: exchange.Body{Data: []byte("a\x00b"), Size: 3}}
	got := CurlCommand(ex, `"$BASE_URL"`)
	want := `printf 'a\000b' | curl -sS --path-as-is --globoff -X POST "$BASE_URL"'/a b?x=[1]&y='\''' -H 'X-Empty;' -H 'Accept: */*' -H User-Agent: -H Content-Type: --data-binary @-`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	head := CurlCommand(&exchange.Exchange{Method: "HEAD", Target: "/"}, "http://h")
	if !strings.Contains(head, " --head http://h/ ") || strings.Contains(head, "-X") {
		t.Errorf("HEAD: %s", head)
	}
}

func TestPythonLiterals(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	var src strings.Builder
	src.WriteString("import sys\nout = sys.stdout.buffer\n")
	var want bytes.Buffer
	for _, s := range append(awkward, "\u2028\U0001F600", PythonStr("/caf\xe9")) {
		src.WriteString("out.write(" + pyStr(s) + ".encode('utf-8'))\nout.write(b'|')\n")
		want.WriteString(s + "|")
	}
	for _, b := range [][]byte{nil, allBytes(), bytes.Repeat([]byte("line\n"), 100)} {
		src.WriteString("out.write(" + pyBytes(b, "") + ")\nout.write(b'|')\n")
		want.Write(append(b, '|'))
	}
	out, err := exec.Command(py, "-c", src.String()).Output()
	if err != nil || !bytes.Equal(out, want.Bytes()) {
		t.Errorf("python printed %q (%v)\nwant %q\nsource:\n%s", out, err, want.Bytes(), src.String())
	}
	for _, lit := range []string{pyStr("x\u00e9"), pyBytes(allBytes(), "")} {
		for _, r := range lit {
			if r > 0x7e {
				t.Errorf("literal %s is not ASCII", lit)
				break
			}
		}
	}
}
