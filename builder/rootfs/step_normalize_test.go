package rootfs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestNormalizeRemovesBuildNoiseOnly(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
			t.Fatal(err)
		}
	}
	write("var/lib/apt/lists/deb.example_dists_bookworm_InRelease", "release")
	write("var/lib/apt/lists/lock", "")
	write("var/lib/apt/lists/partial/half", "x")
	write("var/cache/apt/pkgcache.bin", "cache")
	write("var/cache/apt/archives/foo.deb", "deb")
	write("var/log/dpkg.log", "installed foo")
	write("var/log/apt/history.log", "history")
	write("etc/machine-id", "0123456789abcdef0123456789abcdef\n")
	write("var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n")
	write("etc/shadow-", "backup")
	write("tmp/packer-shell123", "script")
	write("etc/motd", "keep me")
	write("var/lib/dpkg/status", "keep me too")

	if _, err := normalize(root); err != nil {
		t.Fatal(err)
	}
	gone := []string{
		"var/lib/apt/lists/deb.example_dists_bookworm_InRelease", "var/lib/apt/lists/partial/half",
		"var/cache/apt/pkgcache.bin", "var/cache/apt/archives/foo.deb", "var/lib/dbus/machine-id",
		"etc/shadow-", "tmp/packer-shell123",
	}
	for _, rel := range gone {
		if _, err := os.Lstat(filepath.Join(root, rel)); err == nil {
			t.Errorf("/%s should have been removed", rel)
		}
	}
	for _, rel := range []string{"var/lib/apt/lists/lock", "var/lib/apt/lists/partial", "tmp"} {
		if _, err := os.Lstat(filepath.Join(root, rel)); err != nil {
			t.Errorf("/%s should have been kept: %v", rel, err)
		}
	}
	for _, rel := range []string{"var/log/dpkg.log", "var/log/apt/history.log", "etc/machine-id"} {
		fi, err := os.Stat(filepath.Join(root, rel))
		if err != nil || fi.Size() != 0 || fi.Mode().Perm() != 0o640 {
			t.Errorf("/%s should be kept, empty, mode 640: %v %v", rel, fi, err)
		}
	}
	for rel, want := range map[string]string{"etc/motd": "keep me", "var/lib/dpkg/status": "keep me too"} {
		if got, _ := os.ReadFile(filepath.Join(root, rel)); string(got) != want {
			t.Errorf("/%s changed: %q", rel, got)
		}
	}
}

func TestNormalizeDoesNotFollowSymlinksOutOfTheRoot(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	victim := filepath.Join(outside, "precious.log")
	if err := os.WriteFile(victim, []byte("host data"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "var"), 0o755); err != nil {
		t.Fatal(err)
	}
	// A hostile image whose /var/log and /tmp point at a host directory.
	if err := os.Symlink(outside, filepath.Join(root, "var/log")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "tmp")); err != nil {
		t.Fatal(err)
	}
	_, _ = normalize(root)
	if got, _ := os.ReadFile(victim); string(got) != "host data" {
		t.Fatalf("normalize changed a file outside the root: %q", got)
	}
}
