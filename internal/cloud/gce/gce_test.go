package gce_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce"
	"github.com/imagesmith/packer-plugin-hardening/internal/cloud/gce/gcefake"
)

func setup(t *testing.T) (*gcefake.Env, *gce.Client) {
	t.Helper()
	env := gcefake.Start(t)
	env.Compute.AddImage("acme-images", gcefake.Image{Name: "debian-12-hardened-v1", ID: 5934107761813722541, CreationTimestamp: "2026-11-23T06:00:00.000-08:00",
		Family: "debian-12-hardened", Architecture: "X86_64", SourceImage: "https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20261110",
		SourceImageID: "1234", StorageLocations: []string{"eu"}, Labels: map[string]string{"team": "platform"}})
	c, err := gce.New(context.Background(), env.Config())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return env, c
}

func TestImage(t *testing.T) {
	_, c := setup(t)
	for _, ref := range []string{"debian-12-hardened-v1", "5934107761813722541"} {
		img, err := c.Image(context.Background(), "acme-images", ref)
		if err != nil {
			t.Fatal(err)
		}
		if img.ID != "5934107761813722541" || img.Name != "debian-12-hardened-v1" || img.Status != "READY" ||
			!strings.HasSuffix(img.SelfLink, "/projects/acme-images/global/images/debian-12-hardened-v1") ||
			img.CreationTimestamp != "2026-11-23T06:00:00.000-08:00" || img.SourceImageID != "1234" ||
			!reflect.DeepEqual(img.StorageLocations, []string{"eu"}) || img.Labels["team"] != "platform" || img.LabelFingerprint == "" {
			t.Errorf("%s: %+v", ref, img)
		}
	}
	_, err := c.Image(context.Background(), "acme-images", "missing")
	if err == nil || !strings.Contains(err.Error(), "get image missing in project acme-images") || !strings.Contains(err.Error(), "404") {
		t.Errorf("missing image: %v", err)
	}
}

func TestThrottlingIsRetried(t *testing.T) {
	env, c := setup(t)
	env.Compute.Throttle("get", 2)
	if _, err := c.Image(context.Background(), "acme-images", "debian-12-hardened-v1"); err != nil {
		t.Fatal(err)
	}
	if n := len(env.Compute.Calls()); n != 3 {
		t.Errorf("%d calls, want 2 throttled + 1", n)
	}
	env.Compute.Fail("get", 403)
	if _, err := c.Image(context.Background(), "acme-images", "debian-12-hardened-v1"); err == nil || len(env.Compute.Calls()) != 4 {
		t.Errorf("a 403 was retried or accepted: %v", err)
	}
}

func TestSetLabels(t *testing.T) {
	env, c := setup(t)
	env.Compute.Conflict(1)
	if err := c.SetLabels(context.Background(), "acme-images", "debian-12-hardened-v1", map[string]string{"hardening-cis-passed": "true"}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"team": "platform", "hardening-cis-passed": "true"}
	if got := env.Compute.Labels("acme-images", "debian-12-hardened-v1"); !reflect.DeepEqual(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
	if err := c.RemoveLabels(context.Background(), "acme-images", "debian-12-hardened-v1", []string{"hardening-cis-passed"}); err != nil {
		t.Fatal(err)
	}
	if got := env.Compute.Labels("acme-images", "debian-12-hardened-v1"); !reflect.DeepEqual(got, map[string]string{"team": "platform"}) {
		t.Errorf("labels after removal %v", got)
	}
}

func TestValidateLabels(t *testing.T) {
	many := map[string]string{}
	for i := 0; i < 63; i++ {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	tests := []struct {
		name             string
		existing, labels map[string]string
		want             string
	}{
		{"ok", many, map[string]string{"hardening-cis-score": "97_5"}, ""},
		{"uppercase", nil, map[string]string{"Team": "x"}, `label key "Team"`},
		{"starts with a digit", nil, map[string]string{"1team": "x"}, `label key "1team"`},
		{"value too long", nil, map[string]string{"k": strings.Repeat("v", 64)}, "values have at most 63"},
		{"value with a slash", nil, map[string]string{"k": "gs://bucket"}, `value "gs://bucket"`},
		{"too many", many, map[string]string{"a": "1", "b": "2"}, "would have 65 labels (63 existing), the limit is 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := gce.ValidateLabels(tt.existing, tt.labels)
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

func TestUpload(t *testing.T) {
	env, c := setup(t)
	env.GCS.CreateBucket("acme-attestations")
	uri, err := c.Upload(context.Background(), "acme-attestations", "gce/acme-images/img/descriptor.json", []byte(`{"a":1}`), "application/json")
	if err != nil {
		t.Fatal(err)
	}
	b, ct, err := env.GCS.Object("acme-attestations", "gce/acme-images/img/descriptor.json")
	if uri != "gs://acme-attestations/gce/acme-images/img/descriptor.json" || err != nil || string(b) != `{"a":1}` || ct != "application/json" {
		t.Errorf("uri %s, object %q %q %v", uri, b, ct, err)
	}
}

func TestKMSSigner(t *testing.T) {
	env, c := setup(t)
	key := "projects/acme-kms/locations/global/keyRings/images/cryptoKeys/signing"
	v1 := env.KMS.AddVersion(key, true)
	v2 := env.KMS.AddVersion(key, true)
	env.KMS.AddVersion(key, false) // newer but disabled: never picked
	ctx := context.Background()
	for _, tt := range []struct {
		uri string
		pub *ecdsa.PublicKey
	}{
		{"gcpkms://" + key, v2},
		{"gcpkms://" + key + "/cryptoKeyVersions/1", v1},
	} {
		s, err := c.Signer(ctx, tt.uri)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Public().(*ecdsa.PublicKey).Equal(tt.pub) {
			t.Fatalf("%s: wrong key version", tt.uri)
		}
		sum := sha256.Sum256([]byte("statement"))
		sig, err := s.Sign(nil, sum[:], crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if !ecdsa.VerifyASN1(tt.pub, sum[:], sig) {
			t.Errorf("%s: signature does not verify", tt.uri)
		}
		if _, err := s.Sign(nil, sum[:], crypto.SHA384); err == nil {
			t.Error("signed with the wrong hash")
		}
	}
	env.KMS.CorruptSignatureCRC = true
	s, _ := c.Signer(ctx, "gcpkms://"+key)
	sum := sha256.Sum256([]byte("x"))
	if _, err := s.Sign(nil, sum[:], crypto.SHA256); err == nil || !strings.Contains(err.Error(), "CRC32C mismatch") {
		t.Errorf("corrupted signature accepted: %v", err)
	}
	for _, bad := range []string{"gcpkms://projects/p/locations/l", "awskms:///alias/x", "gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k/cryptoKeyVersions/x"} {
		if _, err := c.Signer(ctx, bad); err == nil || !strings.Contains(err.Error(), "want gcpkms://projects/PROJECT") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}
