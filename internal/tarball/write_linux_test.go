package tarball

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// buildTree creates a small root filesystem with every kind of entry the
// writer has to handle. mtime is applied to every entry so tests can vary it.
func buildTree(t *testing.T, dir string, mtime time.Time) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "etc"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "usr/bin"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "proc/1"), 0o555))
	must(os.WriteFile(filepath.Join(dir, "proc/1/status"), []byte("not archived"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "etc/motd"), []byte("hello\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "usr/bin/ping"), []byte("#!/bin/sh\n"), 0o755))
	must(os.Chmod(filepath.Join(dir, "usr/bin/ping"), 0o4755|os.ModeSetuid))
	must(os.Link(filepath.Join(dir, "usr/bin/ping"), filepath.Join(dir, "usr/bin/ping6")))
	must(os.Symlink("/etc/motd", filepath.Join(dir, "motd-link")))
	must(os.Chown(filepath.Join(dir, "etc/motd"), 1234, 5678))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	if err := unix.Mknod(filepath.Join(dir, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		t.Logf("mknod not permitted here (%v); device entries untested", err)
	}
	// File capabilities are the security.capability xattr; user.* works on
	// filesystems that forbid writing security.* for tests.
	if err := unix.Lsetxattr(filepath.Join(dir, "usr/bin/ping"), "user.test", []byte("value"), 0); err != nil {
		t.Logf("extended attributes not supported here: %v", err)
	}
	// A real file capability (cap_net_raw+ep), as setcap writes it: struct
	// vfs_cap_data revision 2, little-endian.
	capNetRaw := []byte{0x01, 0, 0, 0x02, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if err := unix.Lsetxattr(filepath.Join(dir, "usr/bin/ping"), "security.capability", capNetRaw, 0); err != nil {
		t.Logf("file capabilities not supported here: %v", err)
	}
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return unix.Lutimes(p, []unix.Timeval{unix.NsecToTimeval(mtime.UnixNano()), unix.NsecToTimeval(mtime.UnixNano())})
	})
	must(err)
}

func writeTar(t *testing.T, root string, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := Write(&buf, root, opts); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func TestWriteIsReproducible(t *testing.T) {
	epoch := time.Unix(1735689600, 0)
	a, b := t.TempDir(), t.TempDir()
	// Same content, created at different times and both newer than the epoch.
	buildTree(t, a, time.Now())
	buildTree(t, b, time.Now().Add(time.Hour+123*time.Millisecond))
	ta := writeTar(t, a, Options{Epoch: epoch, Exclude: []string{"proc"}})
	tb := writeTar(t, b, Options{Epoch: epoch, Exclude: []string{"proc"}})
	if sha256.Sum256(ta) != sha256.Sum256(tb) {
		t.Fatal("two trees with the same content produced different tarballs")
	}
}

func TestWriteWithoutEpochKeepsMtimes(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	buildTree(t, a, time.Unix(1600000000, 0))
	buildTree(t, b, time.Unix(1600000001, 0))
	if bytes.Equal(writeTar(t, a, Options{}), writeTar(t, b, Options{})) {
		t.Fatal("different mtimes must give different tarballs when no epoch clamps them")
	}
}

func TestWriteRecordsEntries(t *testing.T) {
	root := t.TempDir()
	old := time.Unix(1500000000, 0)
	buildTree(t, root, old)
	epoch := time.Unix(1735689600, 0)
	if err := os.Chtimes(filepath.Join(root, "etc/motd"), time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(writeTar(t, root, Options{Epoch: epoch, Exclude: []string{"proc"}})))
	got := map[string]*tar.Header{}
	var order []string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = h
		order = append(order, h.Name)
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] && !(order[i-1] == "./") {
			t.Errorf("entries not sorted: %q before %q", order[i-1], order[i])
		}
	}
	check := func(name string, ok bool, what string) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %s (header %+v)", name, what, got[name])
		}
	}
	motd := got["./etc/motd"]
	check("./etc/motd", motd != nil && motd.Uid == 1234 && motd.Gid == 5678 && motd.Uname == "" && motd.Gname == "", "numeric owner 1234:5678 without names")
	check("./etc/motd", motd != nil && motd.ModTime.Equal(epoch), "mtime newer than the epoch is clamped")
	ping := got["./usr/bin/ping"]
	check("./usr/bin/ping", ping != nil && ping.Mode == 0o4755, "setuid mode 4755 kept")
	check("./usr/bin/ping", ping != nil && ping.ModTime.Equal(old), "mtime older than the epoch kept")
	ping6 := got["./usr/bin/ping6"]
	check("./usr/bin/ping6", ping6 != nil && ping6.Typeflag == tar.TypeLink && ping6.Linkname == "./usr/bin/ping", "hard link to ./usr/bin/ping")
	link := got["./motd-link"]
	check("./motd-link", link != nil && link.Typeflag == tar.TypeSymlink && link.Linkname == "/etc/motd", "symlink target kept verbatim")
	fifo := got["./fifo"]
	check("./fifo", fifo != nil && fifo.Typeflag == tar.TypeFifo, "fifo kept")
	check("./proc/", got["./proc/"] != nil, "excluded directory itself kept")
	check("./proc/1/status", got["./proc/1/status"] == nil, "excluded directory contents left out")
	if v, err := unixGetxattr(filepath.Join(root, "usr/bin/ping"), "user.test"); err == nil {
		check("./usr/bin/ping", ping != nil && ping.PAXRecords["SCHILY.xattr.user.test"] == v, "extended attribute kept")
	}
	if v, err := unixGetxattr(filepath.Join(root, "usr/bin/ping"), "security.capability"); err == nil {
		check("./usr/bin/ping", ping != nil && ping.PAXRecords["SCHILY.xattr.security.capability"] == v && len(v) == 20, "file capability kept")
	}
	if fi, err := os.Lstat(filepath.Join(root, "null")); err == nil && fi.Mode()&os.ModeDevice != 0 {
		null := got["./null"]
		check("./null", null != nil && null.Typeflag == tar.TypeChar && null.Devmajor == 1 && null.Devminor == 3, "character device 1:3 kept")
	}
}

func unixGetxattr(path, name string) (string, error) {
	buf := make([]byte, 256)
	n, err := unix.Lgetxattr(path, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

func TestWriteFailsOnMissingRoot(t *testing.T) {
	_, err := Write(io.Discard, filepath.Join(t.TempDir(), "missing"), Options{})
	if err == nil {
		t.Fatal("want an error for a missing root")
	}
}
