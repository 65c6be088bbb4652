package capture

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wsgidev/wsgidev/devserver/exchange"
)

// WriteFile writes a whole capture at once, h and then each exchange (the
// inspector's w), readable by its owner alone. Without replace a path that
// exists is refused with an error that wraps fs.ErrExist; with it, the
// capture is written beside the old file and renamed over it, so a
// failure leaves that whole.
func WriteFile(path string, h Header, exs []*exchange.Exchange, replace bool) error {
	write := func(f *os.File) error {
		w := bufio.NewWriter(f)
		w.Write(EncodeHeader(h))
		for _, ex := range exs {
			w.Write(EncodeExchange(ex, h.BodyMax))
		}
		err := w.Flush()
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if !replace {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, Private)
		if err != nil {
			return fmt.Errorf("capture: %w", err)
		}
		if err := write(f); err != nil {
			os.Remove(path)
			return fmt.Errorf("capture: writing %s: %w", path, err)
		}
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*") // made 0600
	if err != nil {
		return fmt.Errorf("capture: writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	err = write(tmp)
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("capture: writing %s: %w", path, err)
	}
	return nil
}
