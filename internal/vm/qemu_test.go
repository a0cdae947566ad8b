package vm

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func testMachine(accel string) machine {
	return machine{
		accel: accel, memoryMiB: 2048, sshPort: 40022,
		overlay: "/tmp/d/overlay.qcow2", seedISO: "/tmp/d/seed.iso",
		varsFile: "/tmp/d/OVMF_VARS.fd", codeFile: "/usr/share/OVMF/OVMF_CODE_4M.fd",
	}
}

// after returns the value following flag in args, for each occurrence.
func after(args []string, flag string) []string {
	var v []string
	for i := 0; i+1 < len(args); i++ {
		if args[i] == flag {
			v = append(v, args[i+1])
		}
	}
	return v
}

func TestArgs(t *testing.T) {
	tcg := testMachine(AccelTCG).args()
	kvm := testMachine(AccelKVM).args()
	tests := []struct {
		name       string
		args       []string
		flag, want string
	}{
		{"tcg accel", tcg, "-accel", "tcg,thread=multi"},
		{"tcg cpu", tcg, "-cpu", "max"},
		{"kvm accel", kvm, "-accel", "kvm"},
		{"kvm cpu", kvm, "-cpu", "host"},
		{"cpus", tcg, "-smp", "2"},
		{"memory", tcg, "-m", "2048"},
		{"serial", tcg, "-serial", "stdio"},
		{"monitor", tcg, "-monitor", "none"},
		{"firmware read-only", tcg, "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"},
		{"private variables", tcg, "-drive", "if=pflash,format=raw,unit=1,file=/tmp/d/OVMF_VARS.fd"},
		{"seed read-only", tcg, "-drive", "if=none,id=seed0,format=raw,readonly=on,file=/tmp/d/seed.iso"},
		{"boots the disk", tcg, "-device", "virtio-blk-pci,drive=disk0,bootindex=0"},
		{"ssh only on loopback", tcg, "-netdev", "user,id=net0,hostfwd=tcp:127.0.0.1:40022-:22"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !slices.Contains(after(tc.args, tc.flag), tc.want) {
				t.Errorf("no %s %s in %q", tc.flag, tc.want, tc.args)
			}
		})
	}
	if !slices.Contains(tcg, "-nographic") {
		t.Error("no -nographic")
	}
	for _, args := range [][]string{tcg, kvm} {
		if n := strings.Count(strings.Join(args, " "), "hostfwd="); n != 1 {
			t.Errorf("%d port forwardings, want only SSH's", n)
		}
		if n := len(after(args, "-accel")); n != 1 {
			t.Errorf("%d -accel flags", n)
		}
	}
	// The only writable drives are the overlay and the variables copy.
	for _, d := range after(tcg, "-drive") {
		if !strings.Contains(d, "readonly=on") && !strings.Contains(d, "file=/tmp/d/overlay.qcow2") && !strings.Contains(d, "file=/tmp/d/OVMF_VARS.fd") {
			t.Errorf("writable drive %s", d)
		}
	}
}

func TestKVMFailureDetection(t *testing.T) {
	tests := []struct {
		name, stderr, want string
	}{
		{"nested kvm", "KVM internal error. Suberror: 1\nextra data[0]: 0x000000000000000d\nextra data[1]: 0x0000000000000000\nemulation failure\nRAX=0000000000000000 RBX=0000000000000000\n", "KVM internal error. Suberror: 1"},
		{"vmx entry", "KVM: entry failed, hardware error 0x80000021\n\nIf you're running a guest on an Intel machine without unrestricted mode\n", "KVM: entry failed, hardware error 0x80000021"},
		{"no access", "Could not access KVM kernel module: Permission denied\nqemu-system-x86_64: failed to initialize kvm: Permission denied\n", "qemu-system-x86_64: failed to initialize kvm: Permission denied"},
		{"tcg warning", "qemu-system-x86_64: warning: TCG doesn't support requested feature: CPUID.01H:ECX.vmx [bit 5]\n", ""},
		{"nothing", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := kvmFailure(tc.stderr); got != tc.want {
				t.Errorf("kvmFailure = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestKernelRunning(t *testing.T) {
	firmware := "\x1b[2J\x1b[01;01HBdsDxe: loading Boot0001 \"UEFI Misc Device\" from PciRoot(0x0)/Pci(0x2,0x0)\r\nBdsDxe: starting Boot0001\r\nWelcome to GRUB!\r\n"
	if kernelRunning(firmware) {
		t.Error("firmware and GRUB output taken for a running kernel")
	}
	if !kernelRunning(firmware + "[    0.000000] Linux version 6.1.0-28-cloud-amd64 (debian-kernel@lists.debian.org)\r\n") {
		t.Error("kernel banner not recognised")
	}
}

func TestOverlayNeverWritesTheDisk(t *testing.T) {
	requireTools(t, "qemu-img", "qemu-io")
	dir := t.TempDir()
	base := filepath.Join(dir, "base.raw")
	content := bytes.Repeat([]byte("hardening"), (8<<20)/9+1)[:8<<20]
	if err := os.WriteFile(base, content, 0o644); err != nil {
		t.Fatal(err)
	}
	before := sha256.Sum256(content)
	baseInfo, _ := os.Stat(base)

	overlay := filepath.Join(dir, "overlay.qcow2")
	if err := createOverlay(base, "raw", overlay, "16M"); err != nil {
		t.Fatal(err)
	}
	// Write through the overlay where the disk has data and past its end.
	for _, c := range []string{"write -P 0xab 0 1M", "write -P 0xcd 12M 1M", "read -P 0xab 0 1M", "read -P 0xcd 12M 1M"} {
		if out, err := exec.Command("qemu-io", "-f", "qcow2", "-c", c, overlay).CombinedOutput(); err != nil || bytes.Contains(out, []byte("fail")) {
			t.Fatalf("qemu-io %s: %v\n%s", c, err, out)
		}
	}
	after, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(after) != before {
		t.Error("writing the overlay changed the disk")
	}
	afterInfo, _ := os.Stat(base)
	if afterInfo.Size() != baseInfo.Size() || !afterInfo.ModTime().Equal(baseInfo.ModTime()) {
		t.Errorf("disk size or mtime changed: %d %v -> %d %v", baseInfo.Size(), baseInfo.ModTime(), afterInfo.Size(), afterInfo.ModTime())
	}
	out, err := exec.Command("qemu-img", "info", overlay).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "virtual size: 16 MiB") {
		t.Errorf("overlay not grown to 16 MiB:\n%s", out)
	}

	// Growing may not shrink: a smaller GrowTo is refused.
	err = createOverlay(base, "raw", filepath.Join(dir, "small.qcow2"), "4M")
	if err == nil || !strings.Contains(err.Error(), "grow overlay of") {
		t.Errorf("shrinking overlay: err = %v, want a refusal", err)
	}
}

func TestDiskFormat(t *testing.T) {
	requireTools(t, "qemu-img")
	dir := t.TempDir()
	for _, f := range []string{"raw", "qcow2", "vmdk"} {
		p := filepath.Join(dir, "disk."+f)
		if out, err := exec.Command("qemu-img", "create", "-q", "-f", f, p, "1M").CombinedOutput(); err != nil {
			t.Fatalf("qemu-img create %s: %v\n%s", f, err, out)
		}
		got, err := diskFormat(p)
		switch f {
		case "vmdk":
			if err == nil || !strings.Contains(err.Error(), `format "vmdk": accepted are raw and qcow2`) {
				t.Errorf("vmdk: %q, %v; want a refusal", got, err)
			}
		default:
			if err != nil || got != f {
				t.Errorf("diskFormat(%s) = %q, %v", f, got, err)
			}
		}
	}
}
