package devserver

import "net"

// ConnHeadCap is what one connection's head recorder may hold at most.
const ConnHeadCap = connHeadCap

// RecordingListener wraps l as Serve does; accepted gets each connection's
// probe of the bytes its head recorder holds.
func RecordingListener(l net.Listener, accepted func(held func() int)) net.Listener {
	return &recListener{Listener: l, accepted: func(c *recConn) { accepted(c.held) }}
}
