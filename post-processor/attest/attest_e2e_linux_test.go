package attest

// End to end: real Packer builds the cloud-like Debian 12 rootfs with the
// hardening and hardening-finalize provisioners and attests the tarball;
// stock cosign then verifies every bundle offline. Gated by HARDENING_E2E
// or PACKER_ACC like every e2e test.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// cosignPath finds stock cosign; make test builds it, so it must be there.
func cosignPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("cosign"); err == nil {
		return p
	}
	if d := os.Getenv("HARDENING_TOOLS_DIR"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "cosign")); err == nil {
			return filepath.Join(d, "cosign")
		}
	}
	t.Fatal("cosign not found: run scripts/tools.sh")
	return ""
}

func TestE2ERootfsAttest(t *testing.T) {
	e2e.Packer(t)
	cosign := cosignPath(t)
	tarball := e2e.CloudlikeTarball(t)
	work := t.TempDir()
	out, ev, att, tmp := filepath.Join(work, "output"), filepath.Join(work, "evidence"), filepath.Join(work, "attestations"), t.TempDir()
	key, _ := e2e.SigningKey(t, t.TempDir())
	const token = "s3cr3t-Token-4242-do-not-record"
	tpl := fmt.Sprintf(`
variable "api_token" {
  type      = string
  sensitive = true
}
variable "owner" {
  type    = string
  default = "platform-team"
}
source "hardening-rootfs" "cloudlike" {
  source_tarball    = %[1]q
  source_date_epoch = 1735689600
  temp_directory    = %[2]q
  output_directory  = %[3]q
}
build {
  sources = ["source.hardening-rootfs.cloudlike"]
  provisioner "hardening" {
    profile      = "cis_level1_server"
    audit_only   = true
    fail_on      = "none"
    evidence_dir = %[4]q
  }
  provisioner "shell" {
    environment_vars = ["API_TOKEN=${var.api_token}"]
    inline           = ["test -n \"$API_TOKEN\""]
  }
  provisioner "hardening-finalize" {
    evidence_dir = %[4]q
  }
  post-processor "hardening-attest" {
    evidence_dir  = %[4]q
    output_directory = %[5]q
    key_file      = %[6]q
    template_path = path.root
    variables = {
      owner     = var.owner
      api_token = var.api_token
    }
  }
}
`, tarball, tmp, out, ev, att, key)
	log, err := e2e.Build(t, tpl, map[string]string{"api_token": token})
	if err != nil {
		t.Fatalf("packer build: %v\n%s", err, log)
	}
	if !strings.Contains(log, "signed and verified 4 bundle(s)") {
		t.Errorf("build output lacks the signing summary:\n%s", log)
	}

	// The manifest points at the image's directory and its bundles.
	var m layout.Manifest
	readJSON(t, filepath.Join(att, layout.ManifestFile), &m)
	img, ok := m.Builds["cloudlike"].Images["local"]
	if !ok || len(img.Bundles) != 4 {
		t.Fatalf("manifest: %+v", m)
	}
	tarPath := filepath.Join(out, img.ImageID)
	var idx layout.Index
	readJSON(t, filepath.Join(img.Directory, layout.IndexFile), &idx)
	pub := filepath.Join(img.Directory, layout.PublicKeyFile)

	// Stock cosign verifies every bundle against the tarball, offline.
	verify := func(bundle, typ, subject string) (string, error) {
		cmd := exec.Command(cosign, "verify-blob-attestation", "--key", pub, "--insecure-ignore-tlog", "--bundle", bundle, "--type", typ, subject)
		// The tarball is over cosign's default 128 MiB blob limit.
		cmd.Env = append(os.Environ(), "COSIGN_MAX_ATTACHMENT_SIZE=4GiB", "SIGSTORE_NO_CACHE=1", "TUF_ROOT="+t.TempDir())
		o, err := cmd.CombinedOutput()
		return string(o), err
	}
	for _, b := range idx.Bundles {
		o, err := verify(filepath.Join(img.Directory, b.File), b.CosignType, tarPath)
		if err != nil || !strings.Contains(o, "Verified OK") {
			t.Errorf("cosign %s: %v\n%s", b.Kind, err, o)
		}
		if img.Bundles[b.Kind] != b.SHA256 {
			t.Errorf("%s: manifest digest %s, index %s", b.Kind, img.Bundles[b.Kind], b.SHA256)
		}
	}

	// The provenance records the template, the public variable, the
	// scripts that ran, and not the sensitive one.
	pubKey, err := attest.ParsePublicKey(mustRead(t, pub))
	if err != nil {
		t.Fatal(err)
	}
	prov := provenanceIn(t, img.Directory, pubKey, idx.SubjectSHA256)
	ext := prov.BuildDefinition.ExternalParameters
	if ext.Variables["owner"] != "platform-team" || ext.Variables["api_token"] != "" || len(ext.Sensitive) != 1 {
		t.Errorf("variables %v, omitted %v", ext.Variables, ext.Sensitive)
	}
	if len(ext.Template.Files) != 1 || !strings.HasSuffix(ext.Template.Files[0].URI, "build.pkr.hcl") {
		t.Errorf("template %+v", ext.Template)
	}
	deps := map[string]bool{}
	for _, d := range prov.BuildDefinition.ResolvedDependencies {
		deps[d.Name] = d.Digest["sha256"] != "" || d.URI != ""
	}
	for _, want := range []string{"packer-plugin-hardening", "packer", "hardening-script", "finalize-script"} {
		if !deps[want] {
			t.Errorf("resolved dependencies lack %s: %+v", want, prov.BuildDefinition.ResolvedDependencies)
		}
	}

	// No file anything wrote holds the sensitive value.
	for _, root := range []string{out, ev, att} {
		grepTree(t, root, token)
	}
	if strings.Contains(log, token) {
		t.Error("the build output shows the sensitive variable")
	}
}

func TestE2EValidateAttest(t *testing.T) {
	e2e.Packer(t)
	out, err := e2e.Validate(t, `
source "null" "x" {
  communicator = "none"
}
build {
  sources = ["source.null.x"]
  post-processor "hardening-attest" {
    kms_key                       = "vault://transit/keys/images"
    allow_missing_evidence_unsafe = ["sbom"]
    gcs_bucket                    = "acme-attestations"
    gcs_prefix                    = "Images/Prod"
  }
}
`)
	if err == nil {
		t.Fatalf("packer validate accepted a bad configuration:\n%s", out)
	}
	for _, want := range []string{
		`kms_key "vault://transit/keys/images" is not a KMS key URI`,
		`allow_missing_evidence_unsafe[0]: "sbom" is not an evidence kind`,
		`gcs_prefix "Images/Prod"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("packer validate output lacks %q:\n%s", want, out)
		}
	}
}
