package disk

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestLayoutIsDerivedFromTheSeed(t *testing.T) {
	a, b, c := NewLayout("demo@1735689600"), NewLayout("demo@1735689600"), NewLayout("demo@1735689601")
	if a != b {
		t.Errorf("same seed, different layouts:\n%+v\n%+v", a, b)
	}
	ids := []string{a.DiskGUID, a.ESPPartUUID, a.RootPartUUID, a.RootFSUUID, a.HashSeed}
	for _, id := range ids {
		if !uuidRE.MatchString(id) {
			t.Errorf("%q is not a version 4 UUID", id)
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 5 {
		t.Errorf("identifiers repeat: %v", ids)
	}
	if !regexp.MustCompile(`^[0-9A-F]{4}-[0-9A-F]{4}$`).MatchString(a.ESPUUID) || a.ESPUUID[:4]+a.ESPUUID[5:] != a.ESPVolumeID {
		t.Errorf("ESP UUID %q / volume ID %q", a.ESPUUID, a.ESPVolumeID)
	}
	if c.RootFSUUID == a.RootFSUUID || c.DiskGUID == a.DiskGUID || c.ESPVolumeID == a.ESPVolumeID {
		t.Errorf("another seed gives the same identifiers: %+v", c)
	}
}

func TestWriteFstabKeepsOtherEntries(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	old := "# UNCONFIGURED FSTAB FOR BASE SYSTEM\nUUID=old / ext4 defaults 0 1\n/dev/sdb1 /data xfs defaults 0 2\ntmpfs /tmp tmpfs nodev,nosuid 0 0\nLABEL=x /boot/efi vfat defaults 0 1\n"
	if err := os.WriteFile(filepath.Join(root, "etc/fstab"), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	l := NewLayout("s")
	for i := 0; i < 2; i++ { // twice: the second run must change nothing
		if err := WriteFstab(root, l); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(filepath.Join(root, "etc/fstab"))
	want := fstabHeader +
		"UUID=" + l.RootFSUUID + " / ext4 rw,discard,errors=remount-ro 0 1\n" +
		"UUID=" + l.ESPUUID + " /boot/efi vfat umask=0077,nofail 0 1\n" +
		"/dev/sdb1 /data xfs defaults 0 2\ntmpfs /tmp tmpfs nodev,nosuid 0 0\n"
	if string(got) != want {
		t.Errorf("fstab:\n%s\nwant:\n%s", got, want)
	}
	if fi, err := os.Stat(filepath.Join(root, "boot/efi")); err != nil || !fi.IsDir() {
		t.Errorf("/boot/efi not created: %v", err)
	}
}

func TestWriteFstabStaysInTheRoot(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(root, "etc")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFstab(root, NewLayout("s")); err == nil {
		t.Error("an /etc symlink out of the root was followed")
	}
	if _, err := os.Stat(filepath.Join(outside, "fstab")); err == nil {
		t.Error("wrote outside the root")
	}
}

func TestInspectNamesTheMissingPackages(t *testing.T) {
	_, err := Inspect(t.TempDir())
	if !errors.Is(err, ErrNotBootable) {
		t.Fatalf("err = %v, want ErrNotBootable", err)
	}
	for _, want := range []string{"linux-image-amd64", "grub-efi-amd64-bin"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "boot"), 0o755)
	os.WriteFile(filepath.Join(root, "boot/vmlinuz-6.1.0-28-amd64"), []byte("k"), 0o644)
	_, err = Inspect(root)
	if err == nil || !strings.Contains(err.Error(), "initramfs-tools") {
		t.Errorf("kernel without initramfs: %v", err)
	}
}

func TestBootPairPrefersTheNewestKernel(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "boot"), 0o755)
	for _, v := range []string{"6.1.0-9-amd64", "6.1.0-28-amd64", "6.1.0-10-amd64"} {
		os.WriteFile(filepath.Join(root, "boot/vmlinuz-"+v), []byte("k"), 0o644)
		os.WriteFile(filepath.Join(root, "boot/initrd.img-"+v), []byte("i"), 0o644)
	}
	r, _ := os.OpenRoot(root)
	defer r.Close()
	k, i := bootPair(r, "vmlinuz", "initrd.img", versions(r, "boot", "vmlinuz-"))
	if k != "/boot/vmlinuz-6.1.0-28-amd64" || i != "/boot/initrd.img-6.1.0-28-amd64" {
		t.Errorf("got %s %s", k, i)
	}
	// The distribution's links win: kernel upgrades keep them current.
	os.Symlink("boot/vmlinuz-6.1.0-10-amd64", filepath.Join(root, "vmlinuz"))
	os.Symlink("boot/initrd.img-6.1.0-10-amd64", filepath.Join(root, "initrd.img"))
	k, i = bootPair(r, "vmlinuz", "initrd.img", versions(r, "boot", "vmlinuz-"))
	if k != "/vmlinuz" || i != "/initrd.img" {
		t.Errorf("with links: got %s %s", k, i)
	}
}

func TestGrubConfig(t *testing.T) {
	o := &Options{Layout: NewLayout("s"), Cmdline: "console=ttyS0,115200"}
	cfg, err := o.grubConfig(&Boot{Kernel: "/vmlinuz", Initrd: "/initrd.img", Name: "Debian GNU/Linux 12 (bookworm)", Cmdline: "apparmor=1 security=apparmor"})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"search --no-floppy --fs-uuid --set=root " + o.Layout.RootFSUUID,
		"linux /vmlinuz root=UUID=" + o.Layout.RootFSUUID + " ro console=ttyS0,115200 apparmor=1 security=apparmor\n",
		"initrd /initrd.img\n",
	} {
		if !strings.Contains(string(cfg), want) {
			t.Errorf("grub.cfg lacks %q:\n%s", want, cfg)
		}
	}
	if strings.Contains(string(cfg), "previous kernel") {
		t.Error("a previous-kernel entry without a previous kernel")
	}
}

func TestGCETarball(t *testing.T) {
	dir := t.TempDir()
	raw := filepath.Join(dir, "disk.raw")
	if err := createSparse(raw, gib); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(raw, os.O_WRONLY, 0)
	f.WriteAt([]byte("boot sector"), 0)
	f.WriteAt([]byte("end"), gib-3)
	f.Close()
	epoch := time.Unix(1735689600, 0)
	out := filepath.Join(dir, "disk.tar.gz")
	if err := writeGCETarball(context.Background(), raw, out, epoch); err != nil {
		t.Fatal(err)
	}
	if n, err := CheckGCETarball(out); err != nil || n != gib {
		t.Fatalf("CheckGCETarball = %d, %v", n, err)
	}
	first, _ := os.ReadFile(out)
	if err := writeGCETarball(context.Background(), raw, out, epoch); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(out); !bytes.Equal(first, second) {
		t.Error("two tarballs of the same disk differ")
	}
	// GNU tar's own magic, which GCE's importer reads.
	zr, _ := gzip.NewReader(bytes.NewReader(first))
	hdr := make([]byte, 512)
	if _, err := zr.Read(hdr); err != nil || string(hdr[257:265]) != "ustar  \x00" || string(hdr[:8]) != "disk.raw" {
		t.Errorf("header magic %q name %q", hdr[257:265], hdr[:8])
	}

	notGiB := filepath.Join(dir, "odd.raw")
	createSparse(notGiB, gib+512)
	if err := writeGCETarball(context.Background(), notGiB, filepath.Join(dir, "odd.tar.gz"), epoch); err == nil {
		t.Error("a disk that is not a whole number of GiB was accepted")
	}
}

func TestCheckGCETarballRejects(t *testing.T) {
	cases := map[string][]*tar.Header{
		"wrong name":    {{Name: "image.raw", Size: 0, Format: tar.FormatGNU, Typeflag: tar.TypeReg}},
		"ustar format":  {{Name: "disk.raw", Size: 0, Format: tar.FormatUSTAR, Typeflag: tar.TypeReg}},
		"not GiB":       {{Name: "disk.raw", Size: 4096, Format: tar.FormatGNU, Typeflag: tar.TypeReg}},
		"two entries":   {{Name: "disk.raw", Size: 0, Format: tar.FormatGNU, Typeflag: tar.TypeReg}, {Name: "extra", Format: tar.FormatGNU, Typeflag: tar.TypeReg}},
		"a directory":   {{Name: "disk.raw", Format: tar.FormatGNU, Typeflag: tar.TypeDir}},
		"empty archive": {},
	}
	for name, hdrs := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			tw := tar.NewWriter(zw)
			for _, h := range hdrs {
				if err := tw.WriteHeader(h); err != nil {
					t.Fatal(err)
				}
				tw.Write(make([]byte, h.Size))
			}
			tw.Close()
			zw.Close()
			p := filepath.Join(t.TempDir(), "x.tar.gz")
			os.WriteFile(p, buf.Bytes(), 0o644)
			if _, err := CheckGCETarball(p); err == nil {
				t.Error("accepted")
			}
		})
	}
}

func TestRootFSSizeLeavesRoom(t *testing.T) {
	got := rootFSSize(&tree{dataBytes: 700 << 20})
	if got < 700<<20+512<<20 || got%(1<<20) != 0 {
		t.Errorf("rootFSSize(700 MiB) = %d MiB", got>>20)
	}
}
