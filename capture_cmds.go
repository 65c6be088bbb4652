package main

// The capture file (serve --capture) and the commands that read it:
// export and replay.

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver/capture"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// defaultBodyCap is how much of each body an exchange keeps.
const defaultBodyCap = 256 << 10

var captureFlags = []cli.Flag{
	&cli.StringFlag{Name: "capture", Usage: "append every request to `FILE` (JSON Lines) for export and replay"},
	&cli.IntFlag{Name: "capture-body-max", Value: defaultBodyCap, Usage: "bytes of each request and response body kept, in the capture and the inspector; longer bodies are cut and marked"},
}

const exportHelp = `Write the requests of a capture (serve --capture) or a HAR file to stdout:

   --format har      HAR 1.2, for browser devtools and other HAR tools
   --format curl     a shell script with one curl command a request
                     (BASE_URL=http://host:port sh FILE sends them elsewhere)
   --format pytest   a pytest file: each request goes through the app in-process
                     with wsgiref and the captured status and body are asserted
                     (the app is --app, else the one the capture was made with)

   wsgidev export --format har capture.jsonl -o capture.har
   wsgidev export --format curl capture.jsonl --filter method:POST
   wsgidev export --format pytest capture.jsonl -o test_traffic.py && python3 -m pytest test_traffic.py

--filter (repeatable; all must match):
   ` + capture.FilterHelp + `

Problems in the file are reported with their line numbers on stderr and the
good entries are still exported; the exit status is then 2.`

var exportFlags = []cli.Flag{
	&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Required: true, Usage: "har, curl or pytest"},
	&cli.StringSliceFlag{Name: "filter", Usage: "only the requests that match (repeatable; see above)"},
	&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` instead of stdout"},
	&cli.StringFlag{Name: "app", Usage: "pytest: the `APPSPEC` to test (default: the one the capture was made with)"},
	&cli.StringFlag{Name: "base-url", Usage: "curl: the default server (default: the one the capture was made on)"},
}

// readSource reads a capture or HAR and reports its problems on stderr.
// A file that cannot be used at all is an exit-2 error.
func readSource(c *cli.Context, command string) (*capture.Source, error) {
	if c.NArg() != 1 {
		return nil, cli.Exit(fmt.Sprintf("wsgidev %s: name one capture or HAR file, e.g. wsgidev %s capture.jsonl", command, command), 2)
	}
	path := c.Args().First()
	src, err := capture.ReadFile(path)
	if err != nil {
		return nil, cli.Exit("wsgidev "+command+": "+err.Error(), 2)
	}
	for _, line := range problemLines(src) {
		fmt.Fprintf(c.App.ErrWriter, "wsgidev %s: %s\n", command, line)
	}
	return src, nil
}

func filtered(c *cli.Context, command string, src *capture.Source) ([]capture.Entry, error) {
	f, err := capture.ParseFilter(c.StringSlice("filter"))
	if err != nil {
		return nil, cli.Exit("wsgidev "+command+": "+err.Error(), 2)
	}
	entries, replays := f.Apply(src.Entries)
	if replays > 0 {
		fmt.Fprintf(c.App.ErrWriter, "wsgidev %s: left out %s made in the inspector (--filter is:replay selects them)\n",
			command, exchange.Plural(replays, "replay"))
	}
	if len(entries) == 0 {
		what := "has no requests"
		if len(src.Entries) > 0 {
			what = fmt.Sprintf("has %s but none match --filter", exchange.Plural(len(src.Entries), "request"))
		}
		return nil, cli.Exit(fmt.Sprintf("wsgidev %s: %s %s", command, src.Name, what), 2)
	}
	return entries, nil
}

func export(c *cli.Context) error {
	src, err := readSource(c, "export")
	if err != nil {
		return err
	}
	entries, err := filtered(c, "export", src)
	if err != nil {
		return err
	}
	hdr := src.Header()
	var write func(io.Writer) error
	switch format := strings.ToLower(c.String("format")); format {
	case "har":
		var h *capture.Header
		if len(src.Headers) > 0 {
			h = &hdr
		}
		write = func(w io.Writer) error {
			return capture.WriteHAR(w, entries, capture.HAROptions{Version: version, Header: h, BodyMax: hdr.BodyMax})
		}
	case "curl":
		base := c.String("base-url")
		if base == "" {
			base = hdr.URL
		}
		write = func(w io.Writer) error {
			return capture.WriteCurl(w, entries, capture.CurlOptions{BaseURL: base, Source: filepath.Base(src.Name)})
		}
	case "pytest":
		spec, dir, err := appFor(c, src)
		if err == nil {
			dir, err = relativeToOutput(dir, c.String("output"))
		}
		if err != nil {
			return cli.Exit("wsgidev export: "+err.Error(), 2)
		}
		write = func(w io.Writer) error {
			return capture.WritePytest(w, entries, capture.PytestOptions{App: spec, Dir: dir, ScriptName: hdr.ScriptName, Software: "wsgidev/" + version, Source: filepath.Base(src.Name)})
		}
	default:
		return cli.Exit(fmt.Sprintf("wsgidev export: --format %q: choose har, curl or pytest", format), 2)
	}
	if err := writeOutput(c.String("output"), c.App.Writer, write); err != nil {
		return cli.Exit("wsgidev export: "+err.Error(), 1)
	}
	if src.HasErrors() {
		return cli.Exit(fmt.Sprintf("wsgidev export: %s has bad lines (above); exported the good ones (%s)", src.Name, exchange.Plural(len(entries), "request")), 2)
	}
	return nil
}

// appFor is the app to run: --app in this folder, else the capture's app
// in the folder it was served from (this one if that is gone).
func appFor(c *cli.Context, src *capture.Source) (spec, dir string, err error) {
	cwd, err := os.Getwd()
	if err != nil {
		return "", "", err
	}
	if spec := c.String("app"); spec != "" {
		return spec, cwd, nil
	}
	spec, dir = src.App()
	if spec == "" {
		return "", "", fmt.Errorf("%s does not say which app it was made with; give --app APPSPEC", src.Name)
	}
	if info, err := os.Stat(dir); dir == "" || err != nil || !info.IsDir() {
		dir = cwd
	}
	return spec, dir, nil
}

// relativeToOutput is dir as seen from the folder of the file written (this
// one for stdout), with slashes; dir itself where no relative path leads
// there (another drive on Windows).
func relativeToOutput(dir, output string) (string, error) {
	out := "."
	if output != "" && output != "-" {
		out = filepath.Dir(output)
	}
	out, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(out, dir)
	if err != nil {
		return dir, nil
	}
	return filepath.ToSlash(rel), nil
}

// writeOutput writes to path (made whole first, then renamed into place)
// or to stdout.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), capture.Private) // what is exported holds the captured secrets
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	return err
}

// checkURL accepts an http:// URL to replay to.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("--url %q: give the server's address, e.g. http://127.0.0.1:8000", raw)
	}
	return nil
}
