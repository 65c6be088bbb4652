package reload

import (
	"errors"

	"golang.org/x/sys/windows"
)

// isLimit reports whether err says a system limit was reached while adding
// a watch: handles, or the kernel memory each watch's buffer takes.
func isLimit(err error) bool {
	for _, limit := range []error{windows.ERROR_TOO_MANY_OPEN_FILES, windows.ERROR_NO_SYSTEM_RESOURCES,
		windows.ERROR_NOT_ENOUGH_QUOTA, windows.ERROR_NOT_ENOUGH_MEMORY} {
		if errors.Is(err, limit) {
			return true
		}
	}
	return false
}
