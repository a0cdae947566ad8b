package hardening_test

// End-to-end tests: real Packer, the real plugin, the cloud-like Debian 12
// rootfs (kernel, cloud-init, openssh-server, sudo), hardened in the
// hardening-rootfs builder's chroot and over real SSH (the null builder
// against the rootfs's own sshd on 127.0.0.1). Gated by HARDENING_E2E or
// PACKER_ACC like every e2e test.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
)

// readEvidence reads and checks one build's evidence.
func readEvidence(t *testing.T, dir, build string) *evidence.CISResults {
	t.Helper()
	bdir := evidence.BuildDir(dir, build)
	res, _, err := evidence.ReadCIS(bdir)
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(bdir, res.Script.File))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(script)
	if hex.EncodeToString(sum[:]) != res.Script.SHA256 {
		t.Error("the saved script does not match the digest in the results")
	}
	raw, err := os.ReadFile(filepath.Join(bdir, evidence.CISResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	e2e.ValidateSchema(t, "docs/schemas/cis-results-v1.json", raw)
	if _, err := os.Stat(filepath.Join(bdir, evidence.CISJUnitFile)); err != nil {
		t.Error(err)
	}
	if res.RunUUID == "" || res.BuildName != build {
		t.Errorf("stamp: run uuid %q build %q", res.RunUUID, res.BuildName)
	}
	if res.Execution.RoundTrips != 4 {
		t.Errorf("%d communicator round trips, want 4", res.Execution.RoundTrips)
	}
	return res
}

// assertHardened checks a remediation run: no Level 1 control of the
// profile fails or errors, and the counts add up.
func assertHardened(t *testing.T, res *evidence.CISResults, bench string) {
	t.Helper()
	if res.Benchmark.ID != bench || res.Mode != "remediate" {
		t.Errorf("benchmark %s mode %s", res.Benchmark.ID, res.Mode)
	}
	for _, c := range res.Controls {
		if c.Level == 1 && !c.Included && (c.Status == cis.Fail || c.Status == cis.Error) {
			t.Errorf("level 1 control %s %s is %s after hardening: %s %s", c.CIS, c.Rule, c.Status, c.Action, c.Evidence)
		}
	}
	if !res.Summary.Passed {
		t.Errorf("summary says failing: %v", res.Summary.Failing)
	}
}

// assertIdempotent checks a second run: nothing fixed, nothing failing.
func assertIdempotent(t *testing.T, res *evidence.CISResults) {
	t.Helper()
	for _, c := range res.Controls {
		if c.Status == cis.Fixed || c.Before == cis.Fail {
			t.Errorf("second run: %s %s was %s (before: %s): %s", c.CIS, c.Rule, c.Status, c.Before, c.Action)
		}
	}
}

// chrootRun runs a command inside root (with its pseudo filesystems
// mounted by the caller or not needed).
func chrootRun(t *testing.T, root string, argv ...string) (string, error) {
	t.Helper()
	out, err := exec.Command("chroot", append([]string{root}, argv...)...).CombinedOutput()
	return string(out), err
}

func TestE2ERootfsHardensCloudLikeDebian12(t *testing.T) {
	e2e.Packer(t)
	tarball := e2e.CloudlikeTarball(t)
	out, ev := t.TempDir(), t.TempDir()
	tmp := t.TempDir()
	tpl := fmt.Sprintf(`
source "hardening-rootfs" "cloudlike" {
  source_tarball    = %q
  source_date_epoch = 1735689600
  output_directory  = %q
  temp_directory    = %q
}
build {
  sources = ["source.hardening-rootfs.cloudlike"]
  provisioner "hardening" {
    evidence_dir = "%s/first"
  }
  provisioner "hardening" {
    evidence_dir = "%s/second"
  }
  # Switching an alternative installs one more package, from the lists the
  # first run fetched minutes ago.
  provisioner "hardening" {
    evidence_dir = "%s/third"
    parameters   = { time_sync = "systemd-timesyncd" }
  }
}
`, tarball, out, tmp, ev, ev, ev)
	log, err := e2e.Build(t, tpl, nil)
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, log)
	}
	for _, want := range []string{"cis_level1_server on Debian GNU/Linux 12", "communicator round trips", "score"} {
		if !strings.Contains(log, want) {
			t.Errorf("build output lacks %q", want)
		}
	}
	first := readEvidence(t, filepath.Join(ev, "first"), "cloudlike")
	assertHardened(t, first, "debian12")
	if first.Summary.Counts[cis.Fixed] == 0 {
		t.Error("the first run fixed nothing on an unhardened image")
	}
	if !first.Chroot {
		t.Error("the run in the rootfs builder was not detected as a chroot")
	}
	second := readEvidence(t, filepath.Join(ev, "second"), "cloudlike")
	assertIdempotent(t, second)
	third := readEvidence(t, filepath.Join(ev, "third"), "cloudlike")
	assertHardened(t, third, "debian12")

	// The package step: the rootfs has no package lists, so the first run
	// fetched them, with the downloads, while it audited; the third found
	// them fresh. Each part is timed.
	pk := first.Execution.Packages
	if pk == nil || !slices.Contains(pk.Installed, "aide") || pk.ExitCode != 0 {
		t.Fatalf("first run's package step: %+v", pk)
	}
	if pk.Lists != "updated" || !pk.Prefetched || pk.UpdateMS <= 0 || pk.DownloadMS <= 0 || pk.InstallMS <= 0 {
		t.Errorf("first run's package step: lists %q, prefetched %v, update %d ms, download %d ms, install %d ms; want updated lists fetched during the audit, every part timed",
			pk.Lists, pk.Prefetched, pk.UpdateMS, pk.DownloadMS, pk.InstallMS)
	}
	if second.Execution.Packages != nil {
		t.Errorf("the idempotent run had a package step: %+v", second.Execution.Packages)
	}
	pk = third.Execution.Packages
	if pk == nil || !slices.Contains(pk.Installed, "systemd-timesyncd") || pk.Lists != "fresh" || pk.UpdateMS != 0 {
		t.Errorf("third run's package step: %+v; want systemd-timesyncd installed from the fresh lists", pk)
	}

	// The exported image still has a valid sshd configuration.
	root := e2e.Unpack(t, filepath.Join(out, "rootfs.tar"))
	if out, err := chrootRun(t, root, "sh", "-c", "mkdir -p /run/sshd && ssh-keygen -A >/dev/null && /usr/sbin/sshd -t"); err != nil {
		t.Errorf("sshd -t in the hardened image: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(filepath.Join(root, "etc/fstab")); err != nil || !strings.Contains(string(b), "noexec") {
		t.Errorf("/etc/fstab of the hardened image has no noexec /tmp: %q", b)
	}
	// The package files the runs downloaded are not in the image.
	if debs, _ := filepath.Glob(filepath.Join(root, "var/cache/apt/archives/*.deb")); len(debs) > 0 {
		t.Errorf("the hardened image keeps %d downloaded package files, e.g. %s", len(debs), debs[0])
	}
}

func TestE2ERejectsBadConfiguration(t *testing.T) {
	e2e.Packer(t)
	tpl := `
source "null" "x" {
  communicator = "none"
}
build {
  sources = ["source.null.x"]
  provisioner "hardening" {
    profile    = "cis_level9_server"
    parameters = { pass_max_days = "often" }
    skip {
      rule = "no_such_rule"
    }
  }
}
`
	log, err := e2e.Validate(t, tpl)
	if err == nil {
		t.Fatalf("packer validate accepted a bad configuration:\n%s", log)
	}
	for _, want := range []string{
		`profile: "cis_level9_server" is not a profile`,
		`parameters.pass_max_days: "often" is not an integer`,
		`skip[0].rule: "no_such_rule" is not a rule name`,
		`skip[0].reason: skipping "no_such_rule" needs a reason`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("packer validate output lacks %q:\n%s", want, log)
		}
	}
}

func TestE2ESSHHardensAndKeepsLoginWorking(t *testing.T) {
	e2e.Packer(t)
	root := e2e.Unpack(t, e2e.CloudlikeTarball(t))
	s := e2e.StartSSHD(t, root)
	ev := t.TempDir()
	tpl := s.NullSource("ssh", "admin") + fmt.Sprintf(`
build {
  sources = ["source.null.ssh"]
  provisioner "hardening" {
    evidence_dir = "%[1]s/first"
  }
  provisioner "hardening" {
    evidence_dir = "%[1]s/second"
  }
  provisioner "shell" {
    inline = ["sudo -n true && echo still-connected"]
  }
}
`, ev)
	log, err := e2e.Build(t, tpl, nil)
	if err != nil {
		t.Fatalf("packer build over SSH: %v\n%s", err, log)
	}
	if !strings.Contains(log, "still-connected") {
		t.Error("a provisioner after hardening could not use the build's SSH session")
	}
	first := readEvidence(t, filepath.Join(ev, "first"), "ssh")
	assertHardened(t, first, "debian12")
	assertIdempotent(t, readEvidence(t, filepath.Join(ev, "second"), "ssh"))

	// As after a reboot: sshd reads the hardened configuration, which it
	// accepts, and the build user still logs in with its key.
	if out, err := chrootRun(t, root, "/usr/sbin/sshd", "-t"); err != nil {
		t.Fatalf("sshd -t after hardening: %v\n%s", err, out)
	}
	s.Restart(t)
	if out, err := s.Login("admin", "sudo -n id -u"); err != nil || strings.TrimSpace(out) != "0" {
		t.Errorf("fresh SSH login with the build key after hardening: %v %q", err, out)
	}
}

func TestE2ESSHUsersAndUnsupportedGuests(t *testing.T) {
	e2e.Packer(t)
	root := e2e.Unpack(t, e2e.CloudlikeTarball(t))
	s := e2e.StartSSHD(t, root)
	build := func(user, extra string) (string, error) {
		t.Helper()
		return e2e.Build(t, s.NullSource("ssh", user)+fmt.Sprintf(`
build {
  sources = ["source.null.ssh"]
  provisioner "hardening" {
    evidence_dir = %q
    %s
  }
}
`, t.TempDir(), extra), nil)
	}
	untouched := func(when string) {
		t.Helper()
		for _, f := range []string{"etc/ssh/sshd_config.d/10-hardening.conf", "etc/sysctl.d/99-zz-hardening.conf", "etc/modprobe.d/hardening-cramfs.conf"} {
			if _, err := os.Stat(filepath.Join(root, f)); err == nil {
				t.Errorf("%s: the guest was changed (%s exists)", when, f)
			}
		}
	}

	t.Run("user without sudo", func(t *testing.T) {
		log, err := build("nosudo", "")
		if err == nil || !strings.Contains(log, "cannot run the hardening script as root") {
			t.Errorf("want a clear sudo error, got %v:\n%s", err, log)
		}
		untouched("user without sudo")
	})
	t.Run("password sudo", func(t *testing.T) {
		pw := s.Users["pwsudo"].Password
		log, err := build("pwsudo", fmt.Sprintf("audit_only = true\n    fail_on = \"none\"\n    sudo_password = %q", pw))
		if err != nil {
			t.Fatalf("audit with password sudo: %v\n%s", err, log)
		}
		if strings.Contains(log, pw) {
			t.Error("the sudo password appears in the build output")
		}
		untouched("audit only")
	})
	t.Run("unsupported distribution", func(t *testing.T) {
		osr := filepath.Join(root, "etc/os-release")
		if err := os.Remove(osr); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(osr, []byte("PRETTY_NAME=\"Fedora Linux 41\"\nID=fedora\nVERSION_ID=41\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Symlink("../usr/lib/os-release", osr)
		defer os.Remove(osr)
		log, err := build("admin", "")
		if err == nil {
			t.Fatalf("hardening accepted Fedora:\n%s", log)
		}
		for _, want := range []string{"unsupported distribution Fedora Linux 41", "Debian 12 (bookworm), Ubuntu 22.04 LTS, Ubuntu 24.04 LTS"} {
			if !strings.Contains(log, want) {
				t.Errorf("build output lacks %q:\n%s", want, log)
			}
		}
		untouched("unsupported distribution")
	})
}
