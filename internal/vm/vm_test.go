package vm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeQEMU makes Boot run testdata/fake-qemu.sh with /dev/kvm reported as
// usable, and fails the test at cleanup if any run of it is still alive.
func fakeQEMU(t *testing.T) (disk string) {
	t.Helper()
	requireTools(t, "qemu-img", "genisoimage")
	fake, err := filepath.Abs("testdata/fake-qemu.sh")
	if err != nil {
		t.Fatal(err)
	}
	oldProg, oldKVM := qemuProgram, kvmUsable
	qemuProgram, kvmUsable = fake, func() (bool, string) { return true, "" }
	pids := filepath.Join(t.TempDir(), "pids")
	t.Setenv("FAKE_QEMU_PIDS", pids)
	t.Setenv(AccelEnv, "")
	t.Cleanup(func() {
		qemuProgram, kvmUsable = oldProg, oldKVM
		b, _ := os.ReadFile(pids)
		for _, f := range strings.Fields(string(b)) {
			pid, _ := strconv.Atoi(f)
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("fake QEMU pid %d still runs", pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		if len(b) == 0 {
			t.Error("fake QEMU never ran")
		}
	})
	disk = filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(disk, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	return disk
}

// logLines collects Logf output.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

func TestBootFallsBackToTCGWhenKVMFails(t *testing.T) {
	disk := fakeQEMU(t)
	var log logLines
	v, err := Boot(context.Background(), Options{Disk: disk, KVMProbe: 20 * time.Second, Logf: log.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.Accel != AccelTCG {
		t.Errorf("Accel = %q, want tcg", v.Accel)
	}
	for _, want := range []string{"KVM does not run this guest (qemu: KVM internal error. Suberror: 1): restarting under TCG", "under TCG, ssh on 127.0.0.1:"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log does not say %q:\n%s", want, log.String())
		}
	}
	if exited, why := v.exited(); exited {
		t.Errorf("TCG VM not running: %s", why)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(v.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("VM directory left after Close: %v", err)
	}
}

func TestBootKeepsWorkingKVM(t *testing.T) {
	disk := fakeQEMU(t)
	t.Setenv("FAKE_QEMU_KVM_OK", "1")
	var log logLines
	v, err := Boot(context.Background(), Options{Disk: disk, Logf: log.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.Accel != AccelKVM || !strings.Contains(log.String(), "guest runs under KVM") {
		t.Errorf("Accel = %q, log:\n%s", v.Accel, log.String())
	}
}

func TestBootForcedKVMFailsClearly(t *testing.T) {
	disk := fakeQEMU(t)
	t.Setenv(AccelEnv, "kvm")
	v, err := Boot(context.Background(), Options{Disk: disk})
	if err == nil {
		v.Close()
		t.Fatal("forced KVM that fails: no error")
	}
	if !strings.Contains(err.Error(), "KVM internal error") {
		t.Errorf("error %q does not say why", err)
	}
}

func TestBootForcedTCGSkipsKVM(t *testing.T) {
	disk := fakeQEMU(t)
	var log logLines
	v, err := Boot(context.Background(), Options{Disk: disk, Accel: "tcg", Logf: log.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if v.Accel != AccelTCG || strings.Count(log.String(), "QEMU pid") != 1 {
		t.Errorf("Accel = %q, log:\n%s", v.Accel, log.String())
	}
}

func TestBootReportsQEMUExitingAtStart(t *testing.T) {
	disk := fakeQEMU(t)
	t.Setenv("FAKE_QEMU_EXIT", "1")
	v, err := Boot(context.Background(), Options{Disk: disk, Accel: "tcg"})
	if err == nil {
		v.Close()
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "exited at start") || !strings.Contains(err.Error(), "Could not open 'overlay.qcow2'") {
		t.Errorf("error %q does not carry QEMU's message", err)
	}
}

func TestWaitSSHTimeoutShowsSerialTail(t *testing.T) {
	disk := fakeQEMU(t)
	v, err := Boot(context.Background(), Options{Disk: disk, Accel: "tcg"})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err = v.WaitSSH(ctx)
	if err == nil {
		t.Fatal("WaitSSH without an SSH server: no error")
	}
	for _, want := range []string{"VM did not reach SSH in 3s", "last serial lines:\nBdsDxe: starting Boot0001\n[    0.000000] Linux version 6.1.0-28-cloud-amd64"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q:\n%s", want, err)
		}
	}
}
