package capture

import (
	"fmt"
	"io"
	"strings"

	"github.com/wsgidev/wsgidev/devserver/exchange"
	"github.com/wsgidev/wsgidev/devserver/wsgi"
)

// CurlOptions says how to write the curl script.
type CurlOptions struct {
	BaseURL string // the default for $BASE_URL, e.g. http://127.0.0.1:8000
	Source  string // the capture's name, for the opening comment
}

// WriteCurl writes a POSIX shell script with one curl command a request,
// each sent as captured. Bodies go in through printf on stdin
// (--data-binary @-), so any bytes survive, NUL included.
func WriteCurl(w io.Writer, entries []Entry, opts CurlOptions) error {
	base := strings.TrimRight(opts.BaseURL, "/")
	if base == "" {
		base = "http://127.0.0.1:8000"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/sh\n# %d requests from %s, written by wsgidev export --format curl.\n", len(entries), orUnnamed(opts.Source))
	b.WriteString("# Each is sent as captured, less Host, Content-Length and hop-by-hop headers\n")
	b.WriteString("# (curl sets those). To send them to another server:\n")
	b.WriteString("#   BASE_URL=http://127.0.0.1:9000 sh this-file.sh\n")
	fmt.Fprintf(&b, "BASE_URL=\"${BASE_URL:-%s}\"\n", strings.ReplaceAll(base, `"`, `%22`))
	for i, e := range entries {
		ex := e.Exchange
		fmt.Fprintf(&b, "\n# %d: %s %s", i+1, oneLine(ex.Method), oneLine(ex.Target))
		if ex.Status != 0 {
			fmt.Fprintf(&b, " -> %d", ex.Status)
		}
		b.WriteString("\n")
		if ex.RequestBody.Truncated {
			fmt.Fprintf(&b, "# the body was cut at the capture cap: %d of %d bytes are sent\n", len(ex.RequestBody.Data), ex.RequestBody.Size)
		}
		b.WriteString(CurlCommand(ex, `"$BASE_URL"`))
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// CurlCommand is one request as a shell command line; base is the shell
// word for the server's URL ("$BASE_URL", or a quoted literal), after any
// options the server needs (--unix-socket PATH, --cacert FILE).
func CurlCommand(ex *exchange.Exchange, base string) string {
	var cmd strings.Builder
	body := ex.RequestBody.Data
	if len(body) > 0 {
		cmd.WriteString("printf " + printfFormat(body) + " | ")
	}
	cmd.WriteString("curl -sS --path-as-is --globoff")
	switch {
	case ex.Method == "HEAD":
		cmd.WriteString(" --head")
	case ex.Method != "GET" || len(body) > 0:
		cmd.WriteString(" -X " + ShellQuote(ex.Method))
	}
	url := base + ShellQuote(ex.Target)
	if strings.HasPrefix(ex.Target, "http://") || strings.HasPrefix(ex.Target, "https://") {
		url = ShellQuote(ex.Target)
	}
	cmd.WriteString(" " + url)
	has := map[string]bool{}
	for _, h := range ReplayHeaders(ex.RequestHeaders) {
		has[strings.ToLower(h.Name)] = true
		if h.Value == "" {
			cmd.WriteString(" -H " + ShellQuote(h.Name+";")) // curl's way to send an empty header
		} else {
			cmd.WriteString(" -H " + ShellQuote(h.Name+": "+h.Value))
		}
	}
	// curl adds these on its own; the captured request had none.
	for _, name := range []string{"User-Agent", "Accept"} {
		if !has[strings.ToLower(name)] {
			cmd.WriteString(" -H " + ShellQuote(name+":"))
		}
	}
	if len(body) > 0 {
		if !has["content-type"] {
			cmd.WriteString(" -H " + ShellQuote("Content-Type:"))
		}
		cmd.WriteString(" --data-binary @-")
	}
	return cmd.String()
}

// ReplayHeaders are the request headers to send again: all but Host,
// Content-Length (the client sets both), hop-by-hop ones and HTTP/2
// pseudo-headers.
func ReplayHeaders(hs []exchange.Header) []exchange.Header {
	var out []exchange.Header
	for _, h := range hs {
		if strings.EqualFold(h.Name, "Host") || strings.EqualFold(h.Name, "Content-Length") ||
			strings.HasPrefix(h.Name, ":") || wsgi.IsHopByHop(h.Name) {
			continue
		}
		out = append(out, h)
	}
	return out
}

// ShellQuote quotes s as one word for a POSIX shell.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// printfFormat is a quoted printf format that prints exactly p: printable
// ASCII as itself, everything else as an octal escape.
func printfFormat(p []byte) string {
	var f strings.Builder
	for i, c := range p {
		switch {
		case c == '%':
			f.WriteString("%%")
		case c == '\\':
			f.WriteString(`\\`)
		case c == '\n':
			f.WriteString(`\n`)
		case c == '-' && i == 0: // a leading dash would read as an option
			f.WriteString(`\055`)
		case c >= 0x20 && c < 0x7f:
			f.WriteByte(c)
		default:
			fmt.Fprintf(&f, `\%03o`, c)
		}
	}
	return ShellQuote(f.String())
}

// oneLine keeps a comment on one line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
}

func orUnnamed(name string) string {
	if name == "" {
		return "a capture"
	}
	return name
}
