package gce_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
)

const (
	project = "acme-images"
	imgName = "debian-12-hardened-v1"
	imgID   = "5934107761813722541"
)

// debian is the image every test starts with.
func debian() gcefake.Image {
	return gcefake.Image{Name: imgName, ID: 5934107761813722541, CreationTimestamp: "2026-11-23T06:00:00.000-08:00",
		Family: "debian-12-hardened", Architecture: "X86_64",
		SourceImage:   "https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20261110",
		SourceImageID: "1234", SourceDisk: "https://www.googleapis.com/compute/v1/projects/acme-images/zones/europe-west1-b/disks/packer-1",
		SourceDiskID: "5678", StorageLocations: []string{"eu"},
		Licenses:         []string{"https://www.googleapis.com/compute/v1/projects/debian-cloud/global/licenses/debian-12-bookworm"},
		ArchiveSizeBytes: 1394540224, Labels: map[string]string{"team": "platform"}}
}

// setup starts the fakes with the debian image and a client for them.
func setup(t *testing.T) (*gcefake.Env, *gce.Client) {
	t.Helper()
	env := gcefake.Start(t)
	env.Compute.AddImage(project, debian())
	return env, newClient(t, env.Config())
}

func newClient(t *testing.T, cfg gce.Config) *gce.Client {
	t.Helper()
	c, err := gce.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// ops lists calls as "op code", e.g. "get 429".
func ops(calls []gcefake.Call) []string {
	out := []string{}
	for _, c := range calls {
		out = append(out, fmt.Sprintf("%s %d", c.Op, c.Code))
	}
	return out
}

// wantErr fails t unless err contains every one of want; no want means
// err must be nil.
func wantErr(t *testing.T, err error, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		cfg  gce.Config
		want []string
	}{
		{"zero value", gce.Config{}, nil},
		{"negative attempts", gce.Config{MaxAttempts: -1}, []string{"max attempts -1"}},
		{"negative backoff", gce.Config{MaxBackoff: -1}, []string{"max backoff -1ns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// No credentials are read: New works on a machine without any.
			t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", "/nonexistent/credentials.json")
			c, err := gce.New(context.Background(), tt.cfg)
			wantErr(t, err, tt.want...)
			if err == nil {
				wantErr(t, c.Close())
			}
		})
	}
}

func TestClosedClient(t *testing.T) {
	env, c := setup(t)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := c.Image(context.Background(), project, imgName)
	wantErr(t, err, "get image "+imgName+" in project "+project, "client is closed")
	if n := len(env.Compute.Calls()); n != 0 {
		t.Errorf("%d calls after Close", n)
	}
}
