package rootfs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTempFileRestoresTheImagesOwn(t *testing.T) {
	cases := []struct {
		name      string
		setup     func(root string)
		provision func(root string)
		check     func(t *testing.T, root string)
		changed   bool
	}{
		{"absent before, absent after", nil, nil, func(t *testing.T, root string) {
			if _, err := os.Lstat(filepath.Join(root, "etc/resolv.conf")); err == nil {
				t.Error("temporary resolv.conf left in the image")
			}
		}, false},
		{"image symlink restored", func(root string) {
			os.Symlink("../run/systemd/resolve/stub-resolv.conf", filepath.Join(root, "etc/resolv.conf"))
		}, nil, func(t *testing.T, root string) {
			if target, err := os.Readlink(filepath.Join(root, "etc/resolv.conf")); err != nil || target != "../run/systemd/resolve/stub-resolv.conf" {
				t.Errorf("image's symlink not restored: %q %v", target, err)
			}
		}, false},
		{"provisioner's replacement kept", func(root string) {
			os.WriteFile(filepath.Join(root, "etc/resolv.conf"), []byte("nameserver 10.0.0.2\n"), 0o644)
		}, func(root string) {
			os.WriteFile(filepath.Join(root, "etc/resolv.conf"), []byte("nameserver 192.0.2.53\n"), 0o644)
		}, func(t *testing.T, root string) {
			if b, _ := os.ReadFile(filepath.Join(root, "etc/resolv.conf")); string(b) != "nameserver 192.0.2.53\n" {
				t.Errorf("provisioner's resolv.conf not kept: %q", b)
			}
			if _, err := os.Lstat(filepath.Join(root, "etc/resolv.conf.packer-hardening-orig")); err == nil {
				t.Error("backup left in the image")
			}
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			os.MkdirAll(filepath.Join(root, "etc"), 0o755)
			if tc.setup != nil {
				tc.setup(root)
			}
			r, err := os.OpenRoot(root)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			tf, err := placeTempFile(r, "etc/resolv.conf", []byte("nameserver 127.0.0.53\n"), 0o644, false)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := os.ReadFile(filepath.Join(root, "etc/resolv.conf")); string(b) != "nameserver 127.0.0.53\n" {
				t.Fatalf("host resolv.conf not in place during the build: %q", b)
			}
			if tc.provision != nil {
				tc.provision(root)
			}
			changed, err := tf.restore(r)
			if err != nil {
				t.Fatal(err)
			}
			if changed != tc.changed {
				t.Errorf("changed: got %v, want %v", changed, tc.changed)
			}
			tc.check(t, root)
		})
	}
}
