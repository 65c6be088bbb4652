//go:build !windows

package reload

import (
	"errors"
	"syscall"
)

// isLimit reports whether err says a system limit on watches or open files
// was reached: ENOSPC from inotify, EMFILE or ENFILE from kqueue's opens.
func isLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}
