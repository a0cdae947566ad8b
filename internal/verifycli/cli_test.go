package verifycli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/attest"
	"github.com/imagesmith/packer-plugin-hardening/internal/cis"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
	"github.com/imagesmith/packer-plugin-hardening/internal/descriptor"
	"github.com/imagesmith/packer-plugin-hardening/internal/verify/verifytest"
)

// signedFiles are an image's published files, signed with key.
func signedFiles(t *testing.T, key *ecdsa.PrivateKey, d *descriptor.Descriptor) map[string][]byte {
	t.Helper()
	return verifytest.Files(t, key, d, time.Now().UTC(), []cis.Result{{Rule: "r", CIS: "1.1", Level: 1, Status: cis.Pass}})
}

func keyFile(t *testing.T, pub *ecdsa.PublicKey) string {
	t.Helper()
	b, err := attest.PublicKeyPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "key.pub")
	os.WriteFile(p, b, 0o644)
	return p
}

func verifyCmd(t *testing.T, clouds Clouds, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, &out, &errOut, clouds)
	return code, out.String(), errOut.String()
}

func TestAMIFromTags(t *testing.T) {
	env := awsfake.Start(t)
	env.EC2.AddImage("eu-west-1", awsfake.Image{ImageID: "ami-0abc", OwnerID: "111122223333", CreationDate: "2026-11-23T06:00:00.000Z",
		Architecture: "x86_64", Snapshots: map[string]string{"/dev/xvda": "snap-1"}})
	if err := env.S3.CreateBucket("acme-attestations"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := aws.New(ctx, env.Config())
	if err != nil {
		t.Fatal(err)
	}
	img, err := c.DescribeImage(ctx, aws.ImageRef{Region: "eu-west-1", ImageID: "ami-0abc"})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	prefix := "attestations/aws/eu-west-1/ami-0abc"
	for name, b := range signedFiles(t, key, img.Descriptor("sha256:"+strings.Repeat("0", 64))) {
		if _, err := c.PutObject(ctx, "acme-attestations", path.Join(prefix, name), b, "application/json"); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.TagImage(ctx, aws.ImageRef{Region: "eu-west-1", ImageID: "ami-0abc"}, map[string]string{"hardening:attestations": "s3://acme-attestations/" + prefix + "/"}); err != nil {
		t.Fatal(err)
	}
	clouds := Clouds{AWS: func(ctx context.Context, region string) (*aws.Client, error) {
		cfg := env.Config()
		cfg.Region = region
		return aws.New(ctx, cfg)
	}}
	pub := keyFile(t, &key.PublicKey)

	code, out, errOut := verifyCmd(t, clouds, "--key", pub, "--region", "eu-west-1", "--json", "ami-0abc")
	if code != ExitVerified {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var rep struct {
		OK       bool
		Source   string
		Verified []string
	}
	json.Unmarshal([]byte(out), &rep)
	if !rep.OK || rep.Source != "s3://acme-attestations/"+prefix+"/" || len(rep.Verified) != 4 {
		t.Errorf("report %s", out)
	}
	code, out, _ = verifyCmd(t, clouds, "--key", pub, "--region", "eu-west-1", "--terraform", "ami-0abc")
	if code != 0 || !strings.Contains(out, `"image_id":"ami-0abc"`) || !strings.Contains(out, `"verified":"true"`) {
		t.Errorf("terraform output %d %s", code, out)
	}

	// The cloud now reports other snapshots for the AMI: the descriptor no
	// longer describes it.
	env.EC2.AddImage("eu-west-1", awsfake.Image{ImageID: "ami-0abc", OwnerID: "111122223333", CreationDate: "2026-11-23T06:00:00.000Z",
		Architecture: "x86_64", Snapshots: map[string]string{"/dev/xvda": "snap-swapped"},
		Tags: map[string]string{"hardening:attestations": "s3://acme-attestations/" + prefix + "/"}})
	code, out, errOut = verifyCmd(t, clouds, "--key", pub, "--region", "eu-west-1", "--terraform", "ami-0abc")
	if code != ExitFailed || out != "" || !strings.Contains(errOut, `the descriptor records snapshot_ids "snap-1", the cloud reports "snap-swapped"`) {
		t.Errorf("exit %d, stdout %q, stderr %s", code, out, errOut)
	}

	// Signed with an AWS KMS key, trusted by its URI: the public key comes
	// from KMS.
	keyID, _ := env.KMS.AddKey("image-signing")
	kmsSigner, err := c.Signer(ctx, "awskms:///alias/image-signing")
	if err != nil {
		t.Fatal(err)
	}
	env.EC2.AddImage("eu-west-2", awsfake.Image{ImageID: "ami-0kms", OwnerID: "111122223333", Snapshots: map[string]string{"/dev/xvda": "snap-k"}})
	kmsImg, err := c.DescribeImage(ctx, aws.ImageRef{Region: "eu-west-2", ImageID: "ami-0kms"})
	if err != nil {
		t.Fatal(err)
	}
	kmsPrefix := "attestations/aws/eu-west-2/ami-0kms"
	for name, b := range verifytest.Files(t, kmsSigner, kmsImg.Descriptor(""), time.Now().UTC(), []cis.Result{{Rule: "r", CIS: "1.1", Level: 1, Status: cis.Pass}}) {
		if _, err := c.PutObject(ctx, "acme-attestations", path.Join(kmsPrefix, name), b, "application/json"); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, errOut := verifyCmd(t, clouds, "--key", "awskms:///"+env.KMS.ARN(keyID), "--region", "eu-west-2",
		"--location", "s3://acme-attestations/"+kmsPrefix+"/", "ami-0kms"); code != ExitVerified {
		t.Errorf("KMS key: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := verifyCmd(t, clouds, "--key", pub, "--region", "eu-west-2",
		"--location", "s3://acme-attestations/"+kmsPrefix+"/", "ami-0kms"); code != ExitFailed || !strings.Contains(errOut, "does not verify with the trusted key") {
		t.Errorf("KMS-signed files with another key: %d %s", code, errOut)
	}

	// An AMI without the tag needs --location.
	env.EC2.AddImage("us-east-1", awsfake.Image{ImageID: "ami-0def", OwnerID: "1"})
	if code, _, errOut := verifyCmd(t, clouds, "--key", pub, "--region", "us-east-1", "ami-0def"); code != ExitUsage || !strings.Contains(errOut, "has no hardening:attestations tag: give --location") {
		t.Errorf("untagged AMI: %d %s", code, errOut)
	}
}

func TestGCEFromLabels(t *testing.T) {
	env := gcefake.Start(t)
	env.Compute.AddImage("acme-images", gcefake.Image{Name: "debian-hardened", ID: 42, CreationTimestamp: "2026-11-23T06:00:00.000-08:00",
		Labels: map[string]string{"hardening-gcs-bucket": "acme-attestations", "hardening-gcs-prefix": "images_prod"}})
	env.GCS.CreateBucket("acme-attestations")
	ctx := context.Background()
	c, err := gce.New(ctx, env.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	img, err := c.Image(ctx, "acme-images", "debian-hardened")
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for name, b := range signedFiles(t, key, img.Descriptor("")) {
		if _, err := c.Upload(ctx, "acme-attestations", "images/prod/gce/acme-images/debian-hardened/"+name, b, "application/json"); err != nil {
			t.Fatal(err)
		}
	}
	clouds := Clouds{GCE: func(ctx context.Context) (*gce.Client, error) { return gce.New(ctx, env.Config()) }}
	// By numeric id: the labels lead to the bucket, the descriptor to the name.
	code, out, errOut := verifyCmd(t, clouds, "--key", keyFile(t, &key.PublicKey), "--project", "acme-images", "42")
	if code != ExitVerified || !strings.Contains(out, "VERIFIED  gce:acme-images:debian-hardened") || !strings.Contains(out, "gs://acme-attestations/images/prod/gce/acme-images/debian-hardened/") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if code, _, errOut := verifyCmd(t, clouds, "--key", keyFile(t, &other.PublicKey), "--project", "acme-images", "debian-hardened"); code != ExitFailed || !strings.Contains(errOut, "does not verify with the trusted key") {
		t.Errorf("wrong key: %d %s", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ami-1"}, "--key is required"},
		{[]string{"--key", "k.pub", "ami-1"}, "--region is required"},
		{[]string{"--key", "k.pub", "debian"}, `IMAGE "debian": give --region for an AMI, --project for a GCE image, or --location for a tarball`},
		{[]string{"--key", "k.pub", "--manifest", "m.json"}, "--manifest needs --build and --location-key"},
		{[]string{"--key", "k.pub", "--region", "r", "--require", "sbom,slsa", "ami-1"}, `--require "slsa": accepted are provenance, sbom, cyclonedx, spdx, cis`},
	}
	for _, tt := range tests {
		code, _, errOut := verifyCmd(t, Clouds{}, tt.args...)
		if code != ExitUsage || !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d, %s", tt.args, code, errOut)
		}
	}
}
