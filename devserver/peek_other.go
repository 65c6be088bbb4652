//go:build !unix

package devserver

import (
	"errors"
	"net"
)

// peekConn cannot watch a connection here: a client that waits for 100
// Continue and gives up while its request is held releases it only once
// the request is released.
func peekConn(net.Conn) (ended bool, err error) { return false, errors.ErrUnsupported }
