package vm

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
)

// bootDisk is the disk the boot tests boot: HARDENING_VM_DISK, a disk built
// earlier (example/output/disk.qcow2 after make demo). make test boots the
// demo's disk in builder/rootfs's TestE2EDemoDiskImage already, so without
// it these tests skip rather than build and boot a second disk.
func bootDisk(t *testing.T) string {
	t.Helper()
	d := os.Getenv("HARDENING_VM_DISK")
	if d == "" {
		t.Skip("set HARDENING_VM_DISK to a built disk (make demo writes example/output/disk.qcow2); make test boots the demo disk in builder/rootfs")
	}
	return d
}

// failedUnitsExplained are units that may fail in a booted test VM, with
// the reason; any other failed unit fails the test.
var failedUnitsExplained = map[string]string{}

// run runs cmd in v and fails the test unless it exits 0.
func run(t *testing.T, v *VM, cmd string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, errOut, exit, err := v.Run(ctx, cmd)
	if err != nil || exit != 0 {
		t.Fatalf("%s: exit %d, %v\nstdout: %s\nstderr: %s", cmd, exit, err, out, errOut)
	}
	return out
}

// TestBootedImage boots a built disk the way a cloud would and checks what a
// user of the image relies on: key login as the user cloud-init created,
// passwordless sudo, no password logins, cloud-init finished, no failed
// units, the root file system grown to the disk, Packer's null builder
// over SSH (the stand-in for amazon-ebs and googlecompute), and a reboot.
func TestBootedImage(t *testing.T) {
	disk := bootDisk(t)
	v := BootT(t, Options{Disk: disk, GrowTo: "6G"})
	if v.Accel != AccelKVM && v.Accel != AccelTCG {
		t.Errorf("accelerator %q not reported", v.Accel)
	}

	t.Run("key login as the seed user", func(t *testing.T) {
		if got := strings.TrimSpace(run(t, v, "id -un")); got != DefaultUser {
			t.Errorf("logged in as %q, want %q", got, DefaultUser)
		}
	})
	t.Run("passwordless sudo", func(t *testing.T) {
		if got := strings.TrimSpace(run(t, v, "sudo -n id -u")); got != "0" {
			t.Errorf("sudo -n id -u = %q", got)
		}
	})
	t.Run("keys only", func(t *testing.T) {
		if f := strings.Fields(run(t, v, "sudo -n passwd -S "+DefaultUser)); len(f) < 2 || f[1] != "L" {
			t.Errorf("password of %s not locked: %q", DefaultUser, f)
		}
		if got := run(t, v, "sudo -n sshd -T"); !strings.Contains(got, "\npasswordauthentication no\n") {
			t.Errorf("sshd allows password logins:\n%s", lastLines(got, 200))
		}
	})
	t.Run("cloud-init done", func(t *testing.T) {
		if status := run(t, v, "cloud-init status --wait --long"); !strings.Contains(status, "status: done") {
			t.Errorf("cloud-init did not finish:\n%s", status)
		}
	})
	t.Run("no failed units", func(t *testing.T) {
		// As root: systemctl reaches PID 1 without D-Bus, which minimal images lack.
		failed := run(t, v, "sudo -n systemctl --failed --no-legend --plain --full")
		for _, l := range strings.Split(strings.TrimSpace(failed), "\n") {
			f := strings.Fields(l)
			if len(f) == 0 {
				continue
			}
			if why, ok := failedUnitsExplained[f[0]]; ok {
				t.Logf("failed unit %s: expected: %s", f[0], why)
				continue
			}
			journal, _, _, _ := v.Run(context.Background(), "sudo -n journalctl -b --no-pager -n 30 -u "+f[0])
			t.Errorf("failed unit %s:\n%s", f[0], lastLines(journal, 30))
		}
	})
	t.Run("root grown to the disk", func(t *testing.T) {
		out := strings.TrimSpace(run(t, v, "df -B1M --output=size / | tail -n 1"))
		mib, err := strconv.Atoi(out)
		if err != nil || mib < 5*1024 {
			t.Errorf("root file system is %q MiB on a 6 GiB disk: not grown", out)
		}
	})
	t.Run("packer null builder over ssh", func(t *testing.T) {
		template := v.NullSource("vm") + `
build {
  sources = ["source.null.vm"]
  provisioner "shell" {
    inline = ["sudo -n touch /var/tmp/packer-was-here", "echo user=$(id -un)"]
  }
}
`
		out, err := e2e.Build(t, template, nil)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if !strings.Contains(out, "user="+DefaultUser) {
			t.Errorf("packer output does not show the provisioner ran as %s:\n%s", DefaultUser, out)
		}
		run(t, v, "test -e /var/tmp/packer-was-here")
	})
	t.Run("reboot", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), TestSSHTimeout)
		defer cancel()
		start := time.Now()
		before, after, err := v.Reboot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if before == after {
			t.Errorf("boot id unchanged: %s", before)
		}
		t.Logf("rebooted in %s (boot id %s -> %s)", time.Since(start).Round(time.Second), before, after)
		run(t, v, "test -e /var/tmp/packer-was-here")
	})
}
