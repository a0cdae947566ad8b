package rootfs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/disk"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/manifest"
	"github.com/imagesmith/packer-plugin-hardening/internal/vm"
)

// demoBuild is one build of the demo template (example/build.pkr.hcl) with
// its outputs in a fresh directory.
type demoBuild struct {
	out, evidence, attestations string
	log                         string
}

// buildDemo builds example/build.pkr.hcl as `make demo` does.
func buildDemo(t *testing.T, key string) demoBuild {
	t.Helper()
	tpl, err := os.ReadFile(filepath.Join(e2e.ModuleRoot(t), "example", "build.pkr.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	b := demoBuild{out: filepath.Join(dir, "output"), evidence: filepath.Join(dir, "evidence"), attestations: filepath.Join(dir, "attestations")}
	b.log, err = e2e.Build(t, string(tpl), map[string]string{
		"output_directory": b.out, "evidence_dir": b.evidence, "attestations_dir": b.attestations, "signing_key": key,
	})
	if err != nil {
		t.Fatalf("demo build: %v\n%s", err, b.log)
	}
	return b
}

func TestE2EDemoDiskImage(t *testing.T) {
	requireE2E(t)
	key, _ := e2e.SigningKey(t, t.TempDir())
	first := buildDemo(t, key)
	second := buildDemo(t, key)

	files := []string{"disk.qcow2", "disk.raw", "disk.tar.gz", "rootfs.tar"}
	sums := map[string]string{}
	for _, f := range files {
		a, b := sha256File(t, filepath.Join(first.out, f)), sha256File(t, filepath.Join(second.out, f))
		if a != b {
			t.Errorf("%s differs between two builds: %s and %s", f, a, b)
		}
		sums[f] = a
		line, err := os.ReadFile(filepath.Join(first.out, f+".sha256"))
		if err != nil || string(line) != a+"  "+f+"\n" {
			t.Errorf("%s.sha256 = %q (%v), want the file's digest", f, line, err)
		}
	}
	t.Logf("two builds, same bytes: %v", sums)
	entries, err := os.ReadDir(first.out)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := "disk.qcow2 disk.qcow2.sha256 disk.raw disk.raw.sha256 disk.tar.gz disk.tar.gz.sha256 rootfs.tar rootfs.tar.sha256"; strings.Join(names, " ") != want {
		t.Errorf("output directory holds %v, want %s", names, want)
	}
	for _, want := range []string{"Disk image: root filesystem UUID ", "Building the disk image (qcow2, raw, gce)...", "Disk image of 2 GiB in "} {
		if !strings.Contains(first.log, want) {
			t.Errorf("build output lacks %q", want)
		}
	}

	raw := filepath.Join(first.out, "disk.raw")
	t.Run("GCE import tarball", func(t *testing.T) {
		n, err := disk.CheckGCETarball(filepath.Join(first.out, "disk.tar.gz"))
		if err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(raw); n != fi.Size() {
			t.Errorf("disk.raw in the tarball is %d bytes, disk.raw %d", n, fi.Size())
		}
	})

	t.Run("layout", func(t *testing.T) { checkLayout(t, raw) })

	t.Run("root filesystem is what finalize recorded", func(t *testing.T) {
		res, _, err := evidence.ReadFinalize(evidence.BuildDir(first.evidence, "debian12"))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		dev := raw + "?offset=134217728"
		if out, err := exec.Command("debugfs", "-R", "rdump / "+dir, dev).CombinedOutput(); err != nil {
			t.Fatalf("extract the root filesystem: %v\n%s", err, out)
		}
		restoreModes(t, dev, dir)
		// lost+found belongs to ext4, not to the image.
		got, err := manifest.Walk(dir, []string{"/proc", "/sys", "/dev", "/run", "/lost+found"})
		if err != nil {
			t.Fatal(err)
		}
		if d := manifest.Digest(got.Encode()); d != res.Manifest.Digest {
			t.Errorf("the root filesystem in the disk has manifest digest %s, finalize recorded %s", d, res.Manifest.Digest)
		}
	})

	t.Run("boots", func(t *testing.T) { bootDemo(t, filepath.Join(first.out, "disk.qcow2")) })

	t.Run("every disk file is attested", func(t *testing.T) {
		for _, f := range files {
			dir := filepath.Join(first.attestations, "debian12", "rootfs", "local", f)
			for _, bundle := range []string{"provenance.sigstore.json", "sbom.cdx.sigstore.json", "sbom.spdx.sigstore.json", "cis.sigstore.json"} {
				if _, err := os.Stat(filepath.Join(dir, bundle)); err != nil {
					t.Errorf("%s: %v", f, err)
				}
			}
			index, err := os.ReadFile(filepath.Join(dir, "attestations.json"))
			if err != nil || !strings.Contains(string(index), sums[f]) {
				t.Errorf("%s/attestations.json does not name its subject's digest %s: %v", f, sums[f], err)
			}
		}
		// manifest.json has one image per location: the build's tarball.
		var m struct {
			Builds map[string]struct {
				Images map[string]struct {
					ImageID       string `json:"image_id"`
					SubjectSHA256 string `json:"subject_sha256"`
				}
			}
		}
		b, err := os.ReadFile(filepath.Join(first.attestations, "manifest.json"))
		if err != nil || json.Unmarshal(b, &m) != nil {
			t.Fatalf("manifest.json: %v", err)
		}
		if img := m.Builds["debian12"].Images["local"]; img.ImageID != "rootfs.tar" || img.SubjectSHA256 != sums["rootfs.tar"] {
			t.Errorf("manifest.json local image: %+v", img)
		}
	})
}

// checkLayout reads the partition table, the ESP and the root's fstab of a
// raw disk.
func checkLayout(t *testing.T, raw string) {
	t.Helper()
	out, err := exec.Command("sfdisk", "--json", raw).Output()
	if err != nil {
		t.Fatalf("sfdisk --json: %v", err)
	}
	var pt struct {
		PartitionTable struct {
			Label      string
			ID         string
			Partitions []struct {
				Node  string
				Start int64
				Size  int64
				Type  string
				UUID  string
			}
		}
	}
	if err := json.Unmarshal(out, &pt); err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, p := range pt.PartitionTable.Partitions {
		parts[strings.TrimPrefix(p.Node, raw)] = p.Type
	}
	if pt.PartitionTable.Label != "gpt" || parts["15"] != "C12A7328-F81F-11D2-BA4B-00A0C93EC93B" || parts["1"] != "4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709" || len(parts) != 2 {
		t.Errorf("partition table: %s", out)
	}
	esp := raw + "@@1M"
	for _, f := range []string{"::/EFI/BOOT/BOOTX64.EFI", "::/EFI/BOOT/grub.cfg"} {
		if out, err := exec.Command("mdir", "-i", esp, f).CombinedOutput(); err != nil {
			t.Errorf("ESP lacks %s: %v\n%s", f, err, out)
		}
	}
	cfg, err := exec.Command("mtype", "-i", esp, "::/EFI/BOOT/grub.cfg").Output()
	if err != nil {
		t.Fatal(err)
	}
	blkid, err := exec.Command("debugfs", "-R", "stats", raw+"?offset=134217728").Output()
	if err != nil {
		t.Fatal(err)
	}
	var uuid string
	for _, line := range strings.Split(string(blkid), "\n") {
		if v, ok := strings.CutPrefix(line, "Filesystem UUID:"); ok {
			uuid = strings.TrimSpace(v)
		}
	}
	// Hardening's AppArmor drop-in in /etc/default/grub.d reaches the
	// kernel command line.
	for _, want := range []string{"root=UUID=" + uuid + " ro console=tty0 console=ttyS0,115200", "apparmor=1", "security=apparmor", "linux /vmlinuz ", "initrd /initrd.img"} {
		if uuid == "" || !strings.Contains(string(cfg), want) {
			t.Errorf("grub.cfg lacks %q:\n%s", want, cfg)
		}
	}
	fstab, err := exec.Command("debugfs", "-R", "cat /etc/fstab", raw+"?offset=134217728").Output()
	if err != nil || !strings.Contains(string(fstab), "UUID="+uuid+" / ext4 ") {
		t.Errorf("fstab does not mount the root by UUID %s: %v\n%s", uuid, err, fstab)
	}
}

// bootDemo boots the hardened demo disk in the harness on a larger virtual
// disk and checks what a cloud user relies on.
func bootDemo(t *testing.T, qcow2 string) {
	v := vm.BootT(t, vm.Options{Disk: qcow2, GrowTo: "4G"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run := func(cmd string) string {
		t.Helper()
		out, errOut, exit, err := v.Run(ctx, cmd)
		if err != nil || exit != 0 {
			t.Fatalf("%s: exit %d, %v\n%s%s", cmd, exit, err, out, errOut)
		}
		return strings.TrimSpace(out)
	}
	run("sudo -n true")
	// cloud-final runs after multi-user.target: its status says the whole
	// first boot, user-data included, is over.
	if st := run("cloud-init status --wait"); !strings.Contains(st, "status: done") {
		t.Errorf("cloud-init status: %s", st)
	}
	if failed := run("sudo -n systemctl --failed --no-legend --plain"); failed != "" {
		t.Errorf("failed units after boot:\n%s", failed)
	}
	// The root partition and filesystem grew to the 4 GiB disk.
	if size, _ := strconv.ParseInt(run("df -B1 --output=size / | tail -n 1"), 10, 64); size < 3<<30 {
		t.Errorf("root filesystem is %d bytes on a 4 GiB disk: it did not grow", size)
	}
	cmdline := run("cat /proc/cmdline")
	for _, want := range []string{"root=UUID=", "apparmor=1", "security=apparmor"} {
		if !strings.Contains(cmdline, want) {
			t.Errorf("/proc/cmdline lacks %q: %s", want, cmdline)
		}
	}
	if src := run("findmnt -no SOURCE /boot/efi"); src != "/dev/vda15" {
		t.Errorf("/boot/efi is mounted from %q, want the ESP /dev/vda15", src)
	}
	t.Logf("boot: %s", run("sudo -n systemd-analyze"))
}

// restoreModes sets the modes of the tree debugfs rdump extracted to those
// in the filesystem: rdump chowns after it chmods, which clears setuid and
// setgid bits.
func restoreModes(t *testing.T, dev, dir string) {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			dirs = append(dirs, filepath.Join("/", rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var cmds strings.Builder
	for _, d := range dirs {
		fmt.Fprintf(&cmds, "ls -p \"%s\"\n", strings.ReplaceAll(d, `"`, `""`))
	}
	cmdFile := filepath.Join(t.TempDir(), "ls.cmds")
	if err := os.WriteFile(cmdFile, []byte(cmds.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("debugfs", "-f", cmdFile, dev).Output()
	if err != nil {
		t.Fatalf("debugfs ls: %v", err)
	}
	// Output: "debugfs: ls -p DIR" echoes, then "/ino/mode/uid/gid/name/size/".
	cur := ""
	for _, line := range strings.Split(string(out), "\n") {
		if c, ok := strings.CutPrefix(line, "debugfs: ls -p "); ok {
			cur = strings.ReplaceAll(strings.Trim(c, `"`), `""`, `"`)
			continue
		}
		f := strings.Split(line, "/")
		if len(f) < 7 || f[0] != "" || f[5] == ".." {
			continue
		}
		mode, err := strconv.ParseUint(f[2], 8, 32)
		if err != nil || mode&0o170000 == 0o120000 { // symlinks keep 0777
			continue
		}
		p := filepath.Join(dir, cur, f[5])
		if f[5] == "." {
			p = filepath.Join(dir, cur)
		}
		if err := syscall.Chmod(p, uint32(mode&0o7777)); err != nil && !os.IsNotExist(err) {
			t.Fatalf("chmod %s: %v", p, err)
		}
	}
}
