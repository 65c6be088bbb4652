package capture

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// Rewrite replaces some exchanges of a capture file, keyed by the line
// they are on, and keeps every other line as it is. A last line cut short
// by a crash is dropped. The new file replaces the old one atomically (a
// temporary file beside it, then a rename), so a failure leaves the old
// one whole. cap is the body cap said on truncated bodies.
func Rewrite(path string, updates map[int]*exchange.Exchange, cap int) error {
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("capture: rewriting %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	w := bufio.NewWriter(tmp)
	r := bufio.NewReader(in)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			switch ex, ok := updates[n]; {
			case ok:
				w.Write(EncodeExchange(ex, cap))
			case err == io.EOF:
				if _, derr := DecodeLine(line); derr == nil {
					w.Write(append(line, '\n'))
				} // else: cut short by a crash, dropped
			default:
				w.Write(line)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			tmp.Close()
			return fmt.Errorf("capture: reading %s: %w", path, err)
		}
	}
	err = w.Flush()
	if err == nil {
		err = tmp.Chmod(info.Mode().Perm())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("capture: rewriting %s: %w", path, err)
	}
	return nil
}

// WithAnswer is orig with the answer of got put in: status, response
// headers and body, events, failure, lint and duration. The request side
// (what was captured from the client) stays as it was.
func WithAnswer(orig, got *exchange.Exchange) *exchange.Exchange {
	ex := *orig
	ex.Status, ex.ResponseHeaders, ex.ResponseBody = got.Status, got.ResponseHeaders, got.ResponseBody
	ex.Events, ex.Failure, ex.Lint, ex.Duration = got.Events, got.Failure, got.Lint, got.Duration
	return &ex
}
