package hardening_test

// Booted end-to-end tests: hardening proven at boot. A disk image built by
// the hardening-rootfs builder boots as a real VM (QEMU, internal/vm), and
// real Packer hardens it with the null builder over SSH, as amazon-ebs or
// googlecompute would, rebooting it and auditing it again on the running
// system. Gated by HARDENING_E2E or PACKER_ACC like every e2e test.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/vm"
)

// unhardenedDisk builds testdata/bootdisk.pkr.hcl: the unhardened
// cloud-like disk image the booted tests start from.
func unhardenedDisk(t *testing.T) string {
	t.Helper()
	e2e.Packer(t)
	tpl, err := os.ReadFile(filepath.Join("testdata", "bootdisk.pkr.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	start := time.Now()
	log, err := e2e.Build(t, string(tpl), map[string]string{
		"source_tarball": e2e.CloudlikeTarball(t), "output_directory": out,
		"temp_directory": t.TempDir(), "evidence_dir": t.TempDir(),
	})
	if err != nil {
		t.Fatalf("build the unhardened disk: %v\n%s", err, log)
	}
	t.Logf("unhardened disk built in %s", time.Since(start).Round(time.Second))
	return filepath.Join(out, "disk.qcow2")
}

// bootedSource names the null source of the booted builds, and so their
// evidence directory (evidence_dir/<build name>/, the source's name).
const bootedSource = "vm"

// hardenBooted runs a null build over SSH to v with the given provisioners
// and returns its output.
func hardenBooted(t *testing.T, v *vm.VM, evidenceDir, provisioners string) (string, error) {
	t.Helper()
	tpl := v.NullSource(bootedSource) + fmt.Sprintf(`
build {
  name    = "booted"
  sources = ["source.null.%s"]
%s
}
`, bootedSource, strings.ReplaceAll(provisioners, "EVIDENCE", evidenceDir))
	return e2e.Build(t, tpl, nil)
}

// assertProvenAtBoot checks the evidence of a build with reboot_and_audit:
// a real reboot, and every control that passed or was fixed passes on the
// running system, judged there by its runtime check when it takes effect
// at boot.
func assertProvenAtBoot(t *testing.T, res *evidence.CISResults) {
	t.Helper()
	p := res.BootProof
	if p == nil {
		t.Fatal("no boot proof in the evidence")
	}
	if p.BootID == "" || p.BootID == p.RebootedFrom || p.HardenedBootID != p.RebootedFrom || res.BootID != p.HardenedBootID {
		t.Errorf("boot IDs: hardened in %q, rebooted from %q, audited in %q", p.HardenedBootID, p.RebootedFrom, p.BootID)
	}
	if !p.Passed || len(p.Regressions) != 0 {
		t.Errorf("after-boot regressions: %v", p.Regressions)
	}
	runtime := 0
	for _, c := range res.Controls {
		a := c.AfterBoot
		if a == nil {
			t.Errorf("%s has no after-boot result", c.Rule)
			continue
		}
		if (c.Status == cis.Pass || c.Status == cis.Fixed) && a.Status != cis.Pass {
			t.Errorf("%s %s: %s at build time, %s after the boot: %s", c.CIS, c.Rule, c.Status, a.Status, a.Evidence)
		}
		if a.Status == cis.Pass && strings.Contains(a.Evidence, "running") {
			runtime++
		}
	}
	if runtime < 40 {
		t.Errorf("only %d controls were judged on the running system after the boot", runtime)
	}
	t.Logf("proven at boot: back after %.0f s, after-boot audit %.1f s in the guest, %d controls judged on the running system too, counts %v",
		float64(p.RebootMS)/1000, float64(p.GuestMS)/1000, runtime, p.Counts)
}

// assertRunning checks a few values in effect in the hardened guest, from
// outside the plugin's own checks.
func assertRunning(t *testing.T, v *vm.VM, checks map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for cmd, want := range checks {
		out, errOut, exit, err := v.Run(ctx, cmd)
		if err != nil || exit != 0 || !strings.Contains(out, want) {
			t.Errorf("%s: %q (exit %d, %v, %s), want %q", cmd, out, exit, err, errOut, want)
		}
	}
}

// TestE2EBootProof boots the unhardened disk once and hardens the guest
// over SSH as a cloud build would: to Level 1, then to Level 2, each time
// rebooted and audited on the running system; then a change planted after
// hardening that breaks SSH at boot must fail the proving reboot.
//
// Under emulation (no KVM) it takes 45 minutes or more, so it has its own
// gate: HARDENING_BOOT_E2E=1 (make test-boot) or PACKER_ACC.
func TestE2EBootProof(t *testing.T) {
	if os.Getenv("HARDENING_BOOT_E2E") == "" && os.Getenv("PACKER_ACC") == "" {
		t.Skip("booted end-to-end test: set HARDENING_BOOT_E2E=1 (make test-boot); about 45 minutes of emulated boots")
	}
	disk := unhardenedDisk(t)
	v := vm.BootT(t, vm.Options{Disk: disk, GrowTo: "6G"})
	if !t.Run("level 1", func(t *testing.T) { bootProofLevel1(t, v) }) {
		return
	}
	ev := t.TempDir() // the Level 2 build's, which the planted change's build adds to
	t.Run("level 2", func(t *testing.T) { bootProofLevel2(t, v, ev) })
}

// TestE2EBootProofFailsWhenSSHBreaks: a change made after hardening that
// breaks SSH at boot (sshd cannot bind its address), added by a shell
// provisioner between the hardening and the proving reboot, fails the
// build instead of producing an image nobody can log in to.
func TestE2EBootProofFailsWhenSSHBreaks(t *testing.T) {
	if os.Getenv("HARDENING_BOOT_E2E") == "" && os.Getenv("PACKER_ACC") == "" {
		t.Skip("booted end-to-end test: set HARDENING_BOOT_E2E=1 (make test-boot); about 20 minutes of emulated boots")
	}
	disk := unhardenedDisk(t)
	v := vm.BootT(t, vm.Options{Disk: disk, GrowTo: "6G"})
	ev := t.TempDir()
	log, err := hardenBooted(t, v, ev, `
  provisioner "hardening" {
    profile          = "cis_level1_server"
    evidence_dir     = "EVIDENCE"
    reboot_and_audit = false
  }`)
	if err != nil {
		t.Fatalf("hardening without the reboot: %v\n%s", err, log)
	}
	bootProofPlanted(t, v, ev)
}

func bootProofLevel1(t *testing.T, v *vm.VM) {
	ev := t.TempDir()
	log, err := hardenBooted(t, v, ev, `
  provisioner "hardening" {
    profile        = "cis_level1_server"
    evidence_dir   = "EVIDENCE"
    reboot_timeout = "30m" # emulated, on a busy machine
  }`)
	if err != nil {
		t.Fatalf("hardening with reboot_and_audit: %v\n%s", err, log)
	}
	for _, want := range []string{"Rebooting the guest to audit it on the running system", "Proven at boot"} {
		if !strings.Contains(log, want) {
			t.Errorf("build output lacks %q", want)
		}
	}
	res := readEvidence(t, ev, bootedSource)
	assertHardened(t, res, "debian12")
	if res.Chroot {
		t.Error("a booted guest was taken for a chroot")
	}
	assertProvenAtBoot(t, res)
	// The build user still logs in with its key after the hardened sshd,
	// PAM and firewall are in effect, and the values are in effect.
	assertRunning(t, v, map[string]string{
		"sudo -n true && echo sudo-ok":                     "sudo-ok",
		"cat /proc/sys/net/ipv4/conf/all/send_redirects":   "0",
		"findmnt -kno OPTIONS /tmp":                        "noexec",
		"sudo -n nft list ruleset":                         "policy drop",
		"cat /sys/module/apparmor/parameters/enabled":      "Y",
		"cat /proc/cmdline":                                "security=apparmor",
		"sudo -n systemctl is-system-running || true":      "running",
		"sudo -n test -s /var/lib/aide/aide.db && echo db": "db",
	})
}

func bootProofLevel2(t *testing.T, v *vm.VM, ev string) {
	log, err := hardenBooted(t, v, ev, `
  provisioner "hardening" {
    profile        = "cis_level2_server"
    evidence_dir   = "EVIDENCE"
    reboot_timeout = "30m" # emulated, on a busy machine
  }`)
	if err != nil {
		t.Fatalf("Level 2 hardening with reboot_and_audit: %v\n%s", err, log)
	}
	res := readEvidence(t, ev, bootedSource)
	assertProvenAtBoot(t, res)
	// auditd with immutable rules, AppArmor enforcing: and still reachable.
	assertRunning(t, v, map[string]string{
		"sudo -n auditctl -s": "enabled 2",
		`test "$(sudo -n aa-status --complaining)" = 0 && echo enforcing`: "enforcing",
		"sudo -n true && echo sudo-ok":                                    "sudo-ok",
		"cat /proc/cmdline":                                               "audit=1",
		"sudo -n systemctl is-system-running || true":                     "running",
	})
}

// bootProofPlanted plants the change and runs boot_audit_only on the
// evidence of the Level 1 hardening in ev, as a last provisioner of that
// build would: the proof must fail, and leave that evidence as it was.
func bootProofPlanted(t *testing.T, v *vm.VM, ev string) {
	before := readEvidence(t, ev, bootedSource)
	log, err := hardenBooted(t, v, ev, `
  provisioner "shell" {
    inline = ["printf 'ListenAddress 192.0.2.1\\n' | sudo -n tee /etc/ssh/sshd_config.d/zz-planted.conf >/dev/null"]
  }
  provisioner "hardening" {
    profile         = "cis_level1_server"
    evidence_dir    = "EVIDENCE"
    boot_audit_only = true
    reboot_timeout  = "4m"
  }`)
	if err == nil {
		t.Fatalf("a guest whose sshd cannot start after the reboot passed:\n%s", log)
	}
	if !strings.Contains(log, "did not come back over SSH within reboot_timeout (4m0s)") {
		t.Errorf("the failure does not say the guest did not come back:\n%s", log)
	}
	if strings.Contains(log, "Proven at boot") {
		t.Error("the failed build claims a boot proof")
	}
	if after := readEvidence(t, ev, bootedSource); after.BootProof != nil || !reflect.DeepEqual(after.Summary, before.Summary) {
		t.Errorf("the failed proof changed the evidence: boot proof %+v, summary %+v, was %+v", after.BootProof, after.Summary, before.Summary)
	}
}
