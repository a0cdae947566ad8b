package imageref

import (
	"reflect"
	"strings"
	"testing"

	registryimage "github.com/hashicorp/packer-plugin-sdk/packer/registry/image"
	"github.com/ugorji/go/codec"
)

// overRPC encodes v the way Packer's plugin RPC does and decodes it into an
// interface{}, so tests see state in the shape a post-processor receives.
func overRPC(t *testing.T, v interface{}) interface{} {
	t.Helper()
	h := &codec.MsgpackHandle{WriteExt: true}
	var b []byte
	if err := codec.NewEncoderBytes(&b, h).Encode(v); err != nil {
		t.Fatal(err)
	}
	var out interface{}
	if err := codec.NewDecoderBytes(b, h).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

type fakeArtifact struct {
	builder string
	id      string
	files   []string
	state   map[string]interface{}
}

func (a fakeArtifact) BuilderId() string             { return a.builder }
func (a fakeArtifact) Id() string                    { return a.id }
func (a fakeArtifact) Files() []string               { return a.files }
func (a fakeArtifact) State(name string) interface{} { return a.state[name] }

var (
	sumA = strings.Repeat("a", 64)
	sumB = strings.Repeat("b", 64)
	sumC = strings.Repeat("c", 64)
)

func TestFromArtifact(t *testing.T) {
	amis := []*registryimage.Image{
		{ImageID: "ami-0bbb", ProviderName: "aws", ProviderRegion: "us-west-2", SourceImageID: "ami-src"},
		{ImageID: "ami-0aaa", ProviderName: "aws", ProviderRegion: "eu-west-1", SourceImageID: "ami-src"},
	}
	gce := &registryimage.Image{ImageID: "debian-hardened", ProviderName: "gce", ProviderRegion: "europe-west1-b",
		Labels: map[string]string{"project_id": "acme-images"}, SourceImageID: "debian-12-bookworm-v20261101"}
	tests := []struct {
		name    string
		a       fakeArtifact
		opts    Options
		want    []Ref
		wantErr string
	}{
		{
			name: "amazon-ebs multi-region, state over RPC",
			a: fakeArtifact{builder: "mitchellh.amazonebs", id: "eu-west-1:ami-0aaa,us-west-2:ami-0bbb",
				state: map[string]interface{}{"par.artifact.metadata": amis}},
			want: []Ref{
				{Provider: AWS, Location: "eu-west-1", ImageID: "ami-0aaa", SourceImageID: "ami-src"},
				{Provider: AWS, Location: "us-west-2", ImageID: "ami-0bbb", SourceImageID: "ami-src"},
			},
		},
		{
			name: "amazon-chroot, source AMI from generated_data",
			a: fakeArtifact{builder: "mitchellh.amazon.chroot", id: "us-east-1:ami-0ccc",
				state: map[string]interface{}{"generated_data": map[string]interface{}{"SourceAMI": "ami-base", "SSHPrivateKey": "secret"}}},
			want: []Ref{{Provider: AWS, Location: "us-east-1", ImageID: "ami-0ccc", SourceImageID: "ami-base"}},
		},
		{
			name:    "amazon ID without region",
			a:       fakeArtifact{builder: "mitchellh.amazonebs", id: "ami-0aaa"},
			wantErr: `entry "ami-0aaa" is not region:ami-ID`,
		},
		{
			name:    "amazon ID with a duplicate region",
			a:       fakeArtifact{builder: "mitchellh.amazonebs", id: "us-east-1:ami-1,us-east-1:ami-2"},
			wantErr: "region us-east-1 appears twice",
		},
		{
			name: "googlecompute, project from registry labels",
			a:    fakeArtifact{builder: "packer.googlecompute", id: "debian-hardened", state: map[string]interface{}{"par.artifact.metadata": gce}},
			want: []Ref{{Provider: GCE, Location: "acme-images", ImageID: "debian-hardened", SourceImageID: "debian-12-bookworm-v20261101"}},
		},
		{
			name: "googlecompute-import, project from options",
			a:    fakeArtifact{builder: "packer.post-processor.googlecompute-import", id: "imported"},
			opts: Options{GCEProject: "p1"},
			want: []Ref{{Provider: GCE, Location: "p1", ImageID: "imported"}},
		},
		{
			name:    "googlecompute without a project",
			a:       fakeArtifact{builder: "packer.googlecompute", id: "img"},
			wantErr: "set gce_project",
		},
		{
			name: "hardening-rootfs tarball",
			a:    fakeArtifact{builder: "imagesmith.hardening-rootfs", id: "sha256:" + sumA, files: []string{"/out/debian.tar"}},
			want: []Ref{{Provider: Rootfs, Location: "local", ImageID: "debian.tar", Path: "/out/debian.tar", SHA256: sumA}},
		},
		{
			name: "hardening-rootfs tarball and disks",
			a: fakeArtifact{builder: "imagesmith.hardening-rootfs", id: "sha256:" + sumA,
				files: []string{"/out/disk.raw", "/out/disk.tar.gz", "/out/debian.tar"},
				state: map[string]interface{}{"metadata": map[string]string{
					"tarball": "/out/debian.tar", "sha256": sumA, "disk_size": "2147483648",
					"disk_raw": "/out/disk.raw", "disk_raw_sha256": sumB, "disk_raw_size": "2147483648",
					"disk_gce": "/out/disk.tar.gz", "disk_gce_sha256": sumC,
				}}},
			want: []Ref{
				{Provider: Rootfs, Location: "local", ImageID: "debian.tar", Path: "/out/debian.tar", SHA256: sumA},
				{Provider: Rootfs, Location: "local", ImageID: "disk.raw", Path: "/out/disk.raw", SHA256: sumB, DiskFormat: "raw"},
				{Provider: Rootfs, Location: "local", ImageID: "disk.tar.gz", Path: "/out/disk.tar.gz", SHA256: sumC, DiskFormat: "gce"},
			},
		},
		{
			name: "hardening-rootfs disk without a reported digest",
			a: fakeArtifact{builder: "imagesmith.hardening-rootfs", id: "sha256:" + sumA,
				files: []string{"/out/disk.raw", "/out/debian.tar"},
				state: map[string]interface{}{"metadata": map[string]string{"tarball": "/out/debian.tar", "sha256": sumA}}},
			wantErr: "does not report the sha256 of /out/disk.raw",
		},
		{
			name:    "hardening-rootfs with a malformed digest",
			a:       fakeArtifact{builder: "imagesmith.hardening-rootfs", id: "sha256:ab", files: []string{"/out/debian.tar"}},
			wantErr: "does not report the sha256 of /out/debian.tar",
		},
		{
			name:    "other builder",
			a:       fakeArtifact{builder: "mitchellh.docker", id: "sha256:x"},
			wantErr: `builder "mitchellh.docker" is not supported: accepted builders are amazon-ebs`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := map[string]interface{}{}
			for k, v := range tt.a.state {
				state[k] = overRPC(t, v)
			}
			tt.a.state = state
			got, err := FromArtifact(tt.a, tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
