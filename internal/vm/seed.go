package vm

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/ssh"
)

// seed is what the harness gives the guest: a key pair for the login user
// and the NoCloud files.
type seed struct {
	keyFile    string // private key on the host, OpenSSH format, mode 0600
	signer     ssh.Signer
	authLine   string // authorized_keys line of the public key
	metaData   []byte
	userData   []byte
	instanceID string // instance-id
}

// newSeed generates a fresh ed25519 key in dir and the cloud-init files for
// user and hostname.
func newSeed(dir, user, hostname string) (*seed, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate ssh key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "hardening-vm")
	if err != nil {
		return nil, fmt.Errorf("encode ssh key: %w", err)
	}
	s := &seed{keyFile: filepath.Join(dir, "id_ed25519")}
	if err := os.WriteFile(s.keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("write ssh key: %w", err)
	}
	if s.signer, err = ssh.NewSignerFromKey(priv); err != nil {
		return nil, fmt.Errorf("ssh signer: %w", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("ssh public key: %w", err)
	}
	s.authLine = strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))) + " hardening-vm"
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("instance id: %w", err)
	}
	s.instanceID = "hardening-" + hex.EncodeToString(id)
	s.metaData = []byte(fmt.Sprintf("instance-id: %s\nlocal-hostname: %s\n", s.instanceID, hostname))
	s.userData = userData(user, s.authLine)
	return s, nil
}

// userData is the #cloud-config that creates user with only key logins and
// passwordless sudo (the rule cloud images give their default user), and
// no distribution default user. Strings are JSON-quoted, which is valid
// YAML whatever they contain.
func userData(user, authLine string) []byte {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	return []byte(`#cloud-config
users:
  - name: ` + q(user) + `
    shell: /bin/bash
    lock_passwd: true
    sudo: ` + q("ALL=(ALL) NOPASSWD:ALL") + `
    ssh_authorized_keys:
      - ` + q(authLine) + `
ssh_pwauth: false
disable_root: true
`)
}

// writeISO writes the NoCloud seed as a cidata ISO 9660 image at path.
func (s *seed) writeISO(dir, path string) error {
	src := filepath.Join(dir, "cidata")
	if err := os.Mkdir(src, 0o700); err != nil {
		return fmt.Errorf("seed directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(src, "meta-data"), s.metaData, 0o600); err != nil {
		return fmt.Errorf("write meta-data: %w", err)
	}
	if err := os.WriteFile(filepath.Join(src, "user-data"), s.userData, 0o600); err != nil {
		return fmt.Errorf("write user-data: %w", err)
	}
	out, err := exec.Command("genisoimage", "-quiet", "-output", path, "-volid", "cidata", "-joliet", "-rock",
		filepath.Join(src, "user-data"), filepath.Join(src, "meta-data")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("genisoimage cidata seed: %w: %s", err, bounded(out, 2048))
	}
	return nil
}
