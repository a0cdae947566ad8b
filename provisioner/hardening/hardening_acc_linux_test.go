package hardening_test

// Acceptance tests for the Ubuntu benchmarks: they bootstrap Ubuntu 22.04
// and 24.04 from the Ubuntu archive, which needs network access to it and
// its archive keyring, so they run only with PACKER_ACC=1 (make testacc).
// The Debian 12 benchmark is covered by the e2e tests in make test.

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
)

func TestAccUbuntuHardensAndIsIdempotent(t *testing.T) {
	if os.Getenv("PACKER_ACC") == "" {
		t.Skip("acceptance test: set PACKER_ACC=1 (make testacc); needs the Ubuntu archive")
	}
	e2e.Packer(t)
	keyring := os.Getenv("HARDENING_UBUNTU_KEYRING")
	if keyring == "" {
		keyring = "/usr/share/keyrings/ubuntu-archive-keyring.gpg"
	}
	if _, err := os.Stat(keyring); err != nil {
		t.Fatalf("Ubuntu archive keyring %s: %v (install ubuntu-keyring or set HARDENING_UBUNTU_KEYRING)", keyring, err)
	}
	mirror := os.Getenv("HARDENING_UBUNTU_MIRROR")
	if mirror == "" {
		mirror = "http://archive.ubuntu.com/ubuntu"
	}
	for _, tc := range []struct{ suite, bench string }{{"jammy", "ubuntu2204"}, {"noble", "ubuntu2404"}} {
		t.Run(tc.suite, func(t *testing.T) {
			ev := t.TempDir()
			tpl := fmt.Sprintf(`
source "hardening-rootfs" "u" {
  bootstrap {
    suite      = %q
    mirror     = %q
    keyrings   = [%q]
    components = ["main", "universe"]
    packages   = ["systemd-sysv", "openssh-server", "sudo", "cloud-init"]
  }
  output_directory = %q
  temp_directory   = %q
}
build {
  sources = ["source.hardening-rootfs.u"]
  provisioner "hardening" {
    evidence_dir = "%s/first"
  }
  provisioner "hardening" {
    evidence_dir = "%s/second"
  }
}
`, tc.suite, mirror, keyring, t.TempDir(), t.TempDir(), ev, ev)
			log, err := e2e.Build(t, tpl, nil)
			if err != nil {
				t.Fatalf("packer build: %v\n%s", err, log)
			}
			first := readEvidence(t, filepath.Join(ev, "first"), "u")
			assertHardened(t, first, tc.bench)
			assertIdempotent(t, readEvidence(t, filepath.Join(ev, "second"), "u"))
		})
	}
}
