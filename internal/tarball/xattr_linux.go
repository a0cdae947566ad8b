package tarball

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"
)

// readXattrs returns every extended attribute of path without following a
// symlink. security.capability (file capabilities) is one of them.
func readXattrs(path string) (map[string]string, error) {
	size, err := unix.Llistxattr(path, nil)
	if err != nil {
		if errors.Is(err, unix.ENOTSUP) {
			return nil, nil
		}
		return nil, fmt.Errorf("list extended attributes of %s: %w", path, err)
	}
	if size == 0 {
		return nil, nil
	}
	buf := make([]byte, size)
	size, err = unix.Llistxattr(path, buf)
	if err != nil {
		return nil, fmt.Errorf("list extended attributes of %s: %w", path, err)
	}
	out := map[string]string{}
	for _, name := range strings.Split(strings.TrimRight(string(buf[:size]), "\x00"), "\x00") {
		if name == "" {
			continue
		}
		vsize, err := unix.Lgetxattr(path, name, nil)
		if err != nil {
			return nil, fmt.Errorf("read extended attribute %s of %s: %w", name, path, err)
		}
		val := make([]byte, vsize)
		if vsize > 0 {
			vsize, err = unix.Lgetxattr(path, name, val)
			if err != nil {
				return nil, fmt.Errorf("read extended attribute %s of %s: %w", name, path, err)
			}
		}
		out[name] = string(val[:vsize])
	}
	return out, nil
}
