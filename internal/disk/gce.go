package disk

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/klauspost/compress/gzip"
)

// GCE's image import takes a gzip-compressed GNU tar holding exactly one
// file, disk.raw, whose size is a whole number of GiB.
const gceDiskName = "disk.raw"

// writeGCETarball writes raw as disk.raw into a GNU-format tar, gzip
// compressed. Holes are written as zeros, so the bytes depend only on the
// disk's content, not on how the build host's filesystem stores it.
func writeGCETarball(ctx context.Context, raw, out string, epoch time.Time) error {
	in, err := os.Open(raw)
	if err != nil {
		return fmt.Errorf("open %s: %w", raw, err)
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", raw, err)
	}
	if fi.Size()%gib != 0 {
		return fmt.Errorf("disk size %d is not a whole number of GiB, which GCE requires", fi.Size())
	}
	f, err := os.OpenFile(out, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	defer f.Close()
	zw, err := gzip.NewWriterLevel(f, gzip.DefaultCompression)
	if err != nil {
		return fmt.Errorf("start gzip: %w", err)
	}
	tw := tar.NewWriter(zw)
	hdr := &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     gceDiskName,
		Size:     fi.Size(),
		Mode:     0o644,
		ModTime:  epoch,
		Format:   tar.FormatGNU,
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write tar header: %w", err)
	}
	if _, err := io.Copy(tw, &ctxReader{ctx: ctx, r: in}); err != nil {
		return fmt.Errorf("write %s into %s: %w", gceDiskName, out, err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("finish tar %s: %w", out, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish gzip %s: %w", out, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", out, err)
	}
	return f.Close()
}

// CheckGCETarball checks path the way GCE's importer requires: gzip, a GNU
// tar, exactly one entry named disk.raw, a regular file whose size is a
// multiple of 1 GiB. It returns that size.
func CheckGCETarball(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, fmt.Errorf("%s is not gzip: %w", path, err)
	}
	tr := tar.NewReader(zr)
	hdr, err := tr.Next()
	if err != nil {
		return 0, fmt.Errorf("%s: no tar entry: %w", path, err)
	}
	switch {
	case hdr.Name != gceDiskName:
		return 0, fmt.Errorf("%s: first entry is %q, want %q", path, hdr.Name, gceDiskName)
	case hdr.Format != tar.FormatGNU:
		return 0, fmt.Errorf("%s: tar format %v, want GNU (oldgnu)", path, hdr.Format)
	case hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeGNUSparse:
		return 0, fmt.Errorf("%s: disk.raw has tar type %q, want a regular file", path, hdr.Typeflag)
	case hdr.Size <= 0 || hdr.Size%gib != 0:
		return 0, fmt.Errorf("%s: disk.raw is %d bytes, want a positive multiple of 1 GiB", path, hdr.Size)
	}
	n, err := io.Copy(io.Discard, tr)
	if err != nil || n != hdr.Size {
		return 0, fmt.Errorf("%s: disk.raw has %d of %d bytes: %v", path, n, hdr.Size, err)
	}
	if next, err := tr.Next(); !errors.Is(err, io.EOF) {
		name := ""
		if next != nil {
			name = next.Name
		}
		return 0, fmt.Errorf("%s: more than one entry (%q): %v", path, name, err)
	}
	return hdr.Size, nil
}

// ctxReader stops a long copy when the build is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
