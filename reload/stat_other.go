//go:build !linux

package reload

import "os"

// stat looks at the file p without following a symlink.
func stat(p string) pollFile {
	fi, err := os.Lstat(p)
	if err != nil {
		return pollFile{}
	}
	return pollFile{exists: true, mod: fi.ModTime().UnixNano(), size: fi.Size(), mode: uint32(fi.Mode())}
}
