package main

// Where a server bound to all addresses (--host 0.0.0.0 or ::) can be
// reached from other machines, for the banner, as flask run lists them: a
// workshop gives attendees the teacher's URL.

import (
	"net"
	"strconv"
)

// netInterface is one network interface as the banner needs it; a plain
// struct, so the listing is tested over made-up interfaces.
type netInterface struct {
	name  string
	up    bool
	addrs []net.IP
}

// localInterfaces lists this machine's interfaces; none if the OS will
// not say (the banner then lists no more than the loopback URL).
func localInterfaces() []netInterface {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []netInterface
	for _, ifc := range ifaces {
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		ni := netInterface{name: ifc.Name, up: ifc.Flags&net.FlagUp != 0}
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok {
				ni.addrs = append(ni.addrs, ipn.IP)
			}
		}
		out = append(out, ni)
	}
	return out
}

// lanURL is one address the server answers at, and the interface it is on.
type lanURL struct{ url, iface string }

// lanURLs are the URLs other machines may use for a server listening on
// every address at port: each address of each interface that is up,
// except loopback ones (the banner's own URL is the loopback one) and IPv6
// link-local ones (a browser cannot take their zone). IPv6 addresses only
// when the socket takes IPv6 (Go's wildcard sockets take both families).
// scheme is http or https (--tls).
func lanURLs(ifaces []netInterface, scheme string, port int, path string, ipv6 bool) []lanURL {
	var urls []lanURL
	for _, ifc := range ifaces {
		if !ifc.up {
			continue
		}
		for _, ip := range ifc.addrs {
			v4 := ip.To4() != nil
			if ip.IsLoopback() || ip.IsUnspecified() || ip.IsMulticast() || (!v4 && (!ipv6 || ip.IsLinkLocalUnicast())) {
				continue
			}
			urls = append(urls, lanURL{url: scheme + "://" + net.JoinHostPort(ip.String(), strconv.Itoa(port)) + path, iface: ifc.name})
		}
	}
	return urls
}

// isWildcard says whether host means every address of the machine.
func isWildcard(host string) bool {
	ip := net.ParseIP(host)
	return host == "" || ip != nil && ip.IsUnspecified()
}
