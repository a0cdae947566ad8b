package attest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	packersdk "github.com/hashicorp/packer-plugin-sdk/packer"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/layout"
)

// Secrets a build has in generated_data and in a sensitive variable; no
// file, object, tag or label may contain them.
const (
	sshKeySecret   = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUtc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END OPENSSH PRIVATE KEY-----"
	passwordSecret = "Winrm-Passw0rd-never-recorded"
	variableSecret = "db-token-9f8e7d6c5b4a"
)

type awsBuild struct {
	f        *fixture
	env      *awsfake.Env
	pub      *ecdsa.PublicKey
	regions  []string
	amis     map[string]string
	artifact *fakeArtifact
}

func newAWSBuild(t testing.TB, regions []string) *awsBuild {
	t.Helper()
	b := &awsBuild{f: newFixture(t, "debian"), env: awsfake.Start(t), regions: regions, amis: map[string]string{}}
	_, b.pub = b.env.KMS.AddKey("image-signing")
	if err := b.env.S3.CreateBucket("acme-attestations"); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, r := range regions {
		ami := fmt.Sprintf("ami-0%016x", i+1)
		b.amis[r] = ami
		b.env.EC2.AddImage(r, awsfake.Image{ImageID: ami, OwnerID: "111122223333", Name: "debian-12-hardened-20261123", CreationDate: "2026-11-23T06:00:00.000Z",
			Architecture: "x86_64", BootMode: "uefi", RootDeviceName: "/dev/xvda", VirtualizationType: "hvm",
			Snapshots: map[string]string{"/dev/xvda": "snap-0root" + r}, Tags: map[string]string{"Name": "debian"}})
		ids = append(ids, r+":"+ami)
	}
	b.artifact = &fakeArtifact{builder: "mitchellh.amazonebs", id: strings.Join(ids, ","), state: map[string]interface{}{
		"generated_data": map[interface{}]interface{}{"SourceAMI": "ami-0debian12base", "SSHPrivateKey": sshKeySecret, "WinRMPassword": passwordSecret},
	}}
	return b
}

func (b *awsBuild) postProcessor(t testing.TB, extra map[string]interface{}) *PostProcessor {
	t.Helper()
	raw := map[string]interface{}{"key_file": "", "kms_key": "awskms:///alias/image-signing", "s3_bucket": "acme-attestations",
		"packer_builder_type": "amazon-ebs", "packer_sensitive_variables": []string{"db_token"},
		"variables": map[string]string{"db_token": variableSecret, "team": "platform"}}
	for k, v := range extra {
		raw[k] = v
	}
	p := b.f.postProcessor(t, "debian", raw)
	p.awsConfig = func(c *aws.Config) {
		fc := b.env.Config()
		fc.Region = c.Region
		*c = fc
	}
	return p
}

// tags returns the hardening tags of every region's AMI.
func (b *awsBuild) tags() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, r := range b.regions {
		out[r] = map[string]string{}
		for k, v := range b.env.EC2.Tags(r, b.amis[r]) {
			if strings.HasPrefix(k, "hardening:") {
				out[r][k] = v
			}
		}
	}
	return out
}

func TestAWSMultiRegion(t *testing.T) {
	b := newAWSBuild(t, []string{"eu-west-1", "us-east-1", "us-west-2"})
	b.env.EC2.Throttle("us-west-2", "DescribeImages", 2)
	b.env.EC2.Throttle("eu-west-1", "CreateTags", 1)
	if _, err := run(t, b.postProcessor(t, nil), b.artifact); err != nil {
		t.Fatal(err)
	}
	var m layout.Manifest
	readJSON(t, filepath.Join(b.f.out, layout.ManifestFile), &m)
	for _, r := range b.regions {
		img := m.Builds["debian"].Images[r]
		if img.ImageID != b.amis[r] || len(img.Bundles) != 4 {
			t.Fatalf("%s: manifest %+v", r, img)
		}
		dir := img.Directory
		d, err := descriptor.Parse(mustRead(t, filepath.Join(dir, layout.DescriptorFile)))
		if err != nil {
			t.Fatal(err)
		}
		if d.AWS.Account != "111122223333" || d.AWS.Region != r || d.AWS.ImageID != b.amis[r] || d.AWS.SnapshotIDs[0] != "snap-0root"+r ||
			d.FSManifestDigest == "" || d.AWS.ARN != "arn:aws:ec2:"+r+"::image/"+b.amis[r] {
			t.Errorf("%s: descriptor %+v", r, d.AWS)
		}
		for kind, sum := range img.Bundles {
			raw := mustRead(t, filepath.Join(dir, bundleFile(kind)))
			if _, err := attest.Verify(raw, b.pub, img.SubjectSHA256); err != nil {
				t.Errorf("%s %s: %v", r, kind, err)
			}
			if attest.SHA256(raw) != sum {
				t.Errorf("%s %s: manifest digest differs", r, kind)
			}
			obj, _, err := b.env.S3.Object("acme-attestations", "attestations/aws/"+r+"/"+b.amis[r]+"/"+bundleFile(kind))
			if err != nil || !bytes.Equal(obj, raw) {
				t.Errorf("%s %s: S3 copy: %v", r, kind, err)
			}
		}
		tags := b.tags()[r]
		want := map[string]string{
			"hardening:attestations":      "s3://acme-attestations/attestations/aws/" + r + "/" + b.amis[r] + "/",
			"hardening:subject-sha256":    img.SubjectSHA256,
			"hardening:provenance-sha256": img.Bundles["provenance"],
			"hardening:cis-profile":       "cis_level1_server",
			"hardening:cis-benchmark":     "cis_debian_12 v1.1.0",
			"hardening:cis-score":         "97.5",
			"hardening:cis-passed":        "true",
		}
		if fmt.Sprint(tags) != fmt.Sprint(want) {
			t.Errorf("%s: tags\n%v\nwant\n%v", r, tags, want)
		}
		if err := aws.ValidateTags(nil, tags); err != nil {
			t.Error(err)
		}
	}
	signs := 0
	for _, c := range b.env.KMS.Calls() {
		if c.Action == "Sign" {
			signs++
		}
	}
	if signs != 12 {
		t.Errorf("%d KMS Sign calls, want 12 (4 statements x 3 regions)", signs)
	}
	// The compliance tags were written after the pointer tags, per region.
	for _, r := range b.regions {
		var order []string
		for _, c := range b.env.EC2.Calls() {
			if c.Region == r && c.Action == "CreateTags" && c.Params["Tag.1.Key"] != "" {
				order = append(order, c.Params["Tag.1.Key"])
			}
		}
		if len(order) < 2 || !strings.HasPrefix(order[len(order)-1], "hardening:cis-") || strings.HasPrefix(order[0], "hardening:cis-") {
			t.Errorf("%s: CreateTags order %v", r, order)
		}
	}
	cosignVerifies(t, m.Builds["debian"].Images["us-east-1"].Directory)
	assertNoSecrets(t, b.f.dir, b.env, b.tags())
}

func bundleFile(kind string) string {
	k, _ := layout.KindByName(kind)
	return k.File
}

func TestAWSRegionFailure(t *testing.T) {
	tests := []struct {
		name, region, action, want string
	}{
		{"describe fails", "us-east-1", "DescribeImages", "describe image ami-00000000000000002 in us-east-1"},
		{"tagging fails", "us-west-2", "CreateTags", "tag aws:us-west-2:ami-00000000000000003"},
		// Pointer tags succeed everywhere; the compliance tags fail in one
		// region after others may have been written, and are taken back.
		{"compliance tagging fails", "us-west-2", "cis-tags", "tag aws:us-west-2:ami-00000000000000003"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newAWSBuild(t, []string{"eu-west-1", "us-east-1", "us-west-2"})
			if tt.action == "cis-tags" {
				b.env.EC2.FailTags(tt.region, "hardening:cis-")
			} else {
				b.env.EC2.Fail(tt.region, tt.action, "UnauthorizedOperation")
			}
			_, err := run(t, b.postProcessor(t, nil), b.artifact)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			for r, tags := range b.tags() {
				if _, ok := tags["hardening:cis-passed"]; ok {
					t.Errorf("%s has a compliance tag after a failed attestation", r)
				}
			}
			if _, err := os.Stat(filepath.Join(b.f.out, layout.ManifestFile)); err == nil {
				t.Error("manifest written for a failed attestation")
			}
			if tt.action == "cis-tags" {
				removed := map[string]bool{}
				for _, c := range b.env.EC2.Calls() {
					if c.Action == "DeleteTags" {
						removed[c.Region] = true
					}
				}
				if !removed["eu-west-1"] || !removed["us-east-1"] || removed["us-west-2"] {
					t.Errorf("compliance tags taken back in %v, want eu-west-1 and us-east-1", removed)
				}
			}
		})
	}
}

func TestAWSTagLimitCheckedBeforeTagging(t *testing.T) {
	b := newAWSBuild(t, []string{"eu-west-1", "us-east-1"})
	crowded := awsfake.Image{ImageID: b.amis["us-east-1"], OwnerID: "111122223333", Tags: map[string]string{}}
	for i := 0; i < 45; i++ {
		crowded.Tags[fmt.Sprintf("cost-center-%d", i)] = "x"
	}
	b.env.EC2.AddImage("us-east-1", crowded)
	_, err := run(t, b.postProcessor(t, nil), b.artifact)
	if err == nil || !strings.Contains(err.Error(), "tags for aws:us-east-1") || !strings.Contains(err.Error(), "the limit is 50") {
		t.Fatalf("error %v", err)
	}
	for r, tags := range b.tags() {
		if len(tags) > 0 {
			t.Errorf("%s was tagged although another region's tags would not fit: %v", r, tags)
		}
	}
}

func TestGCE(t *testing.T) {
	f := newFixture(t, "debian")
	env := gcefake.Start(t)
	env.Compute.AddImage("acme-images", gcefake.Image{Name: "debian-12-hardened-v1", ID: 5934107761813722541, CreationTimestamp: "2026-11-23T06:00:00.000-08:00",
		Architecture: "X86_64", SourceImage: "https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20261110",
		SourceImageID: "1234", StorageLocations: []string{"eu"}})
	key := "projects/acme-kms/locations/global/keyRings/images/cryptoKeys/signing"
	pub := env.KMS.AddVersion(key, true)
	env.GCS.CreateBucket("acme-attestations")
	env.Compute.Throttle("get", 1)
	a := &fakeArtifact{builder: "packer.googlecompute", id: "debian-12-hardened-v1", state: map[string]interface{}{
		"ProjectId": "acme-images", "generated_data": map[string]interface{}{"SSHPrivateKey": sshKeySecret}}}
	p := f.postProcessor(t, "debian", map[string]interface{}{"key_file": "", "kms_key": "gcpkms://" + key, "gcs_bucket": "acme-attestations", "gcs_prefix": "images/prod"})
	p.gceConfig = func(c *gce.Config) { *c = env.Config() }
	if _, err := run(t, p, a); err != nil {
		t.Fatal(err)
	}
	var m layout.Manifest
	readJSON(t, filepath.Join(f.out, layout.ManifestFile), &m)
	img := m.Builds["debian"].Images["acme-images"]
	d, err := descriptor.Parse(mustRead(t, filepath.Join(img.Directory, layout.DescriptorFile)))
	if err != nil {
		t.Fatal(err)
	}
	if d.GCE.ID != "5934107761813722541" || d.GCE.Project != "acme-images" || d.Name() != "gce:acme-images:debian-12-hardened-v1" {
		t.Errorf("descriptor %+v", d.GCE)
	}
	for kind := range img.Bundles {
		raw, _, err := env.GCS.Object("acme-attestations", "images/prod/gce/acme-images/debian-12-hardened-v1/"+bundleFile(kind))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := attest.Verify(raw, pub, img.SubjectSHA256); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	labels := env.Compute.Labels("acme-images", "debian-12-hardened-v1")
	if labels["hardening-subject-sha256-1"]+labels["hardening-subject-sha256-2"] != img.SubjectSHA256 ||
		labels["hardening-gcs-bucket"] != "acme-attestations" || labels["hardening-gcs-prefix"] != "images_prod" ||
		labels["hardening-cis-score"] != "97_5" || labels["hardening-cis-passed"] != "true" || labels["hardening-cis-profile"] != "cis_level1_server" {
		t.Errorf("labels %v", labels)
	}
	if err := gce.ValidateLabels(nil, labels); err != nil {
		t.Error(err)
	}
}

// cosignVerifies runs stock cosign on every bundle of dir against its
// descriptor, and on a descriptor changed by one byte, when cosign is
// installed (make test installs it; internal/attest requires it there).
func cosignVerifies(t *testing.T, dir string) {
	t.Helper()
	cosign, err := exec.LookPath("cosign")
	if err != nil {
		cosign = filepath.Join(os.Getenv("HARDENING_TOOLS_DIR"), "cosign")
		if _, err := os.Stat(cosign); os.Getenv("HARDENING_TOOLS_DIR") == "" || err != nil {
			if os.Getenv("HARDENING_E2E") != "" {
				t.Fatal("cosign not found: run scripts/tools.sh")
			}
			t.Log("cosign not installed: skipping the cosign checks")
			return
		}
	}
	var idx layout.Index
	readJSON(t, filepath.Join(dir, layout.IndexFile), &idx)
	desc := filepath.Join(dir, layout.DescriptorFile)
	changed := filepath.Join(t.TempDir(), layout.DescriptorFile)
	orig := mustRead(t, desc)
	os.WriteFile(changed, bytes.Replace(orig, []byte(`"x86_64"`), []byte(`"x86_65"`), 1), 0o644)
	for _, bd := range idx.Bundles {
		verify := func(subject string) (string, error) {
			out, err := exec.Command(cosign, "verify-blob-attestation", "--key", filepath.Join(dir, layout.PublicKeyFile), "--insecure-ignore-tlog",
				"--bundle", filepath.Join(dir, bd.File), "--type", bd.CosignType, subject).CombinedOutput()
			return string(out), err
		}
		if out, err := verify(desc); err != nil || !strings.Contains(out, "Verified OK") {
			t.Errorf("cosign %s: %v\n%s", bd.File, err, out)
		}
		if out, err := verify(changed); err == nil {
			t.Errorf("cosign verified %s against a changed descriptor:\n%s", bd.File, out)
		}
	}
}

// assertNoSecrets fails if any file below root, any S3 object or any tag
// holds a planted secret, as is or in base64.
func assertNoSecrets(t *testing.T, root string, env *awsfake.Env, tags map[string]map[string]string) {
	t.Helper()
	for _, s := range []string{sshKeySecret, passwordSecret, variableSecret, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUtc2VjcmV0"} {
		grepTree(t, root, s)
		forms := secretForms(s)
		keys, err := env.S3.Keys("acme-attestations")
		if err != nil || len(keys) == 0 {
			t.Fatalf("S3 keys %v: %v", keys, err)
		}
		for _, k := range keys {
			obj, _, _ := env.S3.Object("acme-attestations", k)
			for _, f := range forms {
				if bytes.Contains(obj, f) {
					t.Errorf("s3 object %s contains a secret", k)
				}
			}
		}
		for r, tt := range tags {
			for k, v := range tt {
				if strings.Contains(v, s) || strings.Contains(k, s) {
					t.Errorf("%s tag %s contains a secret", r, k)
				}
			}
		}
	}
}

// BenchmarkAttest20Regions measures the whole post-processing of a
// 20-region AMI build, KMS signing and S3 publishing included, with 50 ms
// added to every EC2, KMS and S3 request.
func BenchmarkAttest20Regions(b *testing.B) {
	log.SetOutput(io.Discard)
	defer log.SetOutput(os.Stderr)
	regions := make([]string, 20)
	for i := range regions {
		regions[i] = fmt.Sprintf("region-%02d", i)
	}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ab := newAWSBuild(b, regions)
		p := ab.postProcessor(b, nil)
		ab.env.EC2.Latency, ab.env.KMS.Latency, ab.env.S3.Latency = 50*time.Millisecond, 50*time.Millisecond, 50*time.Millisecond
		ui := &packersdk.BasicUi{Writer: &strings.Builder{}, ErrorWriter: &strings.Builder{}}
		b.StartTimer()
		if _, _, _, err := p.PostProcess(context.Background(), ui, ab.artifact); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(80), "bundles/op")
}
