package devserver

import (
	"io"
	"log"
)

// discardLog silences net/http's own error log: wsgidev reports every
// failure in its exchanges, and stray lines would break the TUI.
func discardLog() *log.Logger { return log.New(io.Discard, "", 0) }
