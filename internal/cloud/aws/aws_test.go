package aws_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
)

var regions = []string{"eu-west-1", "us-east-1", "us-west-2"}

func setup(t *testing.T) (*awsfake.Env, *aws.Client, []aws.ImageRef) {
	t.Helper()
	env := awsfake.Start(t)
	var refs []aws.ImageRef
	for i, r := range regions {
		id := fmt.Sprintf("ami-0%016x", i+1)
		env.EC2.AddImage(r, awsfake.Image{ImageID: id, OwnerID: "111122223333", Name: "debian-hardened", CreationDate: "2026-11-23T06:00:00.000Z",
			Architecture: "arm64", BootMode: "uefi", RootDeviceName: "/dev/xvda", VirtualizationType: "hvm", SourceImageID: "ami-0source", SourceImageRegion: "eu-west-1",
			Snapshots: map[string]string{"/dev/xvda": "snap-root-" + r, "/dev/xvdb": "snap-data-" + r}, Tags: map[string]string{"Name": "debian"}})
		refs = append(refs, aws.ImageRef{Region: r, ImageID: id})
	}
	c, err := aws.New(context.Background(), env.Config())
	if err != nil {
		t.Fatal(err)
	}
	return env, c, refs
}

func TestDescribeImages(t *testing.T) {
	_, c, refs := setup(t)
	imgs, err := c.DescribeImages(context.Background(), refs)
	if err != nil {
		t.Fatal(err)
	}
	for i, img := range imgs {
		r := regions[i]
		want := aws.Image{Region: r, ImageID: refs[i].ImageID, OwnerID: "111122223333", ARN: "arn:aws:ec2:" + r + "::image/" + refs[i].ImageID,
			Name: "debian-hardened", CreationDate: "2026-11-23T06:00:00.000Z", State: "available", Architecture: "arm64", BootMode: "uefi",
			RootDeviceName: "/dev/xvda", VirtualizationType: "hvm", SourceImageID: "ami-0source", SourceImageRegion: "eu-west-1",
			SnapshotIDs: []string{"snap-root-" + r, "snap-data-" + r}, Tags: map[string]string{"Name": "debian"}}
		if !reflect.DeepEqual(img, want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", r, img, want)
		}
	}
	if p := aws.Partition("cn-north-1"); p != "aws-cn" {
		t.Errorf("partition %s", p)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	env, c, refs := setup(t)
	env.EC2.Throttle("us-west-2", "DescribeImages", 2)
	if _, err := c.DescribeImages(context.Background(), refs); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, call := range env.EC2.Calls() {
		if call.Region == "us-west-2" && call.Action == "DescribeImages" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d DescribeImages calls in us-west-2, want 2 throttled + 1", n)
	}
}

func TestFailingRegion(t *testing.T) {
	env, c, refs := setup(t)
	env.EC2.Fail("us-east-1", "DescribeImages", "UnauthorizedOperation")
	imgs, err := c.DescribeImages(context.Background(), refs)
	if err == nil || imgs != nil {
		t.Fatalf("images %v, error %v", imgs, err)
	}
	if !strings.Contains(err.Error(), "in us-east-1") || !strings.Contains(err.Error(), "UnauthorizedOperation") || strings.Contains(err.Error(), "eu-west-1") {
		t.Errorf("error does not name exactly the failing region: %v", err)
	}
}

func TestRegionsInParallel(t *testing.T) {
	env := awsfake.Start(t)
	env.EC2.Latency = 50 * time.Millisecond
	var refs []aws.ImageRef
	for i := 0; i < 20; i++ {
		r := fmt.Sprintf("region-%d", i)
		env.EC2.AddImage(r, awsfake.Image{ImageID: "ami-0abc", OwnerID: "1"})
		refs = append(refs, aws.ImageRef{Region: r, ImageID: "ami-0abc"})
	}
	c, err := aws.New(context.Background(), env.Config())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := c.DescribeImages(context.Background(), refs); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*50*time.Millisecond {
		t.Errorf("20 regions at 50 ms took %s: not in parallel", d)
	}
}

func TestTagImage(t *testing.T) {
	env, c, refs := setup(t)
	ctx := context.Background()
	if err := c.TagImage(ctx, refs[0], map[string]string{"hardening:cis-passed": "true"}); err != nil {
		t.Fatal(err)
	}
	img, err := c.DescribeImage(ctx, refs[0])
	if err != nil {
		t.Fatal(err)
	}
	if img.Tags["hardening:cis-passed"] != "true" || img.Tags["Name"] != "debian" {
		t.Errorf("tags %v", img.Tags)
	}
	if got := env.EC2.Tags(regions[1], refs[1].ImageID); len(got) != 1 {
		t.Errorf("another region's image was tagged: %v", got)
	}
}

func TestValidateTags(t *testing.T) {
	many := map[string]string{}
	for i := 0; i < 48; i++ {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	tests := []struct {
		name           string
		existing, tags map[string]string
		want           string
	}{
		{"ok", many, map[string]string{"a": "1", "k1": "updated"}, ""},
		{"key too long", nil, map[string]string{strings.Repeat("k", 129): "v"}, "keys must have 1 to 128 characters"},
		{"value too long", nil, map[string]string{"k": strings.Repeat("v", 257)}, "value of 257 characters, the limit is 256"},
		{"reserved prefix", nil, map[string]string{"aws:owner": "x"}, "the aws: prefix is reserved"},
		{"too many", many, map[string]string{"a": "1", "b": "2", "c": "3"}, "would have 51 tags (48 existing, 3 new), the limit is 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := aws.ValidateTags(tt.existing, tt.tags)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestPutObject(t *testing.T) {
	env, c, _ := setup(t)
	if err := env.S3.CreateBucket("attestations"); err != nil {
		t.Fatal(err)
	}
	uri, err := c.PutObject(context.Background(), "attestations", "aws/eu-west-1/ami-1/descriptor.json", []byte(`{"a":1}`), "application/json")
	if err != nil {
		t.Fatal(err)
	}
	b, ct, err := env.S3.Object("attestations", "aws/eu-west-1/ami-1/descriptor.json")
	if uri != "s3://attestations/aws/eu-west-1/ami-1/descriptor.json" || err != nil || string(b) != `{"a":1}` || ct != "application/json" {
		t.Errorf("uri %s, object %q %q %v", uri, b, ct, err)
	}
	// A reader in another region follows S3's redirect to the bucket's.
	env.S3.SetBucketRegion("attestations", "us-east-1")
	cfg := env.Config()
	cfg.Region = "ap-southeast-2"
	far, err := aws.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := far.GetObject(context.Background(), "attestations", "aws/eu-west-1/ami-1/descriptor.json", 1<<20); err != nil || string(got) != `{"a":1}` {
		t.Errorf("read from another region: %q %v", got, err)
	}
	if _, err := far.GetObject(context.Background(), "attestations", "missing", 1<<20); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing object from another region: %v", err)
	}
	if _, err := c.PutObject(context.Background(), "no-such-bucket", "k", nil, "text/plain"); err == nil || !strings.Contains(err.Error(), "s3://no-such-bucket/k") {
		t.Errorf("upload to a missing bucket: %v", err)
	}
}

func TestKMSSigner(t *testing.T) {
	env, c, _ := setup(t)
	id, pub := env.KMS.AddKey("image-signing")
	ctx := context.Background()
	for _, uri := range []string{"awskms:///" + id, "awskms:///alias/image-signing", "awskms:///" + env.KMS.ARN(id),
		"awskms://kms.example.internal:4566/alias/image-signing"} {
		t.Run(uri, func(t *testing.T) {
			s, err := c.Signer(ctx, uri)
			if err != nil {
				t.Fatal(err)
			}
			if !s.Public().(*ecdsa.PublicKey).Equal(pub) {
				t.Fatal("public key differs from the KMS key's")
			}
			sum := sha256.Sum256([]byte("statement"))
			sig, err := s.Sign(nil, sum[:], crypto.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if !ecdsa.VerifyASN1(pub, sum[:], sig) {
				t.Error("signature does not verify")
			}
			if _, err := s.Sign(nil, []byte("not a digest"), crypto.SHA512); err == nil {
				t.Error("signed a non-SHA-256 input")
			}
		})
	}
	calls := env.KMS.Calls()
	if len(calls) == 0 || calls[len(calls)-1].Action != "Sign" {
		t.Errorf("KMS calls %+v", calls)
	}
	for _, bad := range []struct{ uri, want string }{
		{"gcpkms://projects/p", "want awskms:///KEY-ID"},
		{"awskms://", "has no key"},
		{"awskms:///alias/", "empty alias"},
		{"awskms:///arn:aws:s3:::bucket", "is not a KMS key or alias ARN"},
		{"awskms:///alias/missing", "NotFoundException"},
	} {
		if _, err := c.Signer(ctx, bad.uri); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: error %v, want %q", bad.uri, err, bad.want)
		}
	}
}
