package tarball

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Options controls what Write records.
type Options struct {
	// Epoch clamps modification times: any entry newer than Epoch is recorded
	// with Epoch. Sub-second precision is always dropped.
	Epoch time.Time
	// Exclude lists paths relative to the root ("proc", "var/cache/foo") whose
	// contents are left out. The directory entry itself is kept, empty, so the
	// unpacked tree has its mount points.
	Exclude []string
}

// Stats summarises what Write recorded.
type Stats struct {
	Entries      int
	RegularBytes int64
	Skipped      []string // sockets, which tar cannot carry
}

// Write walks root and writes it to w as a PAX tar stream. Paths are written
// relative to root with a "./" prefix, the layout tar(1) produces for
// `tar -C root .`.
func Write(w io.Writer, root string, opts Options) (Stats, error) {
	tw := tar.NewWriter(w)
	wr := &writer{tw: tw, root: root, opts: opts, links: map[fileID]string{}}
	for _, e := range opts.Exclude {
		if wr.exclude == nil {
			wr.exclude = map[string]bool{}
		}
		wr.exclude[strings.Trim(filepath.ToSlash(filepath.Clean(e)), "/")] = true
	}
	if err := wr.walk("."); err != nil {
		return wr.stats, err
	}
	if err := tw.Close(); err != nil {
		return wr.stats, fmt.Errorf("finish tar stream: %w", err)
	}
	return wr.stats, nil
}

type fileID struct{ dev, ino uint64 }

type writer struct {
	tw      *tar.Writer
	root    string
	opts    Options
	exclude map[string]bool
	links   map[fileID]string
	stats   Stats
}

// walk writes rel and, for a directory, its children in byte order of their
// names. filepath.WalkDir is not used because its order depends on nothing we
// control once excludes and hard links are involved; an explicit recursion
// keeps the order obvious.
func (w *writer) walk(rel string) error {
	full := filepath.Join(w.root, rel)
	fi, err := os.Lstat(full)
	if err != nil {
		return fmt.Errorf("stat %s: %w", full, err)
	}
	if err := w.writeEntry(rel, full, fi); err != nil {
		return err
	}
	if !fi.IsDir() || w.exclude[filepath.ToSlash(rel)] {
		return nil
	}
	f, err := os.Open(full)
	if err != nil {
		return fmt.Errorf("open directory %s: %w", full, err)
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return fmt.Errorf("read directory %s: %w", full, err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := w.walk(filepath.Join(rel, name)); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) writeEntry(rel, full string, fi fs.FileInfo) error {
	st, ok := statOf(fi)
	if !ok {
		return fmt.Errorf("stat %s: no unix ownership information on this platform", full)
	}
	name := "./" + filepath.ToSlash(rel)
	if rel == "." {
		name = "./"
	}
	hdr := &tar.Header{
		Name:    name,
		Mode:    int64(fi.Mode().Perm()),
		Uid:     int(st.uid),
		Gid:     int(st.gid),
		ModTime: clamp(fi.ModTime(), w.opts.Epoch),
		Format:  tar.FormatPAX,
	}
	if fi.Mode()&fs.ModeSetuid != 0 {
		hdr.Mode |= 0o4000
	}
	if fi.Mode()&fs.ModeSetgid != 0 {
		hdr.Mode |= 0o2000
	}
	if fi.Mode()&fs.ModeSticky != 0 {
		hdr.Mode |= 0o1000
	}

	mode := fi.Mode()
	switch {
	case mode.IsDir():
		hdr.Typeflag = tar.TypeDir
		if rel != "." {
			hdr.Name += "/"
		}
	case mode&fs.ModeSymlink != 0:
		target, err := os.Readlink(full)
		if err != nil {
			return fmt.Errorf("read symlink %s: %w", full, err)
		}
		hdr.Typeflag = tar.TypeSymlink
		hdr.Linkname = target
	case mode.IsRegular():
		id := fileID{st.dev, st.ino}
		if st.nlink > 1 {
			if first, seen := w.links[id]; seen {
				hdr.Typeflag = tar.TypeLink
				hdr.Linkname = first
				break
			}
			w.links[id] = name
		}
		hdr.Typeflag = tar.TypeReg
		hdr.Size = fi.Size()
	case mode&fs.ModeDevice != 0:
		hdr.Typeflag = tar.TypeBlock
		if mode&fs.ModeCharDevice != 0 {
			hdr.Typeflag = tar.TypeChar
		}
		hdr.Devmajor = int64(major(st.rdev))
		hdr.Devminor = int64(minor(st.rdev))
	case mode&fs.ModeNamedPipe != 0:
		hdr.Typeflag = tar.TypeFifo
	default:
		// Sockets are runtime objects; tar has no type for them.
		w.stats.Skipped = append(w.stats.Skipped, name)
		return nil
	}

	xattrs, err := readXattrs(full)
	if err != nil {
		return err
	}
	if len(xattrs) > 0 {
		hdr.PAXRecords = map[string]string{}
		for k, v := range xattrs {
			hdr.PAXRecords["SCHILY.xattr."+k] = v
		}
	}

	if err := w.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write tar header for %s: %w", name, err)
	}
	w.stats.Entries++
	if hdr.Typeflag != tar.TypeReg || hdr.Size == 0 {
		return nil
	}
	f, err := os.Open(full)
	if err != nil {
		return fmt.Errorf("open %s: %w", full, err)
	}
	defer f.Close()
	n, err := io.Copy(w.tw, f)
	if err != nil {
		if errors.Is(err, tar.ErrWriteTooLong) {
			return fmt.Errorf("%s grew while it was archived; is something still writing into the root filesystem?", full)
		}
		return fmt.Errorf("archive %s: %w", full, err)
	}
	if n != hdr.Size {
		return fmt.Errorf("%s shrank while it was archived (%d of %d bytes); is something still writing into the root filesystem?", full, n, hdr.Size)
	}
	w.stats.RegularBytes += n
	return nil
}

func clamp(t, epoch time.Time) time.Time {
	t = t.Truncate(time.Second)
	if !epoch.IsZero() && t.After(epoch) {
		return epoch.Truncate(time.Second)
	}
	return t
}

// major and minor decode a Linux dev_t the way glibc's gnu_dev_major and
// gnu_dev_minor do.
func major(dev uint64) uint32 {
	return uint32((dev>>8)&0xfff) | uint32((dev>>32)&0xfffff000)
}

func minor(dev uint64) uint32 {
	return uint32(dev&0xff) | uint32((dev>>12)&0xffffff00)
}
