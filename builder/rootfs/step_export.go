package rootfs

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/packer-plugin-sdk/multistep"
	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"
	"github.com/klauspost/compress/zstd"

	"github.com/imagesmith/packer-plugin-hardening/internal/chroot"
	"github.com/imagesmith/packer-plugin-hardening/internal/tarball"
)

// exportResult is what stepExport leaves in the state bag under "export".
type exportResult struct {
	Path, ChecksumPath, SHA256 string
	Size                       int64
	Entries                    int
	Duration                   time.Duration
}

// stepExport writes the root filesystem as a reproducible tarball and its
// sha256sum-compatible checksum file. The tarball is written under a
// temporary name and renamed only when complete.
type stepExport struct {
	Config *Config
}

func (s *stepExport) Run(ctx context.Context, state multistep.StateBag) multistep.StepAction {
	ui := state.Get("ui").(packersdk.Ui)
	root := state.Get("root").(string)
	c := s.Config

	if err := refuseMounts(root, "export"); err != nil {
		return halt(state, err)
	}
	if err := os.MkdirAll(c.OutputDirectory, 0o755); err != nil {
		return halt(state, fmt.Errorf("create output_directory %s: %w", c.OutputDirectory, err))
	}
	final := filepath.Join(c.OutputDirectory, c.OutputName)
	ui.Say(fmt.Sprintf("Exporting root filesystem to %s...", final))
	start := time.Now()
	res, err := writeTarball(ctx, root, final, c.Compression, c.epoch())
	if err != nil {
		return halt(state, err)
	}
	res.Duration = time.Since(start)
	ui.Say(fmt.Sprintf("Exported %d entries, %d bytes, sha256:%s in %s.", res.Entries, res.Size, res.SHA256, res.Duration.Round(10*time.Millisecond)))
	state.Put("export", res)
	return multistep.ActionContinue
}

func (s *stepExport) Cleanup(multistep.StateBag) {}

// refuseMounts fails when anything is still mounted below root: what is
// read from there would be the host's, not the image's.
func refuseMounts(root, action string) error {
	mounts, err := chroot.MountsUnder(root)
	if err != nil {
		return err
	}
	if len(mounts) > 0 {
		return fmt.Errorf("refusing to %s: still mounted in the root filesystem: %v", action, mounts)
	}
	return nil
}

func writeTarball(ctx context.Context, root, final, compression string, epoch time.Time) (exportResult, error) {
	partial := final + ".partial"
	f, err := os.OpenFile(partial, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return exportResult{}, fmt.Errorf("create %s: %w", partial, err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(partial)
		}
	}()

	h := sha256.New()
	counted := &countingWriter{w: io.MultiWriter(f, h)}
	var w io.Writer = &ctxWriter{ctx: ctx, w: counted}
	var closer io.Closer
	switch compression {
	case "gzip":
		gz, _ := gzip.NewWriterLevel(w, gzip.DefaultCompression)
		w, closer = gz, gz
	case "zstd":
		// One encoder goroutine keeps memory low; the output does not depend
		// on concurrency, but keeping it fixed removes any doubt.
		zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault))
		if err != nil {
			return exportResult{}, fmt.Errorf("start zstd: %w", err)
		}
		w, closer = zw, zw
	}
	stats, err := tarball.Write(w, root, tarball.Options{Epoch: epoch, Exclude: []string{"proc", "sys"}})
	if err != nil {
		return exportResult{}, fmt.Errorf("write %s: %w", partial, err)
	}
	if closer != nil {
		if err := closer.Close(); err != nil {
			return exportResult{}, fmt.Errorf("finish compression of %s: %w", partial, err)
		}
	}
	if err := f.Sync(); err != nil {
		return exportResult{}, fmt.Errorf("sync %s: %w", partial, err)
	}
	if err := f.Close(); err != nil {
		return exportResult{}, fmt.Errorf("close %s: %w", partial, err)
	}
	if err := os.Rename(partial, final); err != nil {
		return exportResult{}, fmt.Errorf("rename %s: %w", partial, err)
	}
	ok = true
	sum := hex.EncodeToString(h.Sum(nil))
	checksum := final + ".sha256"
	line := fmt.Sprintf("%s  %s\n", sum, filepath.Base(final))
	if err := os.WriteFile(checksum, []byte(line), 0o644); err != nil {
		return exportResult{}, fmt.Errorf("write %s: %w", checksum, err)
	}
	return exportResult{Path: final, ChecksumPath: checksum, SHA256: sum, Size: counted.n, Entries: stats.Entries}, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ctxWriter stops a long export when the build is cancelled.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
