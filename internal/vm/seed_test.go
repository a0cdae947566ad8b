package vm

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestSeedKeyAndUserData(t *testing.T) {
	dir := t.TempDir()
	s, err := newSeed(dir, "tester", "hardening-vm")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600 (ssh refuses others)", fi.Mode().Perm())
	}
	pem, err := os.ReadFile(s.keyFile)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		t.Fatalf("key file is not an OpenSSH private key: %v", err)
	}
	if signer.PublicKey().Type() != ssh.KeyAlgoED25519 {
		t.Errorf("key type %s, want ed25519", signer.PublicKey().Type())
	}
	pub := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	want := `#cloud-config
users:
  - name: "tester"
    shell: /bin/bash
    lock_passwd: true
    sudo: "ALL=(ALL) NOPASSWD:ALL"
    ssh_authorized_keys:
      - "` + pub + ` hardening-vm"
ssh_pwauth: false
disable_root: true
`
	if string(s.userData) != want {
		t.Errorf("user-data:\n%s\nwant:\n%s", s.userData, want)
	}
	if !strings.HasPrefix(string(s.metaData), "instance-id: hardening-") || !strings.Contains(string(s.metaData), "\nlocal-hostname: hardening-vm\n") {
		t.Errorf("meta-data:\n%s", s.metaData)
	}
	other, err := newSeed(t.TempDir(), "tester", "hardening-vm")
	if err != nil {
		t.Fatal(err)
	}
	if other.authLine == s.authLine || other.instanceID == s.instanceID {
		t.Error("two seeds share a key or an instance-id")
	}
}

func TestSeedISOIsNoCloud(t *testing.T) {
	requireTools(t, "genisoimage", "isoinfo")
	dir := t.TempDir()
	s, err := newSeed(dir, "alice", "web-1")
	if err != nil {
		t.Fatal(err)
	}
	iso := filepath.Join(dir, "seed.iso")
	if err := s.writeISO(dir, iso); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(iso)
	if err != nil {
		t.Fatal(err)
	}
	// cloud-init finds the seed by this volume label (primary volume
	// descriptor at 32 KiB, identifier at offset 40).
	if label := strings.TrimSpace(string(b[32768+40 : 32768+72])); label != "cidata" {
		t.Errorf("volume id %q, want cidata", label)
	}
	for name, want := range map[string][]byte{"/user-data": s.userData, "/meta-data": s.metaData} {
		got, err := exec.Command("isoinfo", "-R", "-i", iso, "-x", name).Output()
		if err != nil {
			t.Fatalf("isoinfo -x %s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s in the ISO:\n%s\nwant:\n%s", name, got, want)
		}
	}
}

// requireTools fails the test when a program from scripts/tools.sh's list
// is missing.
func requireTools(t *testing.T, progs ...string) {
	t.Helper()
	for _, p := range progs {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("%s not found: run scripts/tools.sh (apt-get install qemu-system-x86 qemu-utils ovmf genisoimage)", p)
		}
	}
}
