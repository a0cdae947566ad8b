package finalize_test

// End-to-end tests: real Packer, the real plugin and the cloud-like Debian
// 12 rootfs (kernel, cloud-init, openssh-server, sudo), finalized in the
// hardening-rootfs builder's chroot and over real SSH (the null builder
// against the rootfs's own sshd on 127.0.0.1). Gated by HARDENING_E2E or
// PACKER_ACC like every e2e test.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/evidence"
	"github.com/imagesmith/packer-plugin-hardening/internal/manifest"
	"github.com/imagesmith/packer-plugin-hardening/internal/sbom/sbomtest"
)

// readFinalize reads one build's evidence, checks the stamp and validates
// both SBOMs against the official schemas.
func readFinalize(t *testing.T, dir, build string) (*evidence.FinalizeResults, string) {
	t.Helper()
	bdir := evidence.BuildDir(dir, build)
	res, _, err := evidence.ReadFinalize(bdir)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(bdir, evidence.FinalizeResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	e2e.ValidateSchema(t, "docs/schemas/finalize-results-v1.json", raw)
	if res.RunUUID == "" || res.BuildName != build {
		t.Errorf("stamp: run uuid %q build %q", res.RunUUID, res.BuildName)
	}
	if res.Execution.RoundTrips != 4 {
		t.Errorf("%d communicator round trips, want 4", res.Execution.RoundTrips)
	}
	cdx, err := os.ReadFile(filepath.Join(bdir, res.SBOM.CycloneDX.File))
	if err != nil {
		t.Fatal(err)
	}
	sbomtest.ValidateCycloneDX(t, cdx)
	spdx, err := os.ReadFile(filepath.Join(bdir, res.SBOM.SPDX.File))
	if err != nil {
		t.Fatal(err)
	}
	sbomtest.ValidateSPDX(t, spdx)
	return res, bdir
}

// dpkgPackages is what dpkg-query -W says is in root: "name:arch" to
// "version source source-version", for packages with files on disk.
func dpkgPackages(t *testing.T, root string) map[string]string {
	t.Helper()
	out, err := exec.Command("chroot", root, "dpkg-query", "-W", "-f",
		`${Package}:${Architecture}\t${Version} ${source:Package} ${source:Version}\t${db:Status-Status}\n`).Output()
	if err != nil {
		t.Fatalf("dpkg-query in %s: %v", root, err)
	}
	pkgs := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(l, "\t")
		if len(f) != 3 {
			t.Fatalf("dpkg-query line %q", l)
		}
		if f[2] == "config-files" || f[2] == "not-installed" {
			t.Logf("dpkg-query lists %s (%s): not installed, so not in the SBOM", f[0], f[2])
			continue
		}
		pkgs[f[0]] = f[1]
	}
	return pkgs
}

// sbomPackages reads the CycloneDX SBOM the same way: one entry per package
// component, from its name, version and purl qualifiers; it fails on
// duplicates and checks there is exactly one operating-system component.
func sbomPackages(t *testing.T, cdx []byte) map[string]string {
	t.Helper()
	var doc struct {
		Components []struct {
			Type, Name, Version, Purl string
		}
	}
	if err := json.Unmarshal(cdx, &doc); err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]string{}
	osCount := 0
	for _, c := range doc.Components {
		if c.Type == "operating-system" {
			osCount++
			if c.Name != "debian" || c.Version != "12" {
				t.Errorf("operating-system component %s %s, want debian 12", c.Name, c.Version)
			}
			continue
		}
		head, query, _ := strings.Cut(c.Purl, "?")
		q, err := url.ParseQuery(query)
		name, _, _ := strings.Cut(strings.TrimPrefix(head, "pkg:deb/debian/"), "@")
		name, _ = url.PathUnescape(name)
		if err != nil || !strings.HasPrefix(head, "pkg:deb/debian/") || name != c.Name || q.Get("distro") != "debian-12" {
			t.Errorf("purl %q of %s", c.Purl, c.Name)
		}
		src, srcVersion, found := strings.Cut(q.Get("upstream"), "@")
		if !found {
			srcVersion = c.Version
		}
		key := c.Name + ":" + q.Get("arch")
		if _, dup := pkgs[key]; dup {
			t.Errorf("%s is in the SBOM twice", key)
		}
		pkgs[key] = c.Version + " " + src + " " + srcVersion
	}
	if osCount != 1 {
		t.Errorf("%d operating-system components, want exactly one", osCount)
	}
	return pkgs
}

func assertSameSet(t *testing.T, got, want map[string]string) {
	t.Helper()
	var diffs []string
	for k, v := range want {
		if got[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s: SBOM %q, dpkg %q", k, got[k], v))
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: in the SBOM (%q) but not in dpkg", k, v))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("SBOM and dpkg-query -W differ in %d packages:\n%s", len(diffs), strings.Join(diffs, "\n"))
	}
	if len(want) < 100 {
		t.Errorf("only %d packages: not the cloud-like rootfs?", len(want))
	}
}

func TestE2ERootfsFinalize(t *testing.T) {
	e2e.Packer(t)
	tarball := e2e.CloudlikeTarball(t)
	out, ev, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	// a and b build the same rootfs; c changes one byte of one file first.
	tpl := fmt.Sprintf(`
source "hardening-rootfs" "cloudlike" {
  source_tarball    = %[1]q
  source_date_epoch = 1735689600
  temp_directory    = %[2]q
}
build {
  source "source.hardening-rootfs.cloudlike" {
    name             = "a"
    output_directory = "%[3]s/a"
  }
  source "source.hardening-rootfs.cloudlike" {
    name             = "b"
    output_directory = "%[3]s/b"
  }
  source "source.hardening-rootfs.cloudlike" {
    name             = "c"
    output_directory = "%[3]s/c"
  }
  # What package tools and provisioners leave behind.
  provisioner "shell" {
    inline = [
      "cp -p /etc/shadow /etc/shadow-",
      "cp -p /var/lib/dpkg/status /var/lib/dpkg/status-old",
      "echo build > /var/tmp/leftover",
      "mkdir -p /tmp/junk && echo x > /tmp/junk/file",
    ]
  }
  provisioner "shell" {
    only   = ["hardening-rootfs.c"]
    inline = ["sed -i '1s/^./X/' /etc/debian_version"]
  }
  provisioner "hardening-finalize" {
    evidence_dir = "%[4]s/${source.name}"
  }
}
`, tarball, tmp, out, ev)
	log, err := e2e.Build(t, tpl, nil)
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, log)
	}
	for _, want := range []string{"SBOM: ", "dpkg packages on Debian GNU/Linux 12", "Filesystem manifest: ", "Leftover-secret scan: nothing found",
		"Normalised build-time noise (apt lists and caches, logs, machine-id, temporary files): 0 entries changed"} {
		if !strings.Contains(log, want) {
			t.Errorf("build output lacks %q", want)
		}
	}
	// One source built under three names: each build's evidence goes to
	// its own directory through ${source.name}.
	a, adir := readFinalize(t, filepath.Join(ev, "a"), "cloudlike")
	b, _ := readFinalize(t, filepath.Join(ev, "b"), "cloudlike")
	c, cdir := readFinalize(t, filepath.Join(ev, "c"), "cloudlike")
	if a.Manifest.Digest != b.Manifest.Digest {
		t.Errorf("two builds of the same rootfs: manifest digests %s and %s", a.Manifest.Digest, b.Manifest.Digest)
	}
	if a.Manifest.Digest == c.Manifest.Digest {
		t.Error("changing one byte of /etc/debian_version did not change the manifest digest")
	}
	// Exactly one manifest line differs, the changed file's.
	am, _ := os.ReadFile(filepath.Join(adir, evidence.ManifestFile))
	cm, _ := os.ReadFile(filepath.Join(cdir, evidence.ManifestFile))
	al, cl := strings.Split(string(am), "\n"), strings.Split(string(cm), "\n")
	if len(al) != len(cl) {
		t.Fatalf("manifests have %d and %d lines", len(al), len(cl))
	}
	var changed []string
	for i := range al {
		if al[i] != cl[i] {
			changed = append(changed, cl[i])
		}
	}
	if len(changed) != 1 || !strings.HasSuffix(changed[0], " /etc/debian_version") {
		t.Errorf("changed manifest lines: %q", changed)
	}
	if _, err := manifest.Decode(bytes.NewReader(am)); err != nil {
		t.Errorf("the manifest is not canonical: %v", err)
	}
	steps := map[string]string{}
	for _, s := range a.Cleanup {
		steps[s.Step] = s.Status
	}
	if steps["build_key"] != "not-applicable" || steps["host_keys"] != "done" || steps["cloud_init"] != "done" || steps["machine_id"] == "" {
		t.Errorf("cleanup in a chroot: %+v", a.Cleanup)
	}

	// The SBOM lists exactly what dpkg knows in the exported image, and the
	// manifest lists every file of it.
	root := e2e.Unpack(t, filepath.Join(out, "a", "rootfs.tar"))
	cdx, _ := os.ReadFile(filepath.Join(adir, a.SBOM.CycloneDX.File))
	dpkg := dpkgPackages(t, root)
	assertSameSet(t, sbomPackages(t, cdx), dpkg)
	if a.SBOM.Packages != len(dpkg) || a.SBOM.PackageManager != "dpkg" {
		t.Errorf("results say %d %s packages", a.SBOM.Packages, a.SBOM.PackageManager)
	}
	exported, err := manifest.Walk(root, []string{"/proc", "/sys", "/dev", "/run"})
	if err != nil {
		t.Fatal(err)
	}
	if d := manifest.Digest(exported.Encode()); d != a.Manifest.Digest {
		t.Errorf("the manifest of the exported rootfs is %s, the build recorded %s", d, a.Manifest.Digest)
	}
	if left, _ := filepath.Glob(filepath.Join(root, "etc/ssh/ssh_host_*")); len(left) > 0 {
		t.Errorf("host keys in the exported image: %v", left)
	}
	if mid, err := os.ReadFile(filepath.Join(root, "etc/machine-id")); err != nil || len(mid) != 0 {
		t.Errorf("/etc/machine-id of the exported image: %q %v", mid, err)
	}
}

func TestE2ESSHFinalizeFindsSecretsAndRemovesTheBuildKey(t *testing.T) {
	e2e.Packer(t)
	root := e2e.Unpack(t, e2e.CloudlikeTarball(t))
	s := e2e.StartSSHD(t, root)
	buildKey := publicKeyOf(t, s.Users["admin"].KeyFile)

	// An operator key that must stay, a private key and AWS credentials
	// that must fail the build.
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	privPEM := string(pem.EncodeToMemory(block))
	otherPub, _ := ssh.NewPublicKey(priv.Public())
	other := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(otherPub))) + " ops@example"
	secret := "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzPLANTEDKEY"
	plant := fmt.Sprintf(`set -eu
printf '%%s\n' %q >> /home/admin/.ssh/authorized_keys
umask 077
mkdir -p /home/admin/.aws
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = %%s\n' %q > /home/admin/.aws/credentials
cat > /home/admin/.ssh/id_ed25519
chown -R admin: /home/admin/.aws /home/admin/.ssh
`, other, secret)
	cmd := exec.Command("chroot", root, "sh", "-c", plant)
	cmd.Stdin = strings.NewReader(privPEM)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("plant: %v\n%s", err, out)
	}

	ev := t.TempDir()
	tpl := s.NullSource("ssh", "admin") + fmt.Sprintf(`
build {
  sources = ["source.null.ssh"]
  provisioner "hardening-finalize" {
    evidence_dir = %q
  }
}
`, ev)
	log, err := e2e.Build(t, tpl, nil)
	if err == nil {
		t.Fatalf("the build passed with a private key and AWS credentials in the image:\n%s", log)
	}
	for _, want := range []string{
		"leftover secret: /home/admin/.aws/credentials (aws-credentials)",
		"leftover secret: /home/admin/.ssh/id_ed25519 (private-key)",
		"leftover secrets in the image: /home/admin/.aws/credentials (aws-credentials), /home/admin/.ssh/id_ed25519 (private-key)",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("build output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(log)
	}
	res, bdir := readFinalize(t, ev, "ssh")
	var found []string
	for _, f := range res.Secrets.Findings {
		found = append(found, f.Rule+" "+f.Path)
	}
	if want := []string{"aws-credentials /home/admin/.aws/credentials", "private-key /home/admin/.ssh/id_ed25519"}; strings.Join(found, ",") != strings.Join(want, ",") || res.Secrets.Passed {
		t.Errorf("findings %q (passed %v), want exactly %q", found, res.Secrets.Passed, want)
	}
	// Never the secrets themselves, in the output or the evidence.
	everything := log
	files, _ := os.ReadDir(bdir)
	for _, f := range files {
		b, _ := os.ReadFile(filepath.Join(bdir, f.Name()))
		everything += string(b)
	}
	for _, leak := range []string{secret, strings.Split(privPEM, "\n")[1]} {
		if strings.Contains(everything, leak) {
			t.Errorf("a planted secret appears in the build output or evidence")
		}
	}

	ak, err := os.ReadFile(filepath.Join(root, "home/admin/.ssh/authorized_keys"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(ak), buildKey) {
		t.Errorf("Packer's key is still in admin's authorized_keys:\n%s", ak)
	}
	if !strings.Contains(string(ak), other) {
		t.Errorf("the operator's key was removed too:\n%s", ak)
	}
	cdx, _ := os.ReadFile(filepath.Join(bdir, res.SBOM.CycloneDX.File))
	assertSameSet(t, sbomPackages(t, cdx), dpkgPackages(t, root))
}

func TestE2ERejectsBadConfiguration(t *testing.T) {
	e2e.Packer(t)
	tpl := `
source "null" "x" {
  communicator = "none"
}
build {
  sources = ["source.null.x"]
  provisioner "hardening-finalize" {
    skip_cleanup           = ["logs", "history"]
    remove_authorized_keys = ["not a key"]
    manifest_exclude       = ["data"]
    hash_jobs              = -1
    allow_secret {
      path = "/etc/ssl/private/ssl-cert-snakeoil.key"
    }
  }
}
`
	log, err := e2e.Validate(t, tpl)
	if err == nil {
		t.Fatalf("packer validate accepted a bad configuration:\n%s", log)
	}
	log = strings.Join(strings.Fields(log), " ") // packer wraps long lines
	for _, want := range []string{
		`skip_cleanup[1]: "history" is not a cleanup step; use build_key, host_keys`,
		`remove_authorized_keys[0]: "not a key" is not a public key line`,
		`manifest_exclude[0]: "data" must be an absolute guest path`,
		`hash_jobs: -1 is not accepted`,
		`allow_secret[0].reason: a reason is required for "/etc/ssl/private/ssl-cert-snakeoil.key"`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("packer validate output lacks %q:\n%s", want, log)
		}
	}
}

func publicKeyOf(t *testing.T, keyFile string) string {
	t.Helper()
	b, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(b)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))
	return f[1]
}
