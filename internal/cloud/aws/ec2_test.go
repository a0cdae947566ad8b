package aws_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/aws/awsfake"
)

// regions of the images setup adds; each region's image has its own facts
// so that a mixed-up answer shows.
var regions = []string{"eu-west-1", "us-east-1", "cn-north-1"}

var fakeImages = map[string]awsfake.Image{
	"eu-west-1": {ImageID: "ami-0eu00000000000001", OwnerID: "111122223333", Name: "debian-12-hardened", Description: "Debian 12, CIS level 1",
		CreationDate: "2026-11-23T06:00:00.000Z", Architecture: "x86_64", BootMode: "legacy-bios", RootDeviceName: "/dev/xvda",
		VirtualizationType: "hvm", PlatformDetails: "Linux/UNIX",
		Snapshots: map[string]string{"/dev/xvda": "snap-0eu-root", "/dev/sdf": "snap-0eu-data", "/dev/sdb": "snap-0eu-swap"},
		Tags:      map[string]string{"Name": "debian"}},
	"us-east-1": {ImageID: "ami-0us00000000000002", OwnerID: "444455556666", Name: "debian-12-hardened", CreationDate: "2026-11-23T06:10:00.000Z",
		Architecture: "arm64", BootMode: "uefi", RootDeviceName: "/dev/xvda", VirtualizationType: "hvm", PlatformDetails: "Linux/UNIX",
		SourceImageID: "ami-0eu00000000000001", SourceImageRegion: "eu-west-1",
		Snapshots: map[string]string{"/dev/xvda": "snap-0us-root"}},
	"cn-north-1": {ImageID: "ami-0cn00000000000003", OwnerID: "777788889999", Name: "debian-12-hardened", CreationDate: "2026-11-23T06:20:00.000Z",
		Architecture: "arm64", BootMode: "uefi-preferred", RootDeviceName: "/dev/sda1", VirtualizationType: "hvm",
		SourceImageID: "ami-0eu00000000000001", SourceImageRegion: "eu-west-1", State: "pending"},
}

// setup starts the fakes with fakeImages and returns a client for them and
// the refs of the images, in the order of regions.
func setup(t *testing.T) (*awsfake.Env, *aws.Client, []aws.ImageRef) {
	t.Helper()
	env := awsfake.Start(t)
	var refs []aws.ImageRef
	for _, r := range regions {
		env.EC2.AddImage(r, fakeImages[r])
		refs = append(refs, aws.ImageRef{Region: r, ImageID: fakeImages[r].ImageID})
	}
	return env, newClient(t, env.Config()), refs
}

func newClient(t *testing.T, cfg aws.Config) *aws.Client {
	t.Helper()
	c, err := aws.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// calls counts the fake EC2's calls of action in region.
func calls(env *awsfake.Env, region, action string) int {
	n := 0
	for _, c := range env.EC2.Calls() {
		if c.Region == region && c.Action == action {
			n++
		}
	}
	return n
}

func TestDescribeImages(t *testing.T) {
	env, c, refs := setup(t)
	imgs, err := c.DescribeImages(context.Background(), refs)
	if err != nil {
		t.Fatal(err)
	}
	want := []aws.Image{
		{Region: "eu-west-1", ImageID: "ami-0eu00000000000001", OwnerID: "111122223333", ARN: "arn:aws:ec2:eu-west-1::image/ami-0eu00000000000001",
			Name: "debian-12-hardened", Description: "Debian 12, CIS level 1", CreationDate: "2026-11-23T06:00:00.000Z", State: "available",
			Architecture: "x86_64", BootMode: "legacy-bios", RootDeviceName: "/dev/xvda", VirtualizationType: "hvm", PlatformDetails: "Linux/UNIX",
			SnapshotIDs: []string{"snap-0eu-swap", "snap-0eu-data", "snap-0eu-root"}, Tags: map[string]string{"Name": "debian"}},
		{Region: "us-east-1", ImageID: "ami-0us00000000000002", OwnerID: "444455556666", ARN: "arn:aws:ec2:us-east-1::image/ami-0us00000000000002",
			Name: "debian-12-hardened", CreationDate: "2026-11-23T06:10:00.000Z", State: "available", Architecture: "arm64", BootMode: "uefi",
			RootDeviceName: "/dev/xvda", VirtualizationType: "hvm", PlatformDetails: "Linux/UNIX",
			SourceImageID: "ami-0eu00000000000001", SourceImageRegion: "eu-west-1", SnapshotIDs: []string{"snap-0us-root"}, Tags: map[string]string{}},
		{Region: "cn-north-1", ImageID: "ami-0cn00000000000003", OwnerID: "777788889999", ARN: "arn:aws-cn:ec2:cn-north-1::image/ami-0cn00000000000003",
			Name: "debian-12-hardened", CreationDate: "2026-11-23T06:20:00.000Z", State: "pending", Architecture: "arm64", BootMode: "uefi-preferred",
			RootDeviceName: "/dev/sda1", VirtualizationType: "hvm", SourceImageID: "ami-0eu00000000000001", SourceImageRegion: "eu-west-1",
			SnapshotIDs: []string{}, Tags: map[string]string{}},
	}
	if len(imgs) != len(want) {
		t.Fatalf("%d images, want %d", len(imgs), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(imgs[i], want[i]) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", want[i].Region, imgs[i], want[i])
		}
	}
	for _, r := range refs {
		if n := calls(env, r.Region, "DescribeImages"); n != 1 {
			t.Errorf("%s: %d DescribeImages calls, want 1", r.Region, n)
		}
	}
}

func TestPartition(t *testing.T) {
	for region, want := range map[string]string{"eu-west-1": "aws", "cn-northwest-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "us-east-1": "aws"} {
		if got := aws.Partition(region); got != want {
			t.Errorf("Partition(%s) = %s, want %s", region, got, want)
		}
	}
}

func TestDescribeImageNotFound(t *testing.T) {
	_, c, _ := setup(t)
	_, err := c.DescribeImage(context.Background(), aws.ImageRef{Region: "eu-west-1", ImageID: "ami-0missing"})
	for _, want := range []string{"describe image ami-0missing in eu-west-1", "InvalidAMIID.NotFound"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q", err, want)
		}
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	tests := []struct {
		name        string
		maxAttempts int
		throttled   int
		wantCalls   int
		wantErr     string
	}{
		{"throttled twice, then served", 0, 2, 3, ""},
		{"throttled past the attempts", 3, 5, 3, "RequestLimitExceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, _, refs := setup(t)
			cfg := env.Config()
			cfg.MaxAttempts = tt.maxAttempts
			c := newClient(t, cfg)
			env.EC2.Throttle("us-east-1", "DescribeImages", tt.throttled)
			imgs, err := c.DescribeImages(context.Background(), refs)
			if tt.wantErr == "" && (err != nil || len(imgs) != 3) {
				t.Fatalf("images %v, error %v", imgs, err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "in us-east-1")) {
				t.Fatalf("error %v, want %q in us-east-1", err, tt.wantErr)
			}
			if n := calls(env, "us-east-1", "DescribeImages"); n != tt.wantCalls {
				t.Errorf("%d DescribeImages calls in us-east-1, want %d", n, tt.wantCalls)
			}
			if n := calls(env, "eu-west-1", "DescribeImages"); n != 1 {
				t.Errorf("%d DescribeImages calls in eu-west-1, want 1", n)
			}
		})
	}
}

func TestFailingRegions(t *testing.T) {
	tests := []struct {
		name    string
		failing []string
	}{
		{"one region", []string{"us-east-1"}},
		{"two regions", []string{"eu-west-1", "cn-north-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, c, refs := setup(t)
			for _, r := range tt.failing {
				env.EC2.Fail(r, "DescribeImages", "UnauthorizedOperation")
			}
			imgs, err := c.DescribeImages(context.Background(), refs)
			if err == nil || imgs != nil {
				t.Fatalf("images %v, error %v", imgs, err)
			}
			for _, r := range regions {
				failed := strings.Contains(err.Error(), "in "+r+":")
				if want := contains(tt.failing, r); failed != want {
					t.Errorf("region %s named %v, want %v, in: %v", r, failed, want, err)
				}
			}
			if !strings.Contains(err.Error(), "UnauthorizedOperation") {
				t.Errorf("error does not give EC2's code: %v", err)
			}
			for _, r := range tt.failing {
				if n := calls(env, r, "DescribeImages"); n != 1 {
					t.Errorf("%s: %d calls of a non-retryable error, want 1", r, n)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
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
	c := newClient(t, env.Config())
	start := time.Now()
	imgs, err := c.DescribeImages(context.Background(), refs)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*50*time.Millisecond {
		t.Errorf("20 regions at 50 ms took %s: not in parallel", d)
	}
	for i, img := range imgs {
		if img.Region != refs[i].Region {
			t.Errorf("image %d is from %s, want %s: not in input order", i, img.Region, refs[i].Region)
		}
	}
}

func TestTagImage(t *testing.T) {
	env, c, refs := setup(t)
	ctx := context.Background()
	tags := map[string]string{"hardening:cis-passed": "true", "Name": "debian-hardened"}
	if err := c.TagImage(ctx, refs[0], tags); err != nil {
		t.Fatal(err)
	}
	img, err := c.DescribeImage(ctx, refs[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"hardening:cis-passed": "true", "Name": "debian-hardened"}; !reflect.DeepEqual(img.Tags, want) {
		t.Errorf("tags %v, want %v", img.Tags, want)
	}
	var created []awsfake.Call
	for _, call := range env.EC2.Calls() {
		if call.Action == "CreateTags" {
			created = append(created, call)
		}
	}
	if len(created) != 1 || created[0].Region != refs[0].Region || !reflect.DeepEqual(created[0].ImageIDs, []string{refs[0].ImageID}) ||
		!reflect.DeepEqual(created[0].Tags, tags) {
		t.Errorf("CreateTags calls %+v", created)
	}
	if got := env.EC2.Tags(refs[1].Region, refs[1].ImageID); len(got) != 0 {
		t.Errorf("another region's image was tagged: %v", got)
	}
}

func TestTagImageChecksLimitsFirst(t *testing.T) {
	tests := []struct {
		name     string
		existing int
		tags     map[string]string
		want     string
	}{
		{"too many with the existing tags", 49, map[string]string{"a": "1", "b": "2"}, "the image would have 51 tags (49 existing, 2 new), the limit is 50"},
		{"reserved key", 0, map[string]string{"aws:cloudformation:stack-name": "x"}, `tag key "aws:cloudformation:stack-name": the aws: prefix is reserved`},
		{"value too long", 0, map[string]string{"note": strings.Repeat("v", 300)}, "tag note: value of 300 characters, the limit is 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := awsfake.Start(t)
			img := awsfake.Image{ImageID: "ami-0crowded", OwnerID: "1", Tags: map[string]string{}}
			for i := 0; i < tt.existing; i++ {
				img.Tags[fmt.Sprintf("cost-center-%d", i)] = "x"
			}
			env.EC2.AddImage("eu-west-1", img)
			c := newClient(t, env.Config())
			err := c.TagImage(context.Background(), aws.ImageRef{Region: "eu-west-1", ImageID: "ami-0crowded"}, tt.tags)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "tag image ami-0crowded in eu-west-1") {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if n := calls(env, "eu-west-1", "CreateTags"); n != 0 {
				t.Errorf("%d CreateTags calls after a failed check", n)
			}
		})
	}
}

func TestValidateTags(t *testing.T) {
	existing := map[string]string{}
	for i := 0; i < 48; i++ {
		existing[fmt.Sprintf("k%d", i)] = "v"
	}
	tests := []struct {
		name           string
		existing, tags map[string]string
		want           string
	}{
		{"fits", existing, map[string]string{"a": "1", "k1": "updated"}, ""},
		{"exactly 50", existing, map[string]string{"a": "1", "b": "2"}, ""},
		{"longest key and value, in characters", nil, map[string]string{strings.Repeat("é", 128): strings.Repeat("ü", 256)}, ""},
		{"empty key", nil, map[string]string{"": "v"}, `tag key "": keys must have 1 to 128 characters`},
		{"key too long", nil, map[string]string{strings.Repeat("k", 129): "v"}, "keys must have 1 to 128 characters"},
		{"value too long", nil, map[string]string{"k": strings.Repeat("v", 257)}, "tag k: value of 257 characters, the limit is 256"},
		{"reserved prefix", nil, map[string]string{"AWS:owner": "x"}, `tag key "AWS:owner": the aws: prefix is reserved`},
		{"51 with the existing tags", existing, map[string]string{"a": "1", "b": "2", "c": "3"}, "the image would have 51 tags (48 existing, 3 new), the limit is 50"},
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

func TestEndpointFromEnvironment(t *testing.T) {
	for _, variable := range []string{"AWS_ENDPOINT_URL_EC2", "AWS_ENDPOINT_URL"} {
		t.Run(variable, func(t *testing.T) {
			env, _, refs := setup(t)
			t.Setenv(variable, env.EC2.URL())
			cfg := env.Config()
			cfg.EC2Endpoint = ""
			img, err := newClient(t, cfg).DescribeImage(context.Background(), refs[0])
			if err != nil || img.ImageID != refs[0].ImageID {
				t.Fatalf("image %+v, error %v", img, err)
			}
		})
	}
}
