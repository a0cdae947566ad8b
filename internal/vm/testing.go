package vm

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestSSHTimeout bounds BootT's wait for SSH: a TCG boot takes about a
// minute on an idle machine, several on a busy one.
const TestSSHTimeout = 10 * time.Minute

// BootT boots opts for a test and returns the VM once the user can log in.
// It skips the test unless HARDENING_E2E or PACKER_ACC is set, fails it
// when QEMU, qemu-img, genisoimage or OVMF is missing, logs the
// accelerator and the time to SSH, and closes the VM at cleanup, logging
// the serial console's tail when the test failed.
func BootT(t testing.TB, opts Options) *VM {
	t.Helper()
	if os.Getenv("HARDENING_E2E") == "" && os.Getenv("PACKER_ACC") == "" {
		t.Skip("boot test: set HARDENING_E2E=1 (make test does)")
	}
	if err := Requirements(); err != nil {
		t.Fatal(err)
	}
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	ctx, cancel := context.WithTimeout(context.Background(), TestSSHTimeout)
	defer cancel()
	v, err := Boot(ctx, opts)
	if err != nil {
		t.Fatalf("boot %s: %v", opts.Disk, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("serial console of the VM (last 60 lines):\n%s", v.SerialTail(60))
		}
		if err := v.Close(); err != nil {
			t.Errorf("close VM: %v", err)
		}
	})
	took, err := v.WaitSSH(ctx)
	if err != nil {
		t.Fatalf("boot %s under %s: %v", opts.Disk, v.Accel, err)
	}
	t.Logf("vm: %s reached SSH under %s in %s", opts.Disk, v.Accel, took.Round(100*time.Millisecond))
	return v
}
