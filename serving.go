package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/wsgidev/wsgidev/devserver"
	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// servingFlags say where and how serve answers: a unix socket, HTTPS,
// static files.
var servingFlags = []cli.Flag{
	&cli.StringFlag{Name: "bind", Aliases: []string{"b"}, Usage: "where to serve, as gunicorn takes it: `HOST:PORT`, or unix:PATH for a unix socket (mode 0660, removed on exit); instead of --host and --port"},
	&cli.BoolFlag{Name: "tls", Usage: "serve HTTPS with wsgidev's own self-signed certificate for localhost, 127.0.0.1 and ::1 (made on first use, kept in the user's cache folder)"},
	&cli.StringFlag{Name: "cert", Usage: "serve HTTPS with this certificate `FILE` (PEM, e.g. from mkcert); needs --key"},
	&cli.StringFlag{Name: "key", Usage: "the private key `FILE` of --cert"},
	&cli.StringSliceFlag{Name: "static", Usage: "serve the files of a folder at a URL prefix before the app, `PREFIX=FOLDER` (repeatable): --static /static=./static"},
	&cli.BoolFlag{Name: "no-static", Usage: "serve no static files: not a Django app's STATIC_URL under DEBUG, as runserver does by default"},
}

// readServing reads servingFlags (and --host, --port) into cfg.
func readServing(c *cli.Context, cfg *devserver.SessionConfig) error {
	if err := readBind(c, cfg); err != nil {
		return err
	}
	var err error
	switch {
	case c.String("cert") != "" || c.String("key") != "":
		cfg.TLS, err = devserver.LoadCert(c.String("cert"), c.String("key"), time.Now())
	case c.Bool("tls"):
		var dir string
		if dir, err = devserver.LocalCertDir(); err == nil {
			cfg.TLS, err = devserver.LocalCert(dir, time.Now())
		}
	}
	if err != nil {
		return err
	}
	for _, spec := range c.StringSlice("static") {
		d, err := devserver.ParseStatic(spec)
		if err != nil {
			return err
		}
		cfg.Static = append(cfg.Static, d)
	}
	if c.Bool("no-static") && len(cfg.Static) > 0 {
		return errors.New("--no-static and --static contradict each other: drop one")
	}
	cfg.Child.DjangoStatic = !c.Bool("no-static")
	return nil
}

// readBind reads --bind, or --host and --port.
func readBind(c *cli.Context, cfg *devserver.SessionConfig) error {
	cfg.Host, cfg.Port = c.String("host"), c.Int("port")
	bind := c.String("bind")
	if bind == "" {
		return nil
	}
	if c.IsSet("host") || c.IsSet("port") {
		return fmt.Errorf("--bind %s and --host or --port both say where to serve: give one", bind)
	}
	if path, ok := strings.CutPrefix(bind, "unix:"); ok {
		if path == "" {
			return errors.New("--bind unix: needs the socket's path, e.g. --bind unix:/tmp/app.sock")
		}
		cfg.Socket = path
		return nil
	}
	host, port, err := net.SplitHostPort(bind)
	n, perr := strconv.Atoi(port)
	if err != nil || perr != nil || n < 0 || n > 65535 {
		return fmt.Errorf("--bind %q: give HOST:PORT (127.0.0.1:8000, [::1]:8000, 0.0.0.0:0 for a free port) or unix:PATH", bind)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	cfg.Host, cfg.Port = host, n
	return nil
}

// printServing is the banner's lines on where the app is served: the URL
// (or the socket and how to reach it), HTTPS's certificate, static files.
func printServing(w io.Writer, b banner) {
	if b.socket != "" {
		fmt.Fprintf(w, "  serving  unix:%s  (Ctrl-C to stop)\n", b.socket)
		fmt.Fprintf(w, "           curl --unix-socket %s %s\n", b.socket, b.url)
	} else {
		fmt.Fprintf(w, "  serving  %s  (Ctrl-C to stop)\n", b.url)
		for _, u := range b.lan {
			fmt.Fprintf(w, "           %s  (%s)\n", u.url, exchange.Printable(u.iface))
		}
	}
	if c := b.tls; c != nil {
		from := "--cert " + c.File
		if c.Own {
			from = "wsgidev's own, self-signed, kept in " + c.File
			if c.Made {
				from = "wsgidev's own, self-signed, made now and kept in " + c.File
			}
		}
		fmt.Fprintf(w, "  https    certificate for %s (%s)\n", strings.Join(c.Names(), ", "), from)
		fmt.Fprintf(w, "           SHA-256 %s\n", c.Fingerprint())
		if c.Own {
			fmt.Fprintf(w, "           browsers warn until you trust it; curl --cacert %s trusts it\n", c.File)
		}
	}
	for _, d := range b.static {
		fmt.Fprintf(w, "  static   %s%s/ from %s (served by wsgidev, before the app)\n", b.scriptName, d.Prefix, d.Dir)
	}
	if b.info.Static != "" {
		fmt.Fprintf(w, "  static   %s through django.contrib.staticfiles under DEBUG, as runserver does (--no-static to turn off)\n", exchange.Printable(b.info.Static))
	}
}
