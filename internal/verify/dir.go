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

// MaxBundles is how many bytes of bundles one image may have together,
// which bounds the time and memory one image takes whatever its files
// hold. A Debian SBOM bundle is about 1 MiB.
const MaxBundles = 64 << 20

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

// Read reads the regular file name, at most limit bytes.
func (d *Dir) Read(_ context.Context, name string, limit int64) ([]byte, error) {
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
	if before.Size() > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
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
	return readLimited(f, name, st.Size(), limit)
}

// readLimited reads at most limit bytes from r, whose size is about size:
// one allocation of that size, one more byte to see a file that grew.
func readLimited(r io.Reader, name string, size, limit int64) ([]byte, error) {
	b := make([]byte, 0, min(max(size, 0), limit)+1)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
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
	return readLimited(f, path, st.Size(), MaxFile)
}
