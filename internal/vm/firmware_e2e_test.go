package vm

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRealQEMUBootsFirmwareAndCleansUp boots a blank disk in the real QEMU:
// the command line is accepted, OVMF runs and reports on the serial
// console, WaitSSH fails with those lines, and Close leaves no process and
// no directory behind.
func TestRealQEMUBootsFirmwareAndCleansUp(t *testing.T) {
	if os.Getenv("HARDENING_E2E") == "" && os.Getenv("PACKER_ACC") == "" {
		t.Skip("boot test: set HARDENING_E2E=1 (make test does)")
	}
	if err := Requirements(); err != nil {
		t.Fatal(err)
	}
	disk := filepath.Join(t.TempDir(), "blank.qcow2")
	if out, err := exec.Command("qemu-img", "create", "-q", "-f", "qcow2", disk, "64M").CombinedOutput(); err != nil {
		t.Fatalf("qemu-img create: %v\n%s", err, out)
	}
	v, err := Boot(context.Background(), Options{Disk: disk, MemoryMiB: 1024, GrowTo: "128M", Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	pid := v.cmd.Process.Pid
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = v.WaitSSH(ctx)
	if err == nil {
		t.Fatal("a blank disk reached SSH")
	}
	t.Logf("WaitSSH on a blank disk: %v", err)
	// OVMF finds nothing to boot on the blank disk and says so.
	if !strings.Contains(err.Error(), "BdsDxe") {
		t.Errorf("no firmware output in the error:\n%v", err)
	}
	if v.Accel != AccelKVM && v.Accel != AccelTCG {
		t.Errorf("Accel = %q", v.Accel)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		t.Errorf("QEMU pid %d still runs after Close", pid)
	}
	if _, err := os.Stat(v.Dir); err == nil {
		t.Errorf("%s still exists after Close", v.Dir)
	}
}
