package rootfs

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
)

func TestWriteTarballCompressionsAreReproducibleAndReadable(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "etc/motd"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	epoch := time.Unix(1735689600, 0)
	for _, compression := range compressions {
		t.Run(compression, func(t *testing.T) {
			var sums []string
			for i := 0; i < 2; i++ {
				out := filepath.Join(t.TempDir(), "rootfs.tar"+compressionExt(compression))
				res, err := writeTarball(context.Background(), root, out, compression, epoch)
				if err != nil {
					t.Fatal(err)
				}
				data, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				digest := sha256.Sum256(data)
				if res.SHA256 != hex.EncodeToString(digest[:]) || res.Size != int64(len(data)) {
					t.Errorf("reported sha256/size %s/%d do not match the file", res.SHA256, res.Size)
				}
				if sum, _ := os.ReadFile(out + ".sha256"); string(sum) != res.SHA256+"  "+filepath.Base(out)+"\n" {
					t.Errorf("checksum file: %q", sum)
				}
				if _, err := os.Stat(out + ".partial"); err == nil {
					t.Error("partial file left behind")
				}
				sums = append(sums, res.SHA256)
				f, _ := os.Open(out)
				var r io.Reader = f
				switch compression {
				case "gzip":
					r, err = gzip.NewReader(f)
				case "zstd":
					var zr *zstd.Decoder
					zr, err = zstd.NewReader(f)
					r = zr
				}
				if err != nil {
					t.Fatal(err)
				}
				tr := tar.NewReader(r)
				found := false
				for {
					h, err := tr.Next()
					if err != nil {
						break
					}
					found = found || h.Name == "./etc/motd"
				}
				f.Close()
				if !found {
					t.Error("./etc/motd not found in the decompressed tarball")
				}
			}
			if sums[0] != sums[1] {
				t.Errorf("%s output differs between two runs: %v", compression, sums)
			}
		})
	}
}

func TestWriteTarballCancelledLeavesNothing(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "f"), make([]byte, 1<<20), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "rootfs.tar")
	if _, err := writeTarball(ctx, root, out, "none", time.Time{}); err == nil {
		t.Fatal("a cancelled export succeeded")
	}
	for _, p := range []string{out, out + ".partial", out + ".sha256"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("cancelled export left %s", p)
		}
	}
}
