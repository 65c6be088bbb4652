package main

import (
	"strings"
	"testing"

	"github.com/wsgidev/wsgidev/pyrunner"
)

// The banner's stack, as the child names the layers (devserver's layer
// tests check those names on real Flask, Django and werkzeug apps).
func TestBannerLayers(t *testing.T) {
	proxied := pyrunner.AppInfo{File: "/home/ada/site/app.py", Callable: "app", Layers: []pyrunner.Layer{
		{Name: "ProxyFix", Via: "wsgi_app", Parent: -1}, {Name: "Flask 'app'", Via: "app", Parent: 0},
	}}
	mounted := pyrunner.AppInfo{File: "app.py", Callable: "application", Layers: []pyrunner.Layer{
		{Name: "DispatcherMiddleware", Parent: -1},
		{Name: "Flask 'frontend'", Via: "app", Parent: 0},
		{Name: "Flask 'api'", Via: "mounts['/api']", Parent: 0},
	}}
	single := pyrunner.AppInfo{File: "app.py", Callable: "application", Layers: []pyrunner.Layer{{Name: "hello", Parent: -1}}}
	cases := []struct {
		name     string
		b        banner
		want     string // the layers line; "" for none
		appLabel string
	}{
		{"proxied", banner{info: proxied}, "  layers   app.py → ProxyFix → Flask 'app'  (recorded for up to 100 requests a second; --all-layers, --no-layers)\n", "app.py → ProxyFix → Flask 'app'"},
		{"proxied, --all-layers", banner{info: proxied, allLayers: true}, "  layers   app.py → ProxyFix → Flask 'app'  (recorded for every request; --no-layers to turn off)\n", "app.py → ProxyFix → Flask 'app'"},
		{"mounted", banner{info: mounted}, "  layers   app.py → DispatcherMiddleware → {app: Flask 'frontend' | /api: Flask 'api'}  (recorded for up to 100 requests a second; --all-layers, --no-layers)\n",
			"app.py → DispatcherMiddleware → {app: Flask 'frontend' | /api: Flask 'api'}"},
		{"one layer", banner{info: single}, "", "app.py → application"},
		{"--no-layers", banner{info: pyrunner.AppInfo{File: "app.py", Callable: "app"}, noLayers: true}, "  layers   off (--no-layers)\n", "app.py → app"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out strings.Builder
			printLayers(&out, c.b)
			if out.String() != c.want {
				t.Errorf("banner line %q, want %q", out.String(), c.want)
			}
			if got := appLabel(appChoice{}, c.b.info, nil); got != c.appLabel {
				t.Errorf("app label %q, want %q", got, c.appLabel)
			}
		})
	}
}

// The real binary says in its banner how many requests' layers it
// records: --all-layers reaches the session as it reaches the banner.
func TestLayersFlagsInTheBanner(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "recorded for up to 100 requests a second; --all-layers, --no-layers"},
		{[]string{"--all-layers"}, "recorded for every request; --no-layers to turn off"},
		{[]string{"--no-layers"}, "layers   off (--no-layers)"},
	} {
		args := append([]string{"serve", "--port", "0", "--no-reload", "--no-tui", "app.py"}, c.args...)
		p := startServing(t, launch{dir: "testdata/layers", args: args})
		if out := p.stdout.String(); !strings.Contains(out, c.want) {
			t.Errorf("wsgidev %s: the banner lacks %q:\n%s", strings.Join(args, " "), c.want, out)
		}
	}
}
