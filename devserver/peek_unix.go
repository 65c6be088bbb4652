//go:build unix

package devserver

import (
	"crypto/tls"
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// peekConn waits until conn has bytes to read or has ended, and takes
// none of them: ended is true when the peer closed it or it failed. A
// read deadline on conn interrupts the wait (err). Nothing else may read
// conn meanwhile; net/http does not while the handler has not read the
// request body. Over TLS the connection under it is watched: any record
// (the body, or the alert of a client that closes) counts as bytes.
func peekConn(conn net.Conn) (ended bool, err error) {
	if tc, ok := conn.(*tls.Conn); ok {
		conn = tc.NetConn()
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return false, errors.ErrUnsupported // a pipe: nothing to peek at
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false, err
	}
	var buf [1]byte
	err = raw.Read(func(fd uintptr) bool {
		for {
			n, _, rerr := unix.Recvfrom(int(fd), buf[:], unix.MSG_PEEK)
			switch {
			case rerr == unix.EINTR:
				continue
			case rerr == unix.EAGAIN:
				return false // nothing yet: wait until it is readable
			case rerr != nil || n == 0:
				ended = true
			}
			return true
		}
	})
	return ended, err
}
