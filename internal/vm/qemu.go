package vm

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// machine is what one QEMU run needs on its command line.
type machine struct {
	accel     string // kvm or tcg
	memoryMiB int
	overlay   string // qcow2 overlay of the disk
	seedISO   string
	varsFile  string // private copy of OVMF_VARS
	codeFile  string // OVMF_CODE, read-only
	sshPort   int    // host port forwarded to the guest's 22
}

// args is QEMU's command line (without the program name). The serial
// console goes to stdout, QEMU's own messages to stderr; there is no
// monitor and no display.
func (m machine) args() []string {
	a := []string{
		"-nographic", "-monitor", "none", "-serial", "stdio",
		"-no-user-config", "-nodefaults",
		"-machine", "q35",
		"-smp", "2",
		"-m", strconv.Itoa(m.memoryMiB),
	}
	if m.accel == AccelKVM {
		a = append(a, "-accel", "kvm", "-cpu", "host")
	} else {
		a = append(a, "-accel", "tcg,thread=multi", "-cpu", "max")
	}
	return append(a,
		"-drive", "if=pflash,format=raw,unit=0,readonly=on,file="+m.codeFile,
		"-drive", "if=pflash,format=raw,unit=1,file="+m.varsFile,
		"-drive", "if=none,id=disk0,format=qcow2,discard=unmap,file="+m.overlay,
		"-device", "virtio-blk-pci,drive=disk0,bootindex=0",
		"-drive", "if=none,id=seed0,format=raw,readonly=on,file="+m.seedISO,
		"-device", "virtio-blk-pci,drive=seed0",
		// Only SSH, only on the loopback address.
		"-netdev", fmt.Sprintf("user,id=net0,hostfwd=tcp:127.0.0.1:%d-:22", m.sshPort),
		"-device", "virtio-net-pci,netdev=net0,romfile=",
		// Entropy for the guest's first boot (sshd host keys).
		"-device", "virtio-rng-pci",
	)
}

// diskFormat asks qemu-img for the format of disk; only raw and qcow2 are
// accepted.
func diskFormat(disk string) (string, error) {
	out, err := exec.Command("qemu-img", "info", "--output=json", disk).Output()
	if err != nil {
		return "", fmt.Errorf("qemu-img info %s: %w%s", disk, err, stderrOf(err))
	}
	var info struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("qemu-img info %s: %w", disk, err)
	}
	if info.Format != "raw" && info.Format != "qcow2" {
		return "", fmt.Errorf("disk %s: format %q: accepted are raw and qcow2", disk, info.Format)
	}
	return info.Format, nil
}

// createOverlay creates a qcow2 overlay at path on top of disk (read only
// through it) and, when growTo is set, resizes the overlay; qemu-img
// refuses to shrink it.
func createOverlay(disk, format, path, growTo string) error {
	abs, err := filepath.Abs(disk)
	if err != nil {
		return fmt.Errorf("overlay of %s: %w", disk, err)
	}
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", "-b", abs, "-F", format, path).CombinedOutput(); err != nil {
		return fmt.Errorf("qemu-img create overlay of %s: %w: %s", disk, err, bounded(out, 2048))
	}
	if growTo == "" {
		return nil
	}
	if out, err := exec.Command("qemu-img", "resize", "-q", "-f", "qcow2", path, growTo).CombinedOutput(); err != nil {
		return fmt.Errorf("grow overlay of %s to %s: %w: %s", disk, growTo, err, bounded(out, 2048))
	}
	return nil
}

// qemuProgram is the emulator Boot runs; tests replace it.
var qemuProgram = "qemu-system-x86_64"

// kvmUsable says whether /dev/kvm can be opened for use, and why not.
var kvmUsable = func() (bool, string) {
	f, err := os.OpenFile("/dev/kvm", os.O_RDWR, 0)
	if err != nil {
		return false, err.Error()
	}
	f.Close()
	return true, ""
}

// kvmErrorMarkers are what QEMU prints when KVM cannot run the guest; it
// then stops the guest but keeps running. Nested KVM on some hosts fails
// like this at the guest kernel's first instructions.
var kvmErrorMarkers = []string{
	"KVM internal error",
	"KVM: entry failed",
	"kvm run failed",
	"failed to initialize kvm",
	"failed to initialize KVM",
}

// kvmFailure returns the line of QEMU's stderr that says KVM failed, or "".
func kvmFailure(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		for _, m := range kvmErrorMarkers {
			if strings.Contains(l, m) {
				return lastLines(l, 1)
			}
		}
	}
	return ""
}

// kernelRunning says whether the serial console shows a running Linux
// kernel: its banner, or systemd or a login prompt after it (GRUB also
// says "Welcome to").
func kernelRunning(serial string) bool {
	for _, m := range []string{"Linux version ", "systemd[1]:", " login: "} {
		if strings.Contains(serial, m) {
			return true
		}
	}
	return false
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return ": " + bounded(ee.Stderr, 2048)
	}
	return ""
}
