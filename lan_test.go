package main

import (
	"net"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
)

func TestLanURLs(t *testing.T) {
	ips := func(s ...string) []net.IP {
		var out []net.IP
		for _, a := range s {
			out = append(out, net.ParseIP(a))
		}
		return out
	}
	ifaces := []netInterface{
		{name: "lo", up: true, addrs: ips("127.0.0.1", "::1")},
		{name: "eth0", up: true, addrs: ips("192.168.1.5", "fe80::1", "2001:db8::5")},
		{name: "wlan0", up: false, addrs: ips("10.0.0.7")},
		{name: "docker0", up: true, addrs: ips("172.17.0.1", "169.254.3.4")},
	}
	for _, tc := range []struct {
		name string
		ipv6 bool
		path string
		want []string
	}{
		{"an IPv4 socket", false, "/", []string{
			"http://192.168.1.5:8000/ (eth0)", "http://172.17.0.1:8000/ (docker0)", "http://169.254.3.4:8000/ (docker0)"}},
		{"a socket for both families, mounted", true, "/api/", []string{
			"http://192.168.1.5:8000/api/ (eth0)", "http://[2001:db8::5]:8000/api/ (eth0)",
			"http://172.17.0.1:8000/api/ (docker0)", "http://169.254.3.4:8000/api/ (docker0)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, u := range lanURLs(ifaces, "http", 8000, tc.path, tc.ipv6) {
				got = append(got, u.url+" ("+u.iface+")")
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
	if got := lanURLs(nil, "http", 8000, "/", true); len(got) != 0 {
		t.Errorf("no interfaces gave %v", got)
	}
	if got := lanURLs(ifaces, "https", 8443, "/", false); len(got) == 0 || got[0].url != "https://192.168.1.5:8443/" {
		t.Errorf("with --tls: %v, want https:// URLs", got)
	}
}

func TestIsWildcard(t *testing.T) {
	for host, want := range map[string]bool{"0.0.0.0": true, "::": true, "": true, "127.0.0.1": false, "192.168.1.5": false, "localhost": false} {
		if isWildcard(host) != want {
			t.Errorf("isWildcard(%q) = %v", host, !want)
		}
	}
}

// Bound to every address, the banner lists this machine's other addresses
// under the loopback URL, and the warning stays.
func TestHostListsLANAddresses(t *testing.T) {
	t.Parallel()
	p := startServing(t, launch{args: []string{"serve", "app.py", "--host", "0.0.0.0", "--port", "0"}})
	banner := p.waitOutput(regexp.MustCompile(`(?s)  serving  .*?\n  WARNING  bound to 0\.0\.0\.0: [^\n]*\n`))[0]
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.base, "http://"))
	ifaces, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, ifc := range ifaces {
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if ifc.Flags&net.FlagUp == 0 || !ok || ipn.IP.To4() == nil || ipn.IP.IsLoopback() {
				continue
			}
			want := "           http://" + ipn.IP.String() + ":" + port + "/  (" + ifc.Name + ")\n"
			if !strings.Contains(banner, want) {
				t.Errorf("the banner does not list %s on %s:\n%s", ipn.IP, ifc.Name, banner)
			}
		}
	}
	p.signal(syscall.SIGTERM) // reachable from the network: stop at once
	p.wait()
}
