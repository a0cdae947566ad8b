package attest

// Acceptance tests against real clouds, gated by PACKER_ACC. They build a
// hardened Debian 12 image with the official amazon and googlecompute
// plugins, attest it with a KMS key, publish to a bucket, then check the
// tags or labels and verify every bundle with stock cosign. They delete the
// images they create; the bucket objects stay under a prefix unique to the
// run, for inspection.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/e2e"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// accEnv returns the named variables or skips the test, saying which are missing.
func accEnv(t *testing.T, names ...string) map[string]string {
	t.Helper()
	if os.Getenv("PACKER_ACC") == "" {
		t.Skip("acceptance test: set PACKER_ACC=1 (make testacc) and " + strings.Join(names, ", "))
	}
	vals, missing := map[string]string{}, []string{}
	for _, n := range names {
		if vals[n] = os.Getenv(n); vals[n] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Skip("acceptance test needs " + strings.Join(missing, ", "))
	}
	return vals
}

const accProvisioners = `
  provisioner "hardening" {
    profile      = "cis_level1_server"
    evidence_dir = "%[1]s/evidence"
  }
  provisioner "hardening-finalize" {
    evidence_dir = "%[1]s/evidence"
  }`

// TestAccAWS needs AWS credentials, HARDENING_ACC_AWS_KMS_KEY (an
// awskms:// ECC_NIST_P256 signing key), HARDENING_ACC_AWS_S3_BUCKET and
// HARDENING_ACC_AWS_REGIONS (comma-separated; the first one builds).
func TestAccAWS(t *testing.T) {
	env := accEnv(t, "HARDENING_ACC_AWS_KMS_KEY", "HARDENING_ACC_AWS_S3_BUCKET", "HARDENING_ACC_AWS_REGIONS")
	e2e.Packer(t)
	regions := strings.Split(env["HARDENING_ACC_AWS_REGIONS"], ",")
	dir, prefix := t.TempDir(), fmt.Sprintf("acc/%d", time.Now().Unix())
	tpl := fmt.Sprintf(`
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = "~> 1.3"
    }
  }
}
source "amazon-ebs" "debian" {
  region        = %[2]q
  ami_regions   = %[3]s
  ami_name      = "hardening-acc-{{timestamp}}"
  instance_type = "t3.small"
  ssh_username  = "admin"
  source_ami_filter {
    filters = {
      name                = "debian-12-amd64-*"
      virtualization-type = "hvm"
    }
    owners      = ["136693071363"]
    most_recent = true
  }
}
build {
  sources = ["source.amazon-ebs.debian"]
`+accProvisioners+`
  post-processor "hardening-attest" {
    evidence_dir = "%[1]s/evidence"
    output_directory = "%[1]s/attestations"
    kms_key      = %[4]q
    s3_bucket    = %[5]q
    s3_prefix    = %[6]q
    s3_region    = %[2]q
  }
}
`, dir, regions[0], hclList(regions[1:]), env["HARDENING_ACC_AWS_KMS_KEY"], env["HARDENING_ACC_AWS_S3_BUCKET"], prefix)
	if out, err := e2e.Init(t, tpl); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	client, err := aws.New(context.Background(), aws.Config{Region: regions[0]})
	if err != nil {
		t.Fatal(err)
	}
	log, buildErr := e2e.Build(t, tpl, nil)
	// Clean up every AMI the build created, from amazon-ebs's own report
	// ("region: ami-..."), even when attesting failed.
	for _, line := range strings.Split(log, "\n") {
		f := strings.Fields(line)
		if n := len(f); n >= 2 && strings.HasPrefix(f[n-1], "ami-") && strings.HasSuffix(f[n-2], ":") {
			ref := aws.ImageRef{Region: strings.TrimSuffix(f[n-2], ":"), ImageID: f[n-1]}
			t.Cleanup(func() {
				if err := client.DeregisterImage(context.Background(), ref); err != nil {
					t.Errorf("clean up: %v (deregister it by hand)", err)
				}
			})
		}
	}
	if buildErr != nil {
		t.Fatalf("%v\n%s", buildErr, log)
	}
	var m layout.Manifest
	readJSON(t, filepath.Join(dir, "attestations", layout.ManifestFile), &m)
	if len(m.Builds["debian"].Images) != len(regions) {
		t.Fatalf("manifest has %d images, want one per region %v", len(m.Builds["debian"].Images), regions)
	}
	for region, img := range m.Builds["debian"].Images {
		facts, err := client.DescribeImage(context.Background(), aws.ImageRef{Region: region, ImageID: img.ImageID})
		if err != nil {
			t.Fatal(err)
		}
		if facts.Tags["hardening:subject-sha256"] != img.SubjectSHA256 || facts.Tags["hardening:cis-passed"] == "" {
			t.Errorf("%s: tags %v", region, facts.Tags)
		}
		cosignVerifies(t, img.Directory)
	}
}

// TestAccGCE needs Application Default Credentials,
// HARDENING_ACC_GCP_PROJECT, HARDENING_ACC_GCP_ZONE,
// HARDENING_ACC_GCP_KMS_KEY (a gcpkms:// EC_SIGN_P256_SHA256 key) and
// HARDENING_ACC_GCS_BUCKET.
func TestAccGCE(t *testing.T) {
	env := accEnv(t, "HARDENING_ACC_GCP_PROJECT", "HARDENING_ACC_GCP_ZONE", "HARDENING_ACC_GCP_KMS_KEY", "HARDENING_ACC_GCS_BUCKET")
	e2e.Packer(t)
	dir, prefix := t.TempDir(), fmt.Sprintf("acc/%d", time.Now().Unix())
	name := fmt.Sprintf("hardening-acc-%d", time.Now().Unix())
	tpl := fmt.Sprintf(`
packer {
  required_plugins {
    googlecompute = {
      source  = "github.com/hashicorp/googlecompute"
      version = "~> 1.1"
    }
  }
}
source "googlecompute" "debian" {
  project_id          = %[2]q
  zone                = %[3]q
  source_image_family = "debian-12"
  image_name          = %[4]q
  ssh_username        = "packer"
  machine_type        = "e2-small"
}
build {
  sources = ["source.googlecompute.debian"]
`+accProvisioners+`
  post-processor "hardening-attest" {
    evidence_dir = "%[1]s/evidence"
    output_directory = "%[1]s/attestations"
    kms_key      = %[5]q
    gcs_bucket   = %[6]q
    gcs_prefix   = %[7]q
  }
}
`, dir, env["HARDENING_ACC_GCP_PROJECT"], env["HARDENING_ACC_GCP_ZONE"], name, env["HARDENING_ACC_GCP_KMS_KEY"], env["HARDENING_ACC_GCS_BUCKET"], prefix)
	if out, err := e2e.Init(t, tpl); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	client, err := gce.New(context.Background(), gce.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	log, buildErr := e2e.Build(t, tpl, nil)
	t.Cleanup(func() {
		if err := client.DeleteImage(context.Background(), env["HARDENING_ACC_GCP_PROJECT"], name); err != nil && buildErr == nil {
			t.Errorf("clean up: %v (delete it by hand)", err)
		}
	})
	if buildErr != nil {
		t.Fatalf("%v\n%s", buildErr, log)
	}
	var m layout.Manifest
	readJSON(t, filepath.Join(dir, "attestations", layout.ManifestFile), &m)
	img := m.Builds["debian"].Images[env["HARDENING_ACC_GCP_PROJECT"]]
	facts, err := client.Image(context.Background(), env["HARDENING_ACC_GCP_PROJECT"], name)
	if err != nil {
		t.Fatal(err)
	}
	if facts.Labels["hardening-subject-sha256-1"]+facts.Labels["hardening-subject-sha256-2"] != img.SubjectSHA256 || facts.Labels["hardening-cis-passed"] == "" {
		t.Errorf("labels %v", facts.Labels)
	}
	cosignVerifies(t, img.Directory)
}

func hclList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
