package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// MaxFile is the largest file verify reads, in bytes.
const MaxFile = 64 << 20

// Dir is a local image directory. Only regular files directly in it are
// read: never through a symlink, never a FIFO or a device, which an
// attacker who can write the directory could plant to hang or steer verify.
type Dir struct {
	root *os.Root
	path string
}

// OpenDir opens the image directory at path.
func OpenDir(path string) (*Dir, error) {
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, fmt.Errorf("open attestation directory: %w", err)
	}
	return &Dir{root: root, path: path}, nil
}

// DirIn opens the image directory name below root, which must stay inside
// root.
func DirIn(root *os.Root, name string) (*Dir, error) {
	sub, err := root.OpenRoot(name)
	if err != nil {
		return nil, fmt.Errorf("open attestation directory: %w", err)
	}
	p := root.Name()
	if name != "." {
		p = filepath.Join(p, name)
	}
	return &Dir{root: sub, path: p}, nil
}

func (d *Dir) String() string { return d.path }

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// Read reads the regular file name, at most MaxFile bytes.
func (d *Dir) Read(_ context.Context, name string) ([]byte, error) {
	if !fs.ValidPath(name) || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("read %q: not a file name", name)
	}
	before, err := d.root.Lstat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if !before.Mode().IsRegular() {
		return nil, fmt.Errorf("read %s: not a regular file (%s)", name, before.Mode().Type())
	}
	// Non-blocking: a FIFO swapped in after the check does not hang the open.
	f, err := d.root.OpenFile(name, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if !st.Mode().IsRegular() || !os.SameFile(before, st) {
		return nil, fmt.Errorf("read %s: the file changed while it was opened", name)
	}
	return readLimited(f, name)
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(b) > MaxFile {
		return nil, fmt.Errorf("%s is larger than %d MiB", name, MaxFile>>20)
	}
	return b, nil
}

// ReadRegular reads the file at path, which the user named: symlinks are
// followed, but only a regular file of at most MaxFile bytes is read, so a
// FIFO or a device does not hang verify.
func ReadRegular(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, st.Mode().Type())
	}
	return readLimited(f, path)
}
