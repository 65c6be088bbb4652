package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// WriteStarter writes a starter's files into dir (wsgidev new), making
// dir if it is missing. It writes all of them or none: a file that is
// already there stops it before it writes anything, and a failure midway
// removes what it wrote.
func WriteStarter(dir string, files []File) (err error) {
	if file := fileOnTheWay(dir); file != "" {
		return fmt.Errorf("%s is a file, not a folder; name a folder for the app", file)
	}
	var existing []string
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if _, err := os.Lstat(p); err == nil {
			existing = append(existing, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("checking %s: %w", p, err)
		}
	}
	switch len(existing) {
	case 0:
	case 1:
		return fmt.Errorf("%s already exists; wsgidev new never overwrites a file: pick another folder, or move it away", existing[0])
	default:
		return fmt.Errorf("%s already exist; wsgidev new never overwrites a file: pick another folder, or move them away", strings.Join(existing, " and "))
	}

	made, err := mkdirs(dir)
	if err != nil {
		return err
	}
	var written []string
	defer func() {
		if err == nil {
			return
		}
		for _, p := range written {
			os.Remove(p)
		}
		for i := len(made) - 1; i >= 0; i-- {
			os.Remove(made[i]) // only if empty: never what someone else put there
		}
	}()
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := writeNew(p, f.Data); err != nil {
			return err
		}
		written = append(written, p)
	}
	return nil
}

// fileOnTheWay is dir, or the nearest of its parents that exists, when
// that is not a folder.
func fileOnTheWay(dir string) string {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if info, err := os.Stat(d); err == nil {
			if info.IsDir() {
				return ""
			}
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// mkdirs makes dir and any missing parents, and returns the folders it
// made, outermost first.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var made []string
	for i := len(missing) - 1; i >= 0; i-- {
		err := os.Mkdir(missing[i], 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue // made by someone else meanwhile: not ours to remove
		}
		if err != nil {
			for j := len(made) - 1; j >= 0; j-- {
				os.Remove(made[j])
			}
			return nil, fmt.Errorf("making the folder %s: %w", missing[i], err)
		}
		made = append(made, missing[i])
	}
	return made, nil
}

// writeNew writes data to a new file at p; O_EXCL refuses one that
// appeared since the check.
func writeNew(p string, data []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists; wsgidev new never overwrites a file", p)
		}
		return fmt.Errorf("writing %s: %w", p, err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
		return fmt.Errorf("writing %s: %w", p, err)
	}
	return nil
}
